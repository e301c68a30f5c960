import TesseraCore

/// Dedicated GLSL shaders for the primitives the kernel IR cannot express (pad,
/// concatenate, dynamic slices, gather, scatter, argmax/argmin, scans, sort, threefry,
/// dot_general). Shapes are baked into the source as constants; every shader runs a
/// grid-stride loop over its output elements unless said otherwise.
struct DeviceShaders {
    let renderer: GLSLKernelRenderer
    var info: VulkanDeviceInfo { renderer.info }

    func launch(_ primitive: Primitive, _ ins: [ShapedType], _ outs: [ShapedType]) throws -> VulkanLaunch {
        switch primitive {
        case .pad(let config): return try pad(config, ins, outs)
        case .concatenate(let dimension): return try concatenate(dimension, ins, outs)
        case .dynamicSlice: return try dynamicSlice(ins, outs)
        case .dynamicUpdateSlice: return try dynamicUpdateSlice(ins, outs)
        case .gather(let dn, let sliceSizes, let mode): return try gather(dn, sliceSizes, mode, ins, outs)
        case .scatter(let dn, let mode): return try scatter(dn, mode, ins, outs)
        case .argReduce(let op, let axis, _): return try argReduce(op, axis, ins, outs)
        case .cumulative(let op, let axis, let reverse): return try cumulative(op, axis, reverse, ins, outs)
        case .sort(let dimension, _, let numKeys): return try sort(dimension, numKeys, ins, outs)
        case .threefry2x32: return try threefry(ins, outs)
        case .dotGeneral(let dn, _): return try MatmulShader(shaders: self).launch(dn, ins, outs)
        case .unary, .binary, .compare, .select, .convertElementType, .bitcastConvertType, .iota, .broadcastInDim,
             .reshape, .transpose, .slice, .rev, .reduce, .stopGradient, .cond, .whileLoop, .scan, .collective,
             .convGeneralDilated, .linalg:
            throw TesseraError(.invalidArgument, "\(renderer.label): \(printedName(primitive)) has no dedicated shader (it is a kernel-IR primitive)")
        }
    }

    // MARK: building blocks

    /// `for (uint v = first; v < end; v++) { body }`, unrolled: lavapipe ends a shader
    /// invocation after 65535 loop iterations in all (a per-invocation loop limiter), so
    /// long sequential loops (scans, argmax, sort ranks, scatter, reductions along a long
    /// axis) advance several elements per iteration: 16, or when `end` is a literal
    /// (`"300000u"`), enough to keep the loop under 8192 iterations up to 256 per iteration
    /// (about 2 million elements; beyond 16 million the limiter still cuts in). `body` must
    /// not use `continue` or `break`.
    static func loop(_ v: String, from first: String = "0u", to end: String, _ body: String) -> String {
        let factor = unrollFactor(tripCount: end.hasSuffix("u") ? Int(end.dropLast()) : nil)
        let steps = (0..<factor).map { "{ uint \(v) = \(v)_hi + \($0)u; if (\(v) < \(v)_end) { \(body) } }" }.joined(separator: "\n")
        return "{ uint \(v)_end = \(end);\nfor (uint \(v)_hi = \(first); \(v)_hi < \(v)_end; \(v)_hi += \(factor)u) {\n\(steps)\n} }"
    }

    /// Elements per iteration of `loop` for a trip count (nil: not known when rendering).
    static func unrollFactor(tripCount: Int?) -> Int {
        guard let n = tripCount else { return 16 }
        var factor = 16
        while factor < 256 && (n + factor - 1) / factor > 8192 { factor *= 2 }
        return factor
    }

    /// `int c0 = ...;` lines: coordinates of a row-major linear index over `shape`.
    static func coordinates(_ linear: String, _ shape: [Int], prefix: String) -> String {
        var lines: [String] = []
        var stride = 1
        for d in shape.indices.reversed() {
            lines.insert("int \(prefix)\(d) = int((\(linear) / \(stride)u) % \(Swift.max(shape[d], 1))u);", at: 0)
            stride *= Swift.max(shape[d], 1)
        }
        return lines.joined(separator: " ")
    }

    /// `a*s0 + b*s1 ...` for row-major strides of `shape`.
    static func linear(_ coords: [String], _ shape: [Int]) -> String {
        let strides = GLSLKernelRenderer.rowMajorStrides(shape)
        let terms = coords.enumerated().compactMap { d, c -> String? in shape[d] <= 1 ? nil : "(\(c)) * \(strides[d])" }
        return terms.isEmpty ? "0" : terms.joined(separator: " + ")
    }

    /// A register value read from buffer `k` of `d` at `address`.
    static func read(_ k: Int, _ d: DType, _ address: String) -> String {
        d == .bool ? "(b\(k)[\(address)] != uint8_t(0))" : "b\(k)[\(address)]"
    }

    /// A statement storing register value `v` of `d` into buffer `k` at `address`.
    static func write(_ k: Int, _ d: DType, _ address: String, _ v: String) -> String {
        d == .bool ? "b\(k)[\(address)] = uint8_t((\(v)) ? 1 : 0);" : "b\(k)[\(address)] = \(v);"
    }

    /// The index type of start indices (int: indices beyond the int32 range are clamped
    /// into it, which keeps them out of bounds of every buffer).
    var indexType: String { "int" }

    /// Reads scalar index element `j` of buffer `k` (of integer dtype `d`) as `indexType`.
    func readIndex(_ k: Int, _ d: DType, _ j: String) -> String {
        switch d {
        case .int64: return "int(clamp(b\(k)[\(j)], int64_t(-2147483647), int64_t(2147483647)))"
        case .uint32: return "int(min(b\(k)[\(j)], 0x7fffffffu))"
        case .bool: return "int(b\(k)[\(j)])"
        case .int32, .float16, .float32, .float64: return "int(b\(k)[\(j)])"
        }
    }

    /// A shader whose main runs `loop` for every `i < pc.p[0]` (grid-stride).
    func elementwise(_ name: String, bindings: [DType], count: Int, loop: String, functions: String = "",
                     sections: Set<GLSLPrelude.Section> = [], dtypes: Set<DType> = []) throws -> VulkanLaunch {
        try renderer.checkDTypes(Set(bindings).union(dtypes), what: name)
        let prelude = GLSLPrelude.source(sections, hasFloat64: info.shaderFloat64)
        let body = """
        \(prelude)
        \(functions)
        void main() {
            uint n = pc.p[0];
            uint step = gl_NumWorkGroups.x * gl_WorkGroupSize.x;
            for (uint i = gl_GlobalInvocationID.x; i < n; i += step) {
                \(loop)
            }
        }
        """
        let program = ShaderProgram(name: name, bindings: bindings, pushWords: 1, body: body,
                                    localSize: GLSLKernelRenderer.elementwiseLocalSize,
                                    dtypes: Set(bindings).union(dtypes))
        return VulkanLaunch(program: program, words: [UInt32(count)],
                            groups: count == 0 ? 0 : renderer.groups(for: count, localSize: GLSLKernelRenderer.elementwiseLocalSize))
    }

    // MARK: movement

    func pad(_ config: [PadConfig], _ ins: [ShapedType], _ outs: [ShapedType]) throws -> VulkanLaunch {
        let x = ins[0], out = outs[0].shape
        var conds: [String] = []
        var src: [String] = []
        for (d, c) in config.enumerated() {
            let step = c.interior + 1
            let t = "(c\(d) - (\(c.low)))"
            conds.append("\(t) >= 0 && \(t) % \(step) == 0 && \(t) / \(step) < \(x.shape[d])")
            src.append("\(t) / \(step)")
        }
        let inside = conds.isEmpty ? "true" : conds.joined(separator: " && ")
        let loop = """
        \(Self.coordinates("i", out, prefix: "c"))
                if (\(inside)) b2[i] = b0[\(Self.linear(src, x.shape))]; else b2[i] = b1[0];
        """
        return try elementwise("pad", bindings: [x.dtype, x.dtype, x.dtype], count: outs[0].count, loop: loop)
    }

    func concatenate(_ dimension: Int, _ ins: [ShapedType], _ outs: [ShapedType]) throws -> VulkanLaunch {
        let out = outs[0].shape
        var branches: [String] = []
        var start = 0
        for (k, t) in ins.enumerated() {
            let size = t.shape[dimension]
            defer { start += size }
            if size == 0 { continue }
            var coords = out.indices.map { "c\($0)" }
            coords[dimension] = "c\(dimension) - \(start)"
            branches.append("if (c\(dimension) < \(start + size)) b\(ins.count)[i] = b\(k)[\(Self.linear(coords, t.shape))];")
        }
        let loop = Self.coordinates("i", out, prefix: "c") + "\n" + branches.joined(separator: " else ")
        return try elementwise("concatenate", bindings: ins.map(\.dtype) + [outs[0].dtype], count: outs[0].count, loop: loop)
    }

    /// Clamped start indices `s0, s1, ...` from scalar index buffers `first...`.
    func clampedStarts(_ ins: [ShapedType], first: Int, shape: [Int], sizes: [Int]) -> String {
        shape.indices.map { d in
            "int s\(d) = int(clamp(\(readIndex(first + d, ins[first + d].dtype, "0")), \(indexType)(0), \(indexType)(\(shape[d] - sizes[d]))));"
        }.joined(separator: " ")
    }

    func dynamicSlice(_ ins: [ShapedType], _ outs: [ShapedType]) throws -> VulkanLaunch {
        let x = ins[0], out = outs[0].shape
        let coords = out.indices.map { "s\($0) + c\($0)" }
        let loop = """
        \(clampedStarts(ins, first: 1, shape: x.shape, sizes: out))
                \(Self.coordinates("i", out, prefix: "c"))
                b\(ins.count)[i] = b0[\(Self.linear(coords, x.shape))];
        """
        return try elementwise("dynamic_slice", bindings: ins.map(\.dtype) + [x.dtype], count: outs[0].count, loop: loop)
    }

    func dynamicUpdateSlice(_ ins: [ShapedType], _ outs: [ShapedType]) throws -> VulkanLaunch {
        let x = ins[0], u = ins[1]
        let inside = x.shape.indices.map { "c\($0) >= s\($0) && c\($0) < s\($0) + \(u.shape[$0])" }
        let uCoords = x.shape.indices.map { "c\($0) - s\($0)" }
        let loop = """
        \(clampedStarts(ins, first: 2, shape: x.shape, sizes: u.shape))
                \(Self.coordinates("i", x.shape, prefix: "c"))
                if (\(inside.isEmpty ? "true" : inside.joined(separator: " && ")) && \(u.count) > 0) b\(ins.count)[i] = b1[\(Self.linear(uCoords, u.shape))]; else b\(ins.count)[i] = b0[i];
        """
        return try elementwise("dynamic_update_slice", bindings: ins.map(\.dtype) + [x.dtype], count: outs[0].count, loop: loop)
    }

    // MARK: gather / scatter

    func gather(_ dn: GatherDimensionNumbers, _ sliceSizes: [Int], _ mode: GatherMode,
                _ ins: [ShapedType], _ outs: [ShapedType]) throws -> VulkanLaunch {
        let x = ins[0], idx = ins[1], out = outs[0].shape
        let k = idx.shape.last!
        let batchShape = Array(idx.shape.dropLast())
        let batchOutAxes = out.indices.filter { !dn.offsetDims.contains($0) }
        let offsetOperandDims = x.shape.indices.filter { !dn.collapsedSliceDims.contains($0) && !dn.operandBatchingDims.contains($0) }
        let row = Self.linear(batchOutAxes.map { "c\($0)" }, batchShape)
        var lines = ["int row = \(row);", "bool inBounds = true;"]
        var operandCoords: [String] = []
        for d in x.shape.indices {
            var start = "0"
            if let c = dn.startIndexMap.firstIndex(of: d) {
                let upper = x.shape[d] - sliceSizes[d]
                lines.append("\(indexType) r\(d) = \(readIndex(1, idx.dtype, "row * \(k) + \(c)"));")
                lines.append("if (r\(d) < \(indexType)(0) || r\(d) > \(indexType)(\(upper))) inBounds = false;")
                start = "int(clamp(r\(d), \(indexType)(0), \(indexType)(\(upper))))"
            } else if let i = dn.operandBatchingDims.firstIndex(of: d) {
                let batchAxis = dn.startIndicesBatchingDims[i]
                start = "c\(batchOutAxes[batchAxis])"
            }
            var within = "0"
            if let j = offsetOperandDims.firstIndex(of: d) { within = "c\(dn.offsetDims[j])" }
            operandCoords.append("\(start) + \(within)")
        }
        let fill = gatherFill(x.dtype)
        let read = "b0[\(Self.linear(operandCoords, x.shape))]"
        let store = mode == .fill ? "if (inBounds) b2[i] = \(read); else b2[i] = \(fill);" : "b2[i] = \(read);"
        let loop = Self.coordinates("i", out, prefix: "c") + "\n" + lines.joined(separator: "\n") + "\n" + store
        return try elementwise("gather", bindings: [x.dtype, idx.dtype, x.dtype], count: outs[0].count, loop: loop)
    }

    func gatherFill(_ d: DType) -> String {
        switch d {
        case .bool: return "uint8_t(1)"
        case .int32: return "int(0x80000000u)"
        case .int64: return "int64_t(0x8000000000000000ul)"
        case .uint32: return "0xffffffffu"
        case .float16: return "float16_t(uintBitsToFloat(0x7fc00000u))"
        case .float32: return "uintBitsToFloat(0x7fc00000u)"
        case .float64: return "packDouble2x32(uvec2(0u, 0x7ff80000u))"
        }
    }

    /// One work group: its threads copy the operand, then thread 0 applies the updates in
    /// order (so duplicate indices combine exactly as the reference does).
    func scatter(_ dn: ScatterDimensionNumbers, _ mode: ScatterMode, _ ins: [ShapedType], _ outs: [ShapedType]) throws -> VulkanLaunch {
        let x = ins[0], idx = ins[1], u = ins[2]
        try renderer.checkDTypes([x.dtype, idx.dtype], what: "scatter")
        let k = idx.shape.last!
        let batchShape = Array(idx.shape.dropLast())
        let scatterUpdateAxes = u.shape.indices.filter { !dn.updateWindowDims.contains($0) }
        let windowOperandDims = x.shape.indices.filter { !dn.insertedWindowDims.contains($0) && !dn.operandBatchingDims.contains($0) }
        var window = [Int](repeating: 1, count: x.rank)
        var windowUpdateAxis = [Int?](repeating: nil, count: x.rank)
        for (j, d) in windowOperandDims.enumerated() {
            window[d] = u.shape[dn.updateWindowDims[j]]
            windowUpdateAxis[d] = dn.updateWindowDims[j]
        }
        var ops = GLSLScalarOps(hasFloat64: info.shaderFloat64)
        let t = ShaderProgram.glslType(x.dtype)
        let old = Self.read(3, x.dtype, "o"), new = Self.read(2, x.dtype, "uo")
        let combined: String
        switch mode {
        case .set: combined = new
        case .add: combined = try ops.binary(.add, x.dtype, old, new)
        case .mul: combined = try ops.binary(.mul, x.dtype, old, new)
        case .min: combined = try ops.binary(.min, x.dtype, old, new)
        case .max: combined = try ops.binary(.max, x.dtype, old, new)
        }
        var rowLines: [String] = [Self.coordinates("row", batchShape, prefix: "g")]
        rowLines.append("bool ok = true;")
        for d in x.shape.indices {
            if let c = dn.scatterDimsToOperandDims.firstIndex(of: d) {
                rowLines.append("\(indexType) s\(d) = \(readIndex(1, idx.dtype, "row * \(k) + \(c)"));")
            } else if let i = dn.operandBatchingDims.firstIndex(of: d) {
                rowLines.append("\(indexType) s\(d) = \(indexType)(g\(dn.scatterIndicesBatchingDims[i]));")
            } else {
                rowLines.append("\(indexType) s\(d) = \(indexType)(0);")
            }
            rowLines.append("if (s\(d) < \(indexType)(0) || s\(d) > \(indexType)(\(x.shape[d] - window[d]))) ok = false;")
        }
        let windowCount = window.reduce(1, *)
        var uCoords = [String](repeating: "0", count: u.rank)
        for (b, axis) in scatterUpdateAxes.enumerated() { uCoords[axis] = "g\(b)" }
        for d in x.shape.indices { if let a = windowUpdateAxis[d] { uCoords[a] = "w\(d)" } }
        let oCoords = x.shape.indices.map { "int(s\($0)) + w\($0)" }
        let body = """
        \(GLSLPrelude.source(ops.sections, hasFloat64: info.shaderFloat64))
        void main() {
            uint lid = gl_LocalInvocationID.x;
            for (uint i = lid; i < \(x.count)u; i += gl_WorkGroupSize.x) b3[i] = b0[i];
            memoryBarrierBuffer();
            barrier();
            if (lid != 0u) return;
            \(Self.loop("row", to: "\(batchShape.reduce(1, *))u", """
                \(rowLines.joined(separator: "\n        "))
                if (ok) {
                    \(Self.loop("wi", to: "\(windowCount)u", """
                        \(Self.coordinates("wi", window, prefix: "w"))
                        int uo = \(Self.linear(uCoords, u.shape));
                        int o = \(Self.linear(oCoords, x.shape));
                        \(t) v = \(combined);
                        \(Self.write(3, x.dtype, "o", "v"))
                    """))
                }
            """))
        }
        """
        let program = ShaderProgram(name: "scatter", bindings: [x.dtype, idx.dtype, u.dtype, x.dtype], pushWords: 1,
                                    body: body, localSize: 256, dtypes: [x.dtype, idx.dtype])
        return VulkanLaunch(program: program, words: [0], groups: x.count == 0 ? 0 : 1)
    }
}
