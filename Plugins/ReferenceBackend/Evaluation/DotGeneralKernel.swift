import TesseraCore

/// `dot_general`: operands are laid out as `[batch, free, contracting]` (lhs) and
/// `[batch, contracting, free]` (rhs), converted to the accumulation type, multiplied
/// with an i,k,j loop (contiguous inner loop), and converted to the output dtype.
///
/// Accumulation type: Double when the output or the inputs are float64, Float for the
/// other float outputs (float16 accumulates in Float); for integer outputs the output
/// type itself (wrapping).
enum DotGeneralKernel {
    static func run(_ lhs: UnsafeRawBufferPointer, _ lType: ShapedType, _ rhs: UnsafeRawBufferPointer, _ rType: ShapedType,
                    dimensionNumbers dn: DotDimensionNumbers, outType: ShapedType, _ out: UnsafeMutableRawBufferPointer) throws {
        let lFree = (0..<lType.rank).filter { !dn.lhsBatch.contains($0) && !dn.lhsContracting.contains($0) }
        let rFree = (0..<rType.rank).filter { !dn.rhsBatch.contains($0) && !dn.rhsContracting.contains($0) }
        let b = dn.lhsBatch.map { lType.shape[$0] }.reduce(1, *)
        let m = lFree.map { lType.shape[$0] }.reduce(1, *)
        let k = dn.lhsContracting.map { lType.shape[$0] }.reduce(1, *)
        let n = rFree.map { rType.shape[$0] }.reduce(1, *)
        let lPerm = dn.lhsBatch + lFree + dn.lhsContracting
        let rPerm = dn.rhsBatch + dn.rhsContracting + rFree
        let lBytes = permuted(lhs, lType, lPerm), rBytes = permuted(rhs, rType, rPerm)
        let accumulator: DType
        if outType.dtype.isFloatingPoint {
            accumulator = (outType.dtype == .float64 || lType.dtype == .float64) ? .float64 : .float32
        } else {
            accumulator = outType.dtype
        }
        let size = accumulator.byteSize
        var lAcc = [UInt8](repeating: 0, count: b * m * k * size)
        var rAcc = [UInt8](repeating: 0, count: b * k * n * size)
        var product = [UInt8](repeating: 0, count: b * m * n * size)
        try lBytes.withUnsafeBytes { src in
            try lAcc.withUnsafeMutableBytes { try CompareSelectConvert.convert(src, from: lType.dtype, to: accumulator, $0) }
        }
        try rBytes.withUnsafeBytes { src in
            try rAcc.withUnsafeMutableBytes { try CompareSelectConvert.convert(src, from: rType.dtype, to: accumulator, $0) }
        }
        try lAcc.withUnsafeBytes { l in
            try rAcc.withUnsafeBytes { r in
                try product.withUnsafeMutableBytes { p in
                    switch accumulator {
                    case .float32: multiplyFloat(l, r, p, b, m, k, n)
                    case .float64: multiplyDouble(l, r, p, b, m, k, n)
                    case .int32: multiply(l, r, p, b, m, k, n, Int32.self, { $0 &+ $1 &* $2 })
                    case .int64: multiply(l, r, p, b, m, k, n, Int64.self, { $0 &+ $1 &* $2 })
                    case .uint32: multiply(l, r, p, b, m, k, n, UInt32.self, { $0 &+ $1 &* $2 })
                    case .bool, .float16:
                        throw TesseraError(.unsupported, "reference: dot_general does not support output dtype \(outType.dtype)")
                    }
                }
            }
        }
        try product.withUnsafeBytes { try CompareSelectConvert.convert($0, from: accumulator, to: outType.dtype, out) }
    }

    /// The operand's bytes with its axes in the order `permutation`.
    static func permuted(_ x: UnsafeRawBufferPointer, _ type: ShapedType, _ permutation: [Int]) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: type.byteCount)
        bytes.withUnsafeMutableBytes { MovementKernels.transpose(x, type, permutation: permutation, $0) }
        return bytes
    }

    /// `p[b, i, j] = sum_k l[b, i, k] * r[b, k, j]`, loop order i, k, j.
    static func multiply<T: Numeric>(_ lRaw: UnsafeRawBufferPointer, _ rRaw: UnsafeRawBufferPointer,
                                     _ pRaw: UnsafeMutableRawBufferPointer, _ b: Int, _ m: Int, _ k: Int, _ n: Int,
                                     _: T.Type, _ fma: (T, T, T) -> T) {
        guard b * m * n > 0 else { return }
        let p = pRaw.baseAddress!.assumingMemoryBound(to: T.self)
        for i in 0..<(b * m * n) { p[i] = 0 }
        guard k > 0 else { return }
        let l = lRaw.baseAddress!.assumingMemoryBound(to: T.self)
        let r = rRaw.baseAddress!.assumingMemoryBound(to: T.self)
        for batch in 0..<b {
            let lb = l + batch * m * k, rb = r + batch * k * n, pb = p + batch * m * n
            for i in 0..<m {
                let row = pb + i * n
                for kk in 0..<k {
                    let a = lb[i * k + kk]
                    let rrow = rb + kk * n
                    var j = 0
                    while j < n {
                        row[j] = fma(row[j], a, rrow[j])
                        j += 1
                    }
                }
            }
        }
    }

    /// `multiply` for Float with the arithmetic written out (no closure call per element,
    /// so it is fast in debug builds too).
    static func multiplyFloat(_ lRaw: UnsafeRawBufferPointer, _ rRaw: UnsafeRawBufferPointer,
                              _ pRaw: UnsafeMutableRawBufferPointer, _ b: Int, _ m: Int, _ k: Int, _ n: Int) {
        guard b * m * n > 0 else { return }
        let p = pRaw.baseAddress!.assumingMemoryBound(to: Float.self)
        p.update(repeating: 0, count: b * m * n)
        guard k > 0 else { return }
        let l = lRaw.baseAddress!.assumingMemoryBound(to: Float.self)
        let r = rRaw.baseAddress!.assumingMemoryBound(to: Float.self)
        for batch in 0..<b {
            for i in 0..<m {
                let row = p + (batch * m + i) * n
                for kk in 0..<k {
                    let a = l[(batch * m + i) * k + kk]
                    let rrow = r + (batch * k + kk) * n
                    var j = 0
                    while j < n {
                        row[j] += a * rrow[j]
                        j += 1
                    }
                }
            }
        }
    }

    /// `multiply` for Double with the arithmetic written out.
    static func multiplyDouble(_ lRaw: UnsafeRawBufferPointer, _ rRaw: UnsafeRawBufferPointer,
                               _ pRaw: UnsafeMutableRawBufferPointer, _ b: Int, _ m: Int, _ k: Int, _ n: Int) {
        guard b * m * n > 0 else { return }
        let p = pRaw.baseAddress!.assumingMemoryBound(to: Double.self)
        p.update(repeating: 0, count: b * m * n)
        guard k > 0 else { return }
        let l = lRaw.baseAddress!.assumingMemoryBound(to: Double.self)
        let r = rRaw.baseAddress!.assumingMemoryBound(to: Double.self)
        for batch in 0..<b {
            for i in 0..<m {
                let row = p + (batch * m + i) * n
                for kk in 0..<k {
                    let a = l[(batch * m + i) * k + kk]
                    let rrow = r + (batch * k + kk) * n
                    var j = 0
                    while j < n {
                        row[j] += a * rrow[j]
                        j += 1
                    }
                }
            }
        }
    }
}
