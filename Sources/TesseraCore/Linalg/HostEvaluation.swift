/// Runs `conv_general_dilated` and the `linalg` primitives on the host with the plain-Swift
/// implementations (`ConvHost`, `HostLinalg`).
///
/// The reference backend evaluates them with `run`. A device backend without its own
/// kernels for them calls `roundTrip` from its `execute` in one line: it downloads the
/// operands, computes on the host, uploads the results, and logs at info level that it did so
/// (an explicit host round-trip, never a silent one):
/// ```swift
/// case .convGeneralDilated, .linalg:
///     return try HostEvaluation.roundTrip(primitive, inputs: inputs, inputTypes: inputTypes,
///                                         outputTypes: outputTypes, on: device)
/// ```
public enum HostEvaluation {
    /// Whether `primitive` is one that `run` and `roundTrip` evaluate.
    public static func handles(_ primitive: Primitive) -> Bool {
        if case .convGeneralDilated = primitive { return true }
        if case .linalg = primitive { return true }
        return false
    }

    /// Evaluates `primitive` on row-major host bytes, writing every output.
    public static func run(_ primitive: Primitive, inputs: [UnsafeRawBufferPointer], inputTypes: [ShapedType],
                           outputs: [UnsafeMutableRawBufferPointer], outputTypes: [ShapedType]) {
        let values = zip(inputs, inputTypes).map { HostArrays.doubles($0, $1.dtype, count: $1.count) }
        let results: [[Double]]
        if case .convGeneralDilated(let p) = primitive {
            results = [ConvHost.run(lhs: values[0], lhsShape: inputTypes[0].shape, rhs: values[1],
                                    rhsShape: inputTypes[1].shape, outShape: outputTypes[0].shape, p)]
        } else if case .linalg(let op) = primitive {
            results = linalg(op, values, inputTypes, outputTypes)
        } else {
            preconditionFailure("HostEvaluation: \(printedName(primitive)) has no host implementation")
        }
        for (k, r) in results.enumerated() { HostArrays.store(r, outputTypes[k].dtype, into: outputs[k]) }
    }

    /// Runs `primitive` through the host for a backend without its own kernel: downloads
    /// the operands from `device`, evaluates with `run`, uploads the results. Logged at info level.
    public static func roundTrip(_ primitive: Primitive, inputs: [any DeviceBuffer], inputTypes: [ShapedType],
                                 outputTypes: [ShapedType], on device: Device) throws -> [any DeviceBuffer] {
        TesseraLog.logger.info("\(device.id): \(printedName(primitive)) runs on the host (download, plain-Swift evaluation, upload) for operands \(inputTypes.map(\.description).joined(separator: ", "))")
        let backend = device.backend
        var hostInputs: [[UInt8]] = []
        for (buffer, type) in zip(inputs, inputTypes) {
            var bytes = [UInt8](repeating: 0, count: type.byteCount)
            try bytes.withUnsafeMutableBytes { try backend.download(buffer, type: type, into: $0) }
            hostInputs.append(bytes)
        }
        var hostOutputs = outputTypes.map { [UInt8](repeating: 0, count: $0.byteCount) }
        withRawPointers(hostInputs) { ins in
            withMutableRawPointers(&hostOutputs) { outs in
                run(primitive, inputs: ins, inputTypes: inputTypes, outputs: outs, outputTypes: outputTypes)
            }
        }
        return try zip(hostOutputs, outputTypes).map { bytes, type in
            try bytes.withUnsafeBytes { try backend.upload($0, type: type, to: device) }
        }
    }

    private static func withRawPointers<R>(_ arrays: [[UInt8]], _ body: ([UnsafeRawBufferPointer]) -> R) -> R {
        func go(_ i: Int, _ acc: [UnsafeRawBufferPointer]) -> R {
            if i == arrays.count { return body(acc) }
            return arrays[i].withUnsafeBytes { go(i + 1, acc + [$0]) }
        }
        return go(0, [])
    }

    /// Calls `body` with writable views of `arrays` (temporary storage copied back after).
    private static func withMutableRawPointers<R>(_ arrays: inout [[UInt8]], _ body: ([UnsafeMutableRawBufferPointer]) -> R) -> R {
        let buffers = arrays.map { UnsafeMutableRawBufferPointer.allocate(byteCount: Swift.max($0.count, 1), alignment: 16) }
        defer { buffers.forEach { $0.deallocate() } }
        let views = zip(buffers, arrays).map { UnsafeMutableRawBufferPointer(rebasing: $0[0..<$1.count]) }
        let r = body(views)
        for k in arrays.indices { arrays[k] = Array(views[k]) }
        return r
    }

    /// Evaluates a linear-algebra primitive matrix by matrix over the leading (batch) axes.
    static func linalg(_ op: LinalgOp, _ values: [[Double]], _ inTypes: [ShapedType], _ outTypes: [ShapedType]) -> [[Double]] {
        let a = inTypes[0], rank = a.rank
        let m = a.shape[rank - 2], n = a.shape[rank - 1]
        let batch = a.shape.dropLast(2).reduce(1, *)
        var outs = outTypes.map { [Double](repeating: 0, count: $0.count) }
        func put(_ k: Int, _ b: Int, _ v: [Double]) {
            let size = v.count
            outs[k].replaceSubrange((b * size)..<((b + 1) * size), with: v)
        }
        for b in 0..<batch {
            let matrix = Array(values[0][(b * m * n)..<((b + 1) * m * n)])
            switch op {
            case .cholesky:
                put(0, b, HostLinalg.cholesky(matrix, n: n))
            case .triangularSolve(let o):
                let bt = inTypes[1], rows = bt.shape[rank - 2], cols = bt.shape[rank - 1]
                let rhs = Array(values[1][(b * rows * cols)..<((b + 1) * rows * cols)])
                put(0, b, HostLinalg.triangularSolve(matrix, m: m, rhs, rows: rows, cols: cols, o))
            case .lu:
                let (f, pivots, perm) = HostLinalg.lu(matrix, n: n)
                put(0, b, f)
                put(1, b, pivots.map(Double.init))
                put(2, b, perm.map(Double.init))
            case .qr(let full):
                let (q, r) = HostLinalg.qr(matrix, m: m, n: n, fullMatrices: full)
                put(0, b, q)
                put(1, b, r)
            case .eigh:
                let (v, w) = HostLinalg.eigh(matrix, n: n)
                put(0, b, v)
                put(1, b, w)
            case .svd(let full):
                let (s, u, vt) = HostLinalg.svd(matrix, m: m, n: n, fullMatrices: full)
                put(0, b, s)
                put(1, b, u)
                put(2, b, vt)
            }
        }
        return outs
    }
}
