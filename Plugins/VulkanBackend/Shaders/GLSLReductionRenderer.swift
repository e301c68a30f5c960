import TesseraCore

/// Reduction kernels (see `GLSLKernelRenderer`).
extension GLSLKernelRenderer {
    /// The register type an accumulator of `d` uses (float16 accumulates in float32, bool in uint).
    static func accumulatorType(_ d: DType) -> String {
        switch d {
        case .float16: return "float"
        case .bool: return "uint"
        case .int32, .int64, .uint32, .float32, .float64: return ShaderProgram.glslType(d)
        }
    }

    /// The identity of `op` as an accumulator of `d`.
    static func identity(_ op: ReduceOp, _ d: DType) -> String {
        let t = accumulatorType(d)
        let floatInf = d == .float64 ? "packDouble2x32(uvec2(0u, 0x7ff00000u))" : "uintBitsToFloat(0x7f800000u)"
        switch (op, d) {
        case (.sum, _), (.or, _): return "\(t)(0)"
        case (.prod, _): return "\(t)(1)"
        case (.and, .bool), (.min, .bool): return "1u"
        case (.and, _): return "~\(t)(0)"
        case (.max, .bool): return "0u"
        case (.max, .int32): return "int(0x80000000u)"
        case (.max, .uint32): return "0u"
        case (.max, .int64): return "int64_t(0x8000000000000000ul)"
        case (.max, _): return "(-\(floatInf))"
        case (.min, .int32): return "0x7fffffff"
        case (.min, .uint32): return "0xffffffffu"
        case (.min, .int64): return "int64_t(0x7ffffffffffffffful)"
        case (.min, _): return floatInf
        }
    }

    /// `combine(a, b)` for `op` on accumulators of `d`.
    static func combine(_ op: ReduceOp, _ d: DType, _ a: String, _ b: String, ops: inout GLSLScalarOps) -> String {
        if d == .bool {
            switch op {
            case .sum, .max, .or: return "(\(a) | \(b))"
            case .prod, .min, .and: return "(\(a) & \(b))"
            }
        }
        switch op {
        case .sum: return "(\(a) + \(b))"
        case .prod: return "(\(a) * \(b))"
        case .and: return "(\(a) & \(b))"
        case .or: return "(\(a) | \(b))"
        case .max, .min:
            if d.isFloatingPoint {
                let s = d == .float64 ? "f64" : "f32"
                _ = try? ops.binary(op == .max ? .max : .min, d == .float64 ? .float64 : .float32, "x", "y")
                return "tz_\(op.rawValue)_\(s)(\(a), \(b))"
            }
            return "\(op.rawValue)(\(a), \(b))"
        }
    }

    /// The subgroup operation for `op` on accumulators of `d`, if it has the reference semantics.
    func subgroupOperation(_ op: ReduceOp, _ d: DType) -> String? {
        guard info.subgroupArithmetic else { return nil }
        switch d {
        case .float32, .float64:
            switch op {
            case .sum: return "subgroupAdd"
            case .prod: return "subgroupMul"
            case .max, .min, .and, .or: return nil   // NaN propagation needs the explicit combine
            }
        case .int32, .uint32, .bool:
            switch op {
            case .sum: return d == .bool ? "subgroupOr" : "subgroupAdd"
            case .prod: return d == .bool ? "subgroupAnd" : "subgroupMul"
            case .max: return d == .bool ? "subgroupOr" : "subgroupMax"
            case .min: return d == .bool ? "subgroupAnd" : "subgroupMin"
            case .and: return "subgroupAnd"
            case .or: return "subgroupOr"
            }
        case .int64, .float16: return nil
        }
    }

    func renderReduction(_ k: Kernel, _ r: KernelReduction, lines: [String], ops: inout GLSLScalarOps,
                         bindings: inout [DType], coordinateLines: (String, [Int]) -> [String]) throws -> VulkanLaunch {
        let space = k.indexSpace
        let kept = space.indices.filter { !r.axes.contains($0) }
        let reduced = r.axes
        let m = kept.reduce(1) { $0 * space[$1] }
        let rCount = reduced.reduce(1) { $0 * space[$1] }
        let accD = r.accumulatorDType
        // float32 and float16 sums and products accumulate in double where the device has it
        // (long reductions otherwise lose digits; the IR allows a more precise accumulator).
        let wide = (accD == .float32 || accD == .float16) && (r.op == .sum || r.op == .prod) && info.shaderFloat64
        let accT = wide ? "double" : Self.accumulatorType(accD)
        let valueD = k.body[r.value].dtype
        var toAcc = ops.convert("v\(r.value)", from: valueD, to: accD)
        if accD == .float16 { toAcc = "float(\(toAcc))" }
        if accD == .bool { toAcc = "uint(\(toAcc))" }
        if wide { toAcc = "double(\(toAcc))" }
        var valueFunction = "\(accT) tz_value(uint o, uint r) {\n"
        for l in coordinateLines("o", kept) + coordinateLines("r", reduced) { valueFunction += "    \(l)\n" }
        for l in lines { valueFunction += "    \(l)\n" }
        valueFunction += "    return \(toAcc);\n}\n"
        let outD = k.outputs[0].dtype
        var final = wide ? "float(acc)" : "acc"
        if accD == .float16 { final = "float16_t(\(final))" }
        if accD == .bool { final = "(acc != 0u)" }
        final = ops.convert(final, from: accD, to: outD)
        if outD == .bool { final = "uint8_t(\(final) ? 1 : 0)" }
        let out = "b\(k.inputs.count)"
        let identity = wide ? (r.op == .sum ? "0.0lf" : "1.0lf") : Self.identity(r.op, accD)
        let combineAcc = Self.combine(r.op, accD, "acc", "tz_value(o, r)", ops: &ops)
        let workGroupPerOutput = rCount >= 256 && (m <= 16384 || rCount >= 4096)
        var body: String
        let localSize: Int
        var usesSubgroups = false
        if !workGroupPerOutput {
            localSize = 64
            body = """
            void main() {
                uint M = pc.p[0]; uint R = pc.p[1];
                uint step = gl_NumWorkGroups.x * gl_WorkGroupSize.x;
                for (uint o = gl_GlobalInvocationID.x; o < M; o += step) {
                    \(accT) acc = \(identity);
                    \(DeviceShaders.loop("r", to: "R", "acc = \(combineAcc);"))
                    \(out)[o] = \(final);
                }
            }
            """
        } else {
            localSize = Self.reductionLocalSize
            // Lavapipe stops loops after some ten thousand iterations per thread: a work group
            // reduces at most `chunk` points; longer reductions write per-chunk partials that a
            // second dispatch combines.
            let chunk = localSize * 8192
            let parts = (rCount + chunk - 1) / chunk
            func reduceShared(_ store: String) -> String {
                if let sg = subgroupOperation(r.op, wide ? .float64 : accD) {
                    usesSubgroups = true
                    let combineShared = Self.combine(r.op, accD, "acc", "tz_shared[s]", ops: &ops)
                    return """
                            acc = \(sg)(acc);
                            if (subgroupElect()) tz_shared[gl_SubgroupID] = acc;
                            barrier();
                            if (lid == 0u) {
                                acc = tz_shared[0];
                                for (uint s = 1u; s < gl_NumSubgroups; s++) acc = \(combineShared);
                                \(store)
                            }
                            barrier();
                    """
                }
                let combineTree = Self.combine(r.op, accD, "tz_shared[lid]", "tz_shared[lid + s]", ops: &ops)
                return """
                        tz_shared[lid] = acc;
                        barrier();
                        for (uint s = gl_WorkGroupSize.x / 2u; s > 0u; s >>= 1) {
                            if (lid < s) tz_shared[lid] = \(combineTree);
                            barrier();
                        }
                        if (lid == 0u) { \(accT) acc = tz_shared[0]; \(store) }
                        barrier();
                """
            }
            if parts > 1 {
                return try twoPass(k, r, parts: parts, chunk: chunk, m: m, rCount: rCount, accT: accT, identity: identity,
                                   combineAcc: combineAcc, final: final, valueFunction: valueFunction,
                                   reduceShared: reduceShared("b\(k.inputs.count)[g] = acc;"), ops: &ops, bindings: bindings)
            }
            body = """
            shared \(accT) tz_shared[\(localSize)];
            void main() {
                uint M = pc.p[0]; uint R = pc.p[1];
                uint lid = gl_LocalInvocationID.x;
                for (uint o = gl_WorkGroupID.x; o < M; o += gl_NumWorkGroups.x) {
                    \(accT) acc = \(identity);
                    for (uint r = lid; r < R; r += gl_WorkGroupSize.x) acc = \(combineAcc);
            \(reduceShared("\(out)[o] = \(final);"))
                }
            }
            """
        }
        let prelude = GLSLPrelude.source(ops.sections, hasFloat64: info.shaderFloat64)
        var dtypes = Set(bindings + k.body.map(\.dtype))
        dtypes.insert(accD)
        let program = ShaderProgram(name: k.name, bindings: bindings, pushWords: 2,
                                    body: prelude + "\n" + valueFunction + body + "\n", localSize: localSize,
                                    dtypes: dtypes, usesSubgroups: usesSubgroups)
        let groupCount = m == 0 ? 0 : (workGroupPerOutput ? Swift.min(m, Swift.min(info.maxComputeWorkGroupCountX, 65535))
                                                          : groups(for: m, localSize: localSize))
        return VulkanLaunch(program: program, words: [UInt32(m), UInt32(rCount)], groups: groupCount)
    }

    /// The storage dtype of an accumulator register type.
    static func partialDType(_ accT: String) -> DType {
        switch accT {
        case "double": return .float64
        case "float": return .float32
        case "int": return .int32
        case "int64_t": return .int64
        default: return .uint32
        }
    }

    /// Pass 1: one work group per (output, chunk of the reduced points) writes partials;
    /// pass 2 (the main launch): one thread per output combines its partials.
    func twoPass(_ k: Kernel, _ r: KernelReduction, parts: Int, chunk: Int, m: Int, rCount: Int, accT: String,
                 identity: String, combineAcc: String, final: String, valueFunction: String, reduceShared: String,
                 ops: inout GLSLScalarOps, bindings: [DType]) throws -> VulkanLaunch {
        let partialD = Self.partialDType(accT)
        let prelude = GLSLPrelude.source(ops.sections, hasFloat64: info.shaderFloat64)
        let pass1 = """
        shared \(accT) tz_shared[\(Self.reductionLocalSize)];
        void main() {
            uint R = pc.p[1];
            uint lid = gl_LocalInvocationID.x;
            for (uint g = gl_WorkGroupID.x; g < \(m * parts)u; g += gl_NumWorkGroups.x) {
                uint o = g / \(parts)u, part = g % \(parts)u;
                uint end = min(R, (part + 1u) * \(chunk)u);
                \(accT) acc = \(identity);
                for (uint r = part * \(chunk)u + lid; r < end; r += gl_WorkGroupSize.x) acc = \(combineAcc);
        \(reduceShared)
            }
        }
        """
        var dtypes = Set(bindings + k.body.map(\.dtype))
        dtypes.insert(r.accumulatorDType)
        dtypes.insert(partialD)
        let first = ShaderProgram(name: k.name + "_partials", bindings: k.inputs.map(\.dtype) + [partialD], pushWords: 2,
                                  body: prelude + "\n" + valueFunction + pass1 + "\n", localSize: Self.reductionLocalSize,
                                  dtypes: dtypes, usesSubgroups: reduceShared.contains("subgroup"))
        let combinePartials = Self.combine(r.op, r.accumulatorDType == .bool ? .bool : r.accumulatorDType,
                                           "acc", "b0[o * \(parts)u + p]", ops: &ops)
        let outD = k.outputs[0].dtype
        let pass2 = """
        void main() {
            uint step = gl_NumWorkGroups.x * gl_WorkGroupSize.x;
            for (uint o = gl_GlobalInvocationID.x; o < \(m)u; o += step) {
                \(accT) acc = \(identity);
                for (uint p = 0u; p < \(parts)u; p++) acc = \(combinePartials);
                b1[o] = \(final);
            }
        }
        """
        let second = ShaderProgram(name: k.name + "_combine", bindings: [partialD, outD], pushWords: 1,
                                   body: GLSLPrelude.source(ops.sections, hasFloat64: info.shaderFloat64) + "\n" + pass2 + "\n",
                                   localSize: 64, dtypes: dtypes)
        let firstGroups = Swift.min(m * parts, Swift.min(info.maxComputeWorkGroupCountX, 65535))
        let prologue = VulkanPrologue(program: first, words: [UInt32(m), UInt32(rCount)], groups: firstGroups,
                                      scratchBytes: m * parts * partialD.byteSize)
        return VulkanLaunch(program: second, words: [0], groups: groups(for: m, localSize: 64), prologue: prologue)
    }
}
