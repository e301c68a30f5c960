import COpenBLAS
import ReferenceBackend
import TesseraCore

/// `dot_general` on host memory with OpenBLAS: float32 through `cblas_sgemm`, float64
/// through `cblas_dgemm`, one call per batch entry, transposes passed as flags
/// (`GemmPlan`). An operand is copied (transposed into canonical order) only when its
/// axis order makes a flag impossible. Other dtypes (integers, float16, mixed) use the
/// reference implementation on the same host memory.
enum GemmExecutor {
    /// Whether OpenBLAS serves this dtype combination.
    static func usesBLAS(_ lType: ShapedType, _ rType: ShapedType, _ outType: ShapedType) -> Bool {
        let d = outType.dtype
        return (d == .float32 || d == .float64) && lType.dtype == d && rType.dtype == d
    }

    /// Computes `dot_general(lhs, rhs)` into `out`.
    static func run(_ lhs: UnsafeRawBufferPointer, _ lType: ShapedType, _ rhs: UnsafeRawBufferPointer, _ rType: ShapedType,
                    _ dn: DotDimensionNumbers, preferred: DType?, _ out: UnsafeMutableRawBufferPointer, _ outType: ShapedType) throws {
        guard usesBLAS(lType, rType, outType) else {
            try PrimitiveEvaluator.evaluate(.dotGeneral(dimensionNumbers: dn, preferredElementType: preferred),
                                            [lhs, rhs], [lType, rType], [out], [outType])
            return
        }
        if let plan = GemmPlan(lhs: lType.shape, rhs: rType.shape, dn) {
            gemm(plan, lhs.baseAddress, rhs.baseAddress, out.baseAddress, outType.dtype)
            return
        }
        // Canonicalise: copy an operand into [batch, free, contracting] / [batch, contracting, free].
        let (lp, rp, newDN) = GemmPlan.canonicalPermutations(lhsRank: lType.rank, rhsRank: rType.rank, dn)
        try withPermuted(lhs, lType, lp) { l, lShape in
            try withPermuted(rhs, rType, rp) { r, rShape in
                guard let plan = GemmPlan(lhs: lShape, rhs: rShape, newDN) else {
                    throw TesseraError(.execution, "blas: dot_general of \(lType) and \(rType) with \(dn) has no GEMM form after canonicalisation")
                }
                gemm(plan, l.baseAddress, r.baseAddress, out.baseAddress, outType.dtype)
            }
        }
    }

    /// Calls `body` with the operand's elements in axis order `permutation` (a copy only
    /// when the permutation is not the identity) and the permuted shape.
    private static func withPermuted<R>(_ x: UnsafeRawBufferPointer, _ type: ShapedType, _ permutation: [Int],
                                        _ body: (UnsafeRawBufferPointer, [Int]) throws -> R) throws -> R {
        let shape = permutation.map { type.shape[$0] }
        if permutation == Array(0..<type.rank) { return try body(x, shape) }
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: Swift.max(1, type.byteCount), alignment: 64)
        defer { copy.deallocate() }
        let dst = UnsafeMutableRawBufferPointer(rebasing: copy[0..<type.byteCount])
        try PrimitiveEvaluator.evaluate(.transpose(permutation: permutation), [x], [type], [dst], [ShapedType(shape, type.dtype)])
        return try body(UnsafeRawBufferPointer(dst), shape)
    }

    /// The GEMM calls of a plan: `out[b] = op(lhs[b]) · op(rhs[b])` for every batch entry.
    static func gemm(_ p: GemmPlan, _ lhs: UnsafeRawPointer?, _ rhs: UnsafeRawPointer?, _ out: UnsafeMutableRawPointer?, _ dtype: DType) {
        guard p.batch > 0, p.m > 0, p.n > 0, let out else { return }
        let size = dtype.byteSize
        if p.k == 0 {
            out.initializeMemory(as: UInt8.self, repeating: 0, count: p.batch * p.m * p.n * size)
            return
        }
        guard let lhs, let rhs else { return }
        let ta = p.transposeLHS ? CblasTrans : CblasNoTrans, tb = p.transposeRHS ? CblasTrans : CblasNoTrans
        let m = Int32(p.m), n = Int32(p.n), k = Int32(p.k)
        let lda = Int32(Swift.max(1, p.lda)), ldb = Int32(Swift.max(1, p.ldb)), ldc = Int32(Swift.max(1, p.n))
        for b in 0..<p.batch {
            let a = lhs + b * p.lhsBatchStride * size, bb = rhs + b * p.rhsBatchStride * size, c = out + b * p.outBatchStride * size
            if dtype == .float32 {
                cblas_sgemm(CblasRowMajor, ta, tb, m, n, k, 1, a.assumingMemoryBound(to: Float.self), lda,
                            bb.assumingMemoryBound(to: Float.self), ldb, 0, c.assumingMemoryBound(to: Float.self), ldc)
            } else {
                cblas_dgemm(CblasRowMajor, ta, tb, m, n, k, 1, a.assumingMemoryBound(to: Double.self), lda,
                            bb.assumingMemoryBound(to: Double.self), ldb, 0, c.assumingMemoryBound(to: Double.self), ldc)
            }
        }
    }
}
