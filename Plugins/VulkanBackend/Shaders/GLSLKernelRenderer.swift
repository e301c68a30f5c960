import TesseraCore

/// A shader with its launch: push-constant words and work-group count. With a prologue,
/// the prologue runs first on the inputs and writes a scratch buffer, and the main program
/// binds that scratch buffer in place of the inputs.
struct VulkanLaunch: Sendable {
    var program: ShaderProgram
    var words: [UInt32]
    var groups: Int
    var prologue: VulkanPrologue? = nil
}

/// The first dispatch of a two-dispatch launch.
struct VulkanPrologue: Sendable {
    var program: ShaderProgram
    var words: [UInt32]
    var groups: Int
    var scratchBytes: Int
}

extension VulkanDeviceContext {
    /// Records a launch: its prologue (into a scratch buffer freed when the work is done) and
    /// its main dispatch.
    func dispatch(_ launch: VulkanLaunch, inputs: [VulkanBuffer], outputs: [VulkanBuffer]) throws {
        if let p = launch.prologue {
            let scratch = try makeBuffer(byteCount: p.scratchBytes)
            try dispatch(p.program, buffers: inputs + [scratch], words: p.words, groups: p.groups, outputs: [scratch])
            try dispatch(launch.program, buffers: [scratch] + outputs, words: launch.words, groups: launch.groups, outputs: outputs)
        } else {
            try dispatch(launch.program, buffers: inputs + outputs, words: launch.words, groups: launch.groups, outputs: outputs)
        }
    }
}

/// Renders a fused `Kernel` (see `KernelIR.swift`) to a GLSL compute shader.
///
/// Element-wise kernels run a grid-stride loop over the index space (point count in a push
/// constant); loads whose index map is the identity or a broadcast scalar need no
/// coordinates, so the source of such kernels does not depend on the shape and is shared
/// by every size. Reduction kernels run one thread per output when the reduced extent is
/// small, else one work group per output combining with subgroup arithmetic (where the
/// operation allows) and shared memory.
struct GLSLKernelRenderer {
    let info: VulkanDeviceInfo
    let label: String

    static let elementwiseLocalSize = 128
    static let reductionLocalSize = 256

    func checkDTypes(_ dtypes: Set<DType>, what: String) throws {
        for d in dtypes.sorted(by: { $0.rawValue < $1.rawValue }) where !info.dtypes.contains(d) {
            throw TesseraError(.unsupported, "\(label): \(what) uses \(d), which this device does not support (it lacks \(info.missingFeature(for: d))); convert with asType(...) to a supported dtype: \(info.dtypes.map(\.description).sorted().joined(separator: ", "))")
        }
    }

    func groups(for threads: Int, localSize: Int) -> Int {
        Swift.min((threads + localSize - 1) / localSize, Swift.min(info.maxComputeWorkGroupCountX, 65535))
    }

    func render(_ k: Kernel) throws -> VulkanLaunch {
        var dtypes = Set(k.inputs.map(\.dtype) + k.outputs.map(\.dtype) + k.body.map(\.dtype))
        if let r = k.reduction { dtypes.insert(r.accumulatorDType) }
        try checkDTypes(dtypes, what: "kernel \(k.name)")
        if k.pointCount >= Int(Int32.max) {
            throw TesseraError(.unsupported, "\(label): kernel \(k.name) has \(k.pointCount) points; at most 2^31 - 1 are supported")
        }
        var ops = GLSLScalarOps(hasFloat64: info.shaderFloat64)
        let space = k.indexSpace
        let rowStrides = Self.rowMajorStrides(space)
        // Which loads need coordinates.
        func isIdentity(_ m: KernelIndexMap) -> Bool {
            m.offset == 0 && space.indices.allSatisfy { space[$0] <= 1 || m.strides[$0] == rowStrides[$0] }
        }
        func isScalar(_ m: KernelIndexMap) -> Bool { space.indices.allSatisfy { space[$0] <= 1 || m.strides[$0] == 0 } }
        var needsCoordinates = k.reduction != nil
        for inst in k.body {
            switch inst.op {
            case .load(_, let m): if !isIdentity(m) && !isScalar(m) { needsCoordinates = true }
            case .index: needsCoordinates = true
            case .literal, .unary, .binary, .compare, .select, .convert, .bitcast, .accumulator: break
            }
        }
        // The body as statements.
        var lines: [String] = []
        for (n, inst) in k.body.enumerated() {
            let t = ShaderProgram.glslType(inst.dtype)
            let v = { (x: Int) in "v\(x)" }
            let expr: String
            switch inst.op {
            case .load(let input, let m):
                let address: String
                if isIdentity(m) && k.reduction == nil {
                    address = "i"
                } else if isScalar(m) {
                    address = "\(m.offset)"
                } else {
                    let terms = space.indices.compactMap { d -> String? in
                        space[d] <= 1 || m.strides[d] == 0 ? nil : "\(m.strides[d]) * c\(d)"
                    }
                    address = ([String(m.offset)] + terms).joined(separator: " + ")
                }
                let raw = "b\(input)[\(address)]"
                expr = inst.dtype == .bool ? "(\(raw) != uint8_t(0))" : raw
            case .literal(let l): expr = GLSLScalarOps.literal(l, inst.dtype)
            case .index(let d): expr = "c\(d)"
            case .unary(let op, let x): expr = try ops.unary(op, k.body[x].dtype, v(x))
            case .binary(let op, let x, let y): expr = try ops.binary(op, k.body[x].dtype, v(x), v(y))
            case .compare(let op, let x, let y): expr = ops.compare(op, k.body[x].dtype, v(x), v(y))
            case .select(let w, let f, let tr): expr = "(\(v(w)) ? \(v(tr)) : \(v(f)))"
            case .convert(let x): expr = ops.convert(v(x), from: k.body[x].dtype, to: inst.dtype)
            case .bitcast(let x): expr = ops.bitcast(v(x), from: k.body[x].dtype, to: inst.dtype)
            case .accumulator:
                // Only reduction epilogues use it, and the Vulkan backend does not opt into them.
                throw TesseraError(.compilation, "\(label): \(k.name): reduction epilogues are not rendered by this backend\n\(k)")
            }
            let precise = inst.dtype.isFloatingPoint ? "precise " : ""
            lines.append("\(precise)\(t) v\(n) = \(expr);")
        }
        let coordinateLines: (String, [Int]) -> [String] = { linear, dims in
            // Coordinates of `dims` (in order) from a row-major linear index over them.
            var out: [String] = []
            var stride = 1
            for d in dims.reversed() {
                out.insert("int c\(d) = int((\(linear) / \(stride)u) % \(Swift.max(space[d], 1))u);", at: 0)
                stride *= Swift.max(space[d], 1)
            }
            return out
        }
        let nIn = k.inputs.count
        var bindings = k.inputs.map(\.dtype) + k.outputs.map(\.dtype)
        if let r = k.reduction {
            return try renderReduction(k, r, lines: lines, ops: &ops, bindings: &bindings, coordinateLines: coordinateLines)
        }
        // One point per thread when the grid covers the index space, else a grid-stride loop.
        let n = k.pointCount
        let covered = n <= Swift.min(info.maxComputeWorkGroupCountX, 65535) * Self.elementwiseLocalSize
        var body = "void main() {\n    uint n = pc.p[0];\n"
        body += covered ? "    uint i = gl_GlobalInvocationID.x;\n    if (i < n) {\n"
            : "    uint step = gl_NumWorkGroups.x * gl_WorkGroupSize.x;\n    for (uint i = gl_GlobalInvocationID.x; i < n; i += step) {\n"
        if needsCoordinates { for l in coordinateLines("i", Array(space.indices)) { body += "        \(l)\n" } }
        for l in lines { body += "        \(l)\n" }
        for s in k.stores {
            let d = k.outputs[s.output].dtype
            let value = ops.convert("v\(s.value)", from: k.body[s.value].dtype, to: d)
            body += "        b\(nIn + s.output)[i] = \(d == .bool ? "uint8_t(\(value) ? 1 : 0)" : value);\n"
        }
        body += "    }\n}\n"
        let prelude = GLSLPrelude.source(ops.sections, hasFloat64: info.shaderFloat64)
        var program = ShaderProgram(name: k.name, bindings: bindings, pushWords: 1, body: prelude + "\n" + body,
                                    localSize: Self.elementwiseLocalSize, dtypes: dtypes)
        if !needsCoordinates {
            // Inputs read at `i` (identity loads) and outputs are windowed; inputs read only at
            // fixed elements are bound whole; an input read both ways cannot be windowed.
            var identity = [Bool](repeating: false, count: nIn), fixed = [Bool](repeating: false, count: nIn)
            for inst in k.body {
                if case .load(let input, let m) = inst.op {
                    if isIdentity(m) { identity[input] = true } else { fixed[input] = true }
                }
            }
            if !zip(identity, fixed).contains(where: { $0 && $1 }) {
                program.windowedBindings = identity + [Bool](repeating: true, count: k.outputs.count)
            }
        }
        return VulkanLaunch(program: program, words: [UInt32(n)], groups: n == 0 ? 0 : groups(for: n, localSize: Self.elementwiseLocalSize))
    }

    static func rowMajorStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var s = 1
        for d in shape.indices.reversed() {
            strides[d] = s
            s *= Swift.max(shape[d], 1)
        }
        return strides
    }
}
