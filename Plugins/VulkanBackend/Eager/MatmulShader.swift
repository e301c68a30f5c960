import TesseraCore

/// `dot_general` on the device.
///
/// When each operand has at most one batch, one free and exactly one contracting axis (every
/// matmul, batched matmul, matrix-vector and transposed form), a tiled shader computes 64x64
/// output tiles per work group of 256 threads, 4x4 outputs per thread, staging 16-deep
/// slices of both operands in shared memory (float32, float64 where supported, and the
/// integer types). Other dimension numbers use a direct shader: one thread per output
/// element looping over the contracting index space.
///
/// As the reference does, floating-point products accumulate in float32 (float64 when
/// either side is float64) and integers in the output type, wrapping.
struct MatmulShader {
    let shaders: DeviceShaders

    static let tile = 64
    static let depth = 16

    func accumulator(_ lhs: DType, _ out: DType) -> DType {
        out.isFloatingPoint ? ((out == .float64 || lhs == .float64) ? .float64 : .float32) : out
    }

    func launch(_ dn: DotDimensionNumbers, _ ins: [ShapedType], _ outs: [ShapedType]) throws -> VulkanLaunch {
        let l = ins[0], r = ins[1], out = outs[0]
        if l.dtype == .bool || out.dtype == .bool {
            throw TesseraError(.unsupported, "dot_general: unsupported dtype bool on \(shaders.renderer.label); convert the operands with asType(.int32) or asType(.float32)")
        }
        let lFree = l.shape.indices.filter { !dn.lhsBatch.contains($0) && !dn.lhsContracting.contains($0) }
        let rFree = r.shape.indices.filter { !dn.rhsBatch.contains($0) && !dn.rhsContracting.contains($0) }
        if dn.lhsBatch.count <= 1 && lFree.count <= 1 && rFree.count <= 1 && dn.lhsContracting.count == 1 {
            // CPU devices (lavapipe) run work-group barriers as coroutine switches: there a
            // register-tiled shader without shared memory is several times faster.
            if shaders.info.kind == .cpu { return try registerTiled(dn, lFree.first, rFree.first, ins, outs) }
            return try tiled(dn, lFree.first, rFree.first, ins, outs)
        }
        return try direct(dn, lFree, rFree, ins, outs)
    }

    /// The element stride of axis `a` of `t` (0 for a missing axis).
    func stride(_ t: ShapedType, _ a: Int?) -> Int {
        guard let a else { return 0 }
        return GLSLKernelRenderer.rowMajorStrides(t.shape)[a]
    }

    func tiled(_ dn: DotDimensionNumbers, _ lFree: Int?, _ rFree: Int?, _ ins: [ShapedType], _ outs: [ShapedType]) throws -> VulkanLaunch {
        let l = ins[0], r = ins[1], out = outs[0]
        let acc = accumulator(l.dtype, out.dtype)
        try shaders.renderer.checkDTypes([l.dtype, r.dtype, out.dtype, acc], what: "dot_general")
        let ops = GLSLScalarOps(hasFloat64: shaders.info.shaderFloat64)
        let batch = dn.lhsBatch.first.map { l.shape[$0] } ?? 1
        let m = lFree.map { l.shape[$0] } ?? 1
        let n = rFree.map { r.shape[$0] } ?? 1
        let k = l.shape[dn.lhsContracting[0]]
        let (lb, li, lk) = (stride(l, dn.lhsBatch.first), stride(l, lFree), stride(l, dn.lhsContracting[0]))
        let (rb, rj, rk) = (stride(r, dn.rhsBatch.first), stride(r, rFree), stride(r, dn.rhsContracting[0]))
        let at = ShaderProgram.glslType(acc)
        let ld = { (b: Int, d: DType, a: String) in ops.convert(DeviceShaders.read(b, d, a), from: d, to: acc) }
        let zero = acc == .float64 ? "0.0lf" : "\(at)(0)"
        let t = Self.tile, dp = Self.depth
        let tilesM = (m + t - 1) / t, tilesN = (n + t - 1) / t
        let tiles = batch * tilesM * tilesN
        // 4x4 outputs per thread in named registers (no local arrays: lavapipe spills those).
        let declarations = (0..<4).flatMap { u in (0..<4).map { v in "\(at) c\(u)\(v) = \(zero);" } }.joined(separator: " ")
        var products = (0..<4).map { u in "\(at) a\(u) = As[kk][ty * 4u + \(u)u];" }.joined(separator: " ")
        products += " " + (0..<4).map { v in "\(at) q\(v) = Bs[kk][tx * 4u + \(v)u];" }.joined(separator: " ")
        products += " " + (0..<4).flatMap { u in (0..<4).map { v in "c\(u)\(v) += a\(u) * q\(v);" } }.joined(separator: " ")
        let stores = (0..<4).flatMap { u in (0..<4).map { v in
            "if (i0 + ty * 4u + \(u)u < \(m)u && j0 + tx * 4u + \(v)u < \(n)u) b2[bt * \(m * n)u + (i0 + ty * 4u + \(u)u) * \(n)u + j0 + tx * 4u + \(v)u] = \(ops.convert("c\(u)\(v)", from: acc, to: out.dtype));"
        } }.joined(separator: "\n                ")
        let body = """
        shared \(at) As[\(dp)][\(t)];
        shared \(at) Bs[\(dp)][\(t)];
        void main() {
            uint lid = gl_LocalInvocationID.x;
            uint tx = lid % 16u, ty = lid / 16u;
            for (uint tile = gl_WorkGroupID.x; tile < \(tiles)u; tile += gl_NumWorkGroups.x) {
                uint bt = tile / \(tilesM * tilesN)u, rest = tile % \(tilesM * tilesN)u;
                uint i0 = (rest / \(tilesN)u) * \(t)u, j0 = (rest % \(tilesN)u) * \(t)u;
                \(declarations)
                for (uint k0 = 0u; k0 < \(k)u; k0 += \(dp)u) {
                    for (uint e = lid; e < \(dp * t)u; e += 256u) {
                        uint kk = e / \(t)u, x = e % \(t)u;
                        uint gi = i0 + x, gj = j0 + x, gk = k0 + kk;
                        As[kk][x] = \(zero);
                        Bs[kk][x] = \(zero);
                        if (gi < \(m)u && gk < \(k)u) As[kk][x] = \(ld(0, l.dtype, "bt * \(lb)u + gi * \(li)u + gk * \(lk)u"));
                        if (gj < \(n)u && gk < \(k)u) Bs[kk][x] = \(ld(1, r.dtype, "bt * \(rb)u + gj * \(rj)u + gk * \(rk)u"));
                    }
                    barrier();
                    for (uint kk = 0u; kk < \(dp)u; kk++) {
                        \(products)
                    }
                    barrier();
                }
                \(stores)
            }
        }
        """
        let program = ShaderProgram(name: "dot_general_tiled", bindings: [l.dtype, r.dtype, out.dtype], pushWords: 1,
                                    body: GLSLPrelude.source(ops.sections, hasFloat64: shaders.info.shaderFloat64) + "\n" + body,
                                    localSize: 256, dtypes: [l.dtype, r.dtype, out.dtype, acc])
        let groups = out.count == 0 ? 0 : Swift.min(tiles, 65535)
        return VulkanLaunch(program: program, words: [0], groups: groups)
    }

    /// 4x4 outputs per thread straight from global memory (no shared memory, no barriers).
    func registerTiled(_ dn: DotDimensionNumbers, _ lFree: Int?, _ rFree: Int?, _ ins: [ShapedType], _ outs: [ShapedType]) throws -> VulkanLaunch {
        let l = ins[0], r = ins[1], out = outs[0]
        let acc = accumulator(l.dtype, out.dtype)
        try shaders.renderer.checkDTypes([l.dtype, r.dtype, out.dtype, acc], what: "dot_general")
        let ops = GLSLScalarOps(hasFloat64: shaders.info.shaderFloat64)
        let batch = dn.lhsBatch.first.map { l.shape[$0] } ?? 1
        let m = lFree.map { l.shape[$0] } ?? 1
        let n = rFree.map { r.shape[$0] } ?? 1
        let k = l.shape[dn.lhsContracting[0]]
        let (lb, li, lk) = (stride(l, dn.lhsBatch.first), stride(l, lFree), stride(l, dn.lhsContracting[0]))
        let (rb, rj, rk) = (stride(r, dn.rhsBatch.first), stride(r, rFree), stride(r, dn.rhsContracting[0]))
        let at = ShaderProgram.glslType(acc)
        let zero = acc == .float64 ? "0.0lf" : "\(at)(0)"
        let blocksM = (m + 3) / 4, blocksN = (n + 3) / 4
        let count = batch * blocksM * blocksN
        func ld(_ b: Int, _ d: DType, _ a: String) -> String { ops.convert(DeviceShaders.read(b, d, a), from: d, to: acc) }
        let declarations = (0..<4).flatMap { u in (0..<4).map { v in "\(at) c\(u)\(v) = \(zero);" } }.joined(separator: " ")
        // Rows and columns past the edge read row/column 0 (in bounds) and are not stored.
        let rows = (0..<4).map { u in "uint ia\(u) = (i0 + \(u)u < \(m)u ? i0 + \(u)u : 0u) * \(li)u + bt * \(lb)u;" }.joined(separator: " ")
        let cols = (0..<4).map { v in "uint jb\(v) = (j0 + \(v)u < \(n)u ? j0 + \(v)u : 0u) * \(rj)u + bt * \(rb)u;" }.joined(separator: " ")
        var step = (0..<4).map { u in "\(at) a\(u) = \(ld(0, l.dtype, "ia\(u) + kk * \(lk)u"));" }.joined(separator: " ")
        step += " " + (0..<4).map { v in "\(at) q\(v) = \(ld(1, r.dtype, "jb\(v) + kk * \(rk)u"));" }.joined(separator: " ")
        step += " " + (0..<4).flatMap { u in (0..<4).map { v in "c\(u)\(v) += a\(u) * q\(v);" } }.joined(separator: " ")
        let stores = (0..<4).flatMap { u in (0..<4).map { v in
            "if (i0 + \(u)u < \(m)u && j0 + \(v)u < \(n)u) b2[bt * \(m * n)u + (i0 + \(u)u) * \(n)u + j0 + \(v)u] = \(ops.convert("c\(u)\(v)", from: acc, to: out.dtype));"
        } }.joined(separator: "\n        ")
        let loop = """
        uint bt = i / \(blocksM * blocksN)u, rest = i % \(blocksM * blocksN)u;
                uint i0 = (rest / \(blocksN)u) * 4u, j0 = (rest % \(blocksN)u) * 4u;
                \(rows)
                \(cols)
                \(declarations)
                \(DeviceShaders.loop("kk", to: "\(k)u", step))
                \(stores)
        """
        return try shaders.elementwise("dot_general_registers", bindings: [l.dtype, r.dtype, out.dtype], count: out.count == 0 ? 0 : count,
                                       loop: loop, dtypes: [acc])
    }

    func direct(_ dn: DotDimensionNumbers, _ lFree: [Int], _ rFree: [Int], _ ins: [ShapedType], _ outs: [ShapedType]) throws -> VulkanLaunch {
        let l = ins[0], r = ins[1], out = outs[0]
        let acc = accumulator(l.dtype, out.dtype)
        let ops = GLSLScalarOps(hasFloat64: shaders.info.shaderFloat64)
        let ls = GLSLKernelRenderer.rowMajorStrides(l.shape), rs = GLSLKernelRenderer.rowMajorStrides(r.shape)
        // Output axes: batch, lhs free, rhs free.
        var lTerms: [String] = [], rTerms: [String] = []
        var axis = 0
        for (lb, rb) in zip(dn.lhsBatch, dn.rhsBatch) {
            lTerms.append("c\(axis) * \(ls[lb])"); rTerms.append("c\(axis) * \(rs[rb])"); axis += 1
        }
        for a in lFree { lTerms.append("c\(axis) * \(ls[a])"); axis += 1 }
        for a in rFree { rTerms.append("c\(axis) * \(rs[a])"); axis += 1 }
        let kShape = dn.lhsContracting.map { l.shape[$0] }
        let kCount = kShape.reduce(1, *)
        for (j, (la, ra)) in zip(dn.lhsContracting, dn.rhsContracting).enumerated() {
            lTerms.append("k\(j) * \(ls[la])"); rTerms.append("k\(j) * \(rs[ra])")
        }
        let at = ShaderProgram.glslType(acc)
        let lv = ops.convert(DeviceShaders.read(0, l.dtype, "la"), from: l.dtype, to: acc)
        let rv = ops.convert(DeviceShaders.read(1, r.dtype, "ra"), from: r.dtype, to: acc)
        let loop = """
        \(DeviceShaders.coordinates("i", out.shape, prefix: "c"))
                \(at) s = \(acc == .float64 ? "0.0lf" : "\(at)(0)");
                \(DeviceShaders.loop("kk", to: "\(kCount)u", """
                    \(DeviceShaders.coordinates("kk", kShape, prefix: "k"))
                    int la = \(lTerms.isEmpty ? "0" : lTerms.joined(separator: " + "));
                    int ra = \(rTerms.isEmpty ? "0" : rTerms.joined(separator: " + "));
                    s += \(lv) * \(rv);
                """))
                b2[i] = \(ops.convert("s", from: acc, to: out.dtype));
        """
        return try shaders.elementwise("dot_general", bindings: [l.dtype, r.dtype, out.dtype], count: out.count, loop: loop,
                                       dtypes: [acc])
    }
}
