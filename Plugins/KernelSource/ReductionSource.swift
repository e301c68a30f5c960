import TesseraCore

/// The three entries of a reduction kernel (see `RenderedKernel`): a work-group reduction
/// (each item accumulates a strided share of a chunk, then a tree in local memory), the
/// second pass over the groups' partials, and a one-item-per-output loop.
///
/// Values are converted to the accumulator dtype before combining; the result is converted
/// to the output dtype. bool accumulates as uint (0/1), float16 as float rounded to half.
struct ReductionSource {
    let renderer: KernelSourceRenderer
    let kernel: Kernel
    let reduction: KernelReduction
    let entry: String
    let indexDType: DType

    var dialect: any KernelSourceDialect { renderer.dialect }

    /// The register and partial-buffer dtype of the accumulator.
    var partialDType: DType {
        switch reduction.accumulatorDType {
        case .bool: return .uint32
        case .float16: return .float32
        case .int32, .int64, .uint32, .float32, .float64: return reduction.accumulatorDType
        }
    }

    var kept: [Int] { kernel.indexSpace.indices.filter { !reduction.axes.contains($0) } }

    /// The identity of the reduction in the accumulator's register type.
    func identity() throws -> String {
        let acc = reduction.accumulatorDType, t = dialect.registerType(partialDType)
        switch (reduction.op, acc) {
        case (.sum, _), (.or, _): return dialect.cast("0", to: t)
        case (.prod, _): return dialect.cast("1", to: t)
        case (.and, .bool): return "1u"
        case (.and, _) where acc.isInteger: return dialect.cast("~0", to: t)
        case (.max, .bool), (.max, .uint32): return dialect.cast("0", to: t)
        case (.min, .bool): return "1u"
        case (.min, .uint32): return "4294967295u"
        case (.max, .int32): return "(-2147483647-1)"
        case (.min, .int32): return "2147483647"
        case (.max, .int64): return "(-9223372036854775807L-1L)"
        case (.min, .int64): return "9223372036854775807L"
        case (.max, _) where acc.isFloatingPoint: return dialect.cast("-INFINITY", to: t)
        case (.min, _) where acc.isFloatingPoint: return dialect.cast("INFINITY", to: t)
        default:
            throw TesseraError(.unsupported, "\(dialect.name) renderer: \(reduction.op.primitiveName) does not support dtype \(acc)")
        }
    }

    /// `combine(a, b)` in the accumulator's register type.
    func combine(_ a: String, _ b: String, _ e: inout ScalarExpressions) throws -> String {
        let acc = reduction.accumulatorDType
        if acc == .bool {
            switch reduction.op {
            case .sum, .max, .or: return "(\(a) | \(b))"
            case .prod, .min, .and: return "(\(a) & \(b))"
            }
        }
        let op: BinaryOp
        switch reduction.op {
        case .sum: op = .add
        case .prod: op = .mul
        case .max: op = .max
        case .min: op = .min
        case .and: op = .and
        case .or: op = .or
        }
        return try e.binary(op, a, b, acc)
    }

    /// The accumulated value of body value `v` (converted to the accumulator).
    func contribution(_ e: inout ScalarExpressions) -> String {
        let from = kernel.body[reduction.value].dtype, acc = reduction.accumulatorDType
        let converted = e.convert("v\(reduction.value)", from: from, to: acc)
        return acc == .bool ? "(\(converted) ? 1u : 0u)" : converted
    }

    /// The output value of accumulator register `a`.
    func result(_ a: String, _ e: inout ScalarExpressions) -> String {
        let acc = reduction.accumulatorDType, out = kernel.outputs[0].dtype
        let value = acc == .bool ? "(\(a) != 0u)" : a
        return e.convert(value, from: acc, to: out)
    }

    /// Coordinates and body of the point (m, r), with `acc = combine(acc, value)`.
    func pointStatements(_ e: inout ScalarExpressions) throws -> [String] {
        let idx = dialect.indexType(indexDType)
        let needed = IndexArithmetic.neededDimensions(kernel, parametric: renderer.options.parametric, contiguousAvailable: trailing)
        var lines = IndexArithmetic.decompose("m", dims: kept, needed: needed, size: { renderer.size(kernel, $0) },
                                              indexType: idx, prefix: "m")
        lines += IndexArithmetic.decompose("r", dims: reduction.axes, needed: needed, size: { renderer.size(kernel, $0) },
                                           indexType: idx, prefix: "r")
        lines += try renderer.renderBody(kernel, contiguousPosition: trailing ? "(m * \(rCount) + r)" : nil, &e)
        lines.append("acc = \(try combine("acc", contribution(&e), &e));")
        return lines
    }

    /// Whether the reduced axes are the trailing axes (then point (m, r) is at m * R + r).
    var trailing: Bool { IndexArithmetic.positionAvailable(kernel) }

    var mCount: String { renderer.options.parametric ? "M" : String(kept.map { kernel.indexSpace[$0] }.reduce(1, *)) }
    var rCount: String { renderer.options.parametric ? "R" : String(reduction.axes.map { kernel.indexSpace[$0] }.reduce(1, *)) }

    mutating func render(_ e: inout ScalarExpressions) throws -> String {
        guard kernel.outputs.count == 1, kernel.stores.isEmpty else {
            throw TesseraError(.compilation, "\(dialect.name) renderer: \(kernel.name): a reduction kernel has one output and no stores\n\(kernel)")
        }
        let idx = dialect.indexType(indexDType)
        let accType = dialect.registerType(partialDType)
        let outDType = kernel.outputs[0].dtype
        let L = renderer.options.groupSize
        let inputs = kernel.inputs.enumerated().map { KernelBufferParameter(name: "in\($0)", dtype: $1.dtype, writable: false) }
        let out = KernelBufferParameter(name: "out0", dtype: outDType, writable: true)
        let partial = KernelBufferParameter(name: "partial", dtype: partialDType, writable: true)
        let shape = renderer.shapeScalars(kernel, idx)
        let point = try pointStatements(&e).map { "      " + $0 }
        let identity = try identity()
        let combineLocal = try combine("scratch[lid]", "scratch[lid + s]", &e)
        let combinePartial = try combine("acc", "partial[m * G + g]", &e)
        let store = dialect.store(buffer: "out0", index: "m", value: result("acc", &e), dtype: outDType)
        let storeScratch = dialect.store(buffer: "out0", index: "m", value: result("scratch[0]", &e), dtype: outDType)

        var lines = [dialect.kernelHeader(name: entry, buffers: inputs + [out, partial], scalars: [("G", idx)] + shape)]
        lines += [
            "  " + dialect.localArray(type: accType, name: "scratch", count: L),
            "  const \(idx) lid = (\(idx))\(dialect.localID);",
            "  const \(idx) grp = (\(idx))\(dialect.groupID);",
            "  const \(idx) m = grp / G;",
            "  const \(idx) g = grp - m * G;",
            "  const \(idx) chunk = (\(rCount) + G - 1) / G;",
            "  const \(idx) rEnd = (g + 1) * chunk < \(rCount) ? (g + 1) * chunk : \(rCount);",
            "  \(accType) acc = \(identity);",
            "  for (\(idx) r = g * chunk + lid; r < rEnd; r += \(L)) {",
        ] + point + [
            "  }",
            "  scratch[lid] = acc;",
            "  " + dialect.localBarrier,
            "  for (\(idx) s = \(L / 2); s > 0; s >>= 1) {",
            "    if (lid < s) scratch[lid] = \(combineLocal);",
            "    " + dialect.localBarrier,
            "  }",
            "  if (lid == 0) {",
            "    if (G == 1) { \(storeScratch) } else { partial[grp] = scratch[0]; }",
            "  }",
            "}",
            "",
        ]
        lines.append(dialect.kernelHeader(name: entry + "_finish",
                                          buffers: [KernelBufferParameter(name: "partial", dtype: partialDType, writable: false), out],
                                          scalars: [("G", idx), ("M", idx)]))
        lines += [
            "  for (\(idx) m = (\(idx))\(dialect.globalID); m < M; m += (\(idx))\(dialect.globalSize)) {",
            "    \(accType) acc = \(identity);",
            "    for (\(idx) g = 0; g < G; g++) acc = \(combinePartial);",
            "    \(store)",
            "  }",
            "}",
            "",
        ]
        lines.append(dialect.kernelHeader(name: entry + "_rows", buffers: inputs + [out], scalars: shape))
        lines += [
            "  for (\(idx) m = (\(idx))\(dialect.globalID); m < \(mCount); m += (\(idx))\(dialect.globalSize)) {",
            "    \(accType) acc = \(identity);",
            "    for (\(idx) r = 0; r < \(rCount); r++) {",
        ] + point + [
            "    }",
            "    \(store)",
            "  }",
            "}",
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}
