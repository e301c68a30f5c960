import Dispatch
import COpenBLAS
import ReferenceBackend
import TesseraCore

/// `dot_general` on host memory with OpenBLAS: float32 through `cblas_sgemm`, float64
/// through `cblas_dgemm`, one call per batch entry (batches of small products split over
/// threads, outer products written directly: `gemm`), transposes passed as flags
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
    ///
    /// Three shapes of work, chosen by size (the thread count is OpenBLAS's, which the
    /// backend sets to its threads per device):
    /// - k == 1 (outer products, e.g. per-example weight gradients `x_bᵀ · g_b` under
    ///   `vmap(grad)`): written directly, each output element once, rows split over the
    ///   threads. A GEMM would clear C for beta = 0 and then read and write it again.
    /// - many small products (each at most OpenBLAS's single-thread size): the batch is
    ///   split over the threads, each calling GEMM on its share.
    /// - otherwise one GEMM per batch entry, each multithreaded by OpenBLAS.
    static func gemm(_ p: GemmPlan, _ lhs: UnsafeRawPointer?, _ rhs: UnsafeRawPointer?, _ out: UnsafeMutableRawPointer?, _ dtype: DType) {
        guard p.batch > 0, p.m > 0, p.n > 0, let out else { return }
        let size = dtype.byteSize
        if p.k == 0 {
            out.initializeMemory(as: UInt8.self, repeating: 0, count: p.batch * p.m * p.n * size)
            return
        }
        guard let lhs, let rhs else { return }
        let threads = Swift.max(1, Int(openblas_get_num_threads()))
        if p.k == 1 {
            if dtype == .float32 {
                outerProducts(p, lhs.assumingMemoryBound(to: Float.self), rhs.assumingMemoryBound(to: Float.self),
                              out.assumingMemoryBound(to: Float.self), threads: threads)
            } else {
                outerProducts(p, lhs.assumingMemoryBound(to: Double.self), rhs.assumingMemoryBound(to: Double.self),
                              out.assumingMemoryBound(to: Double.self), threads: threads)
            }
            return
        }
        let shares = p.batch > 1 && p.m * p.n * p.k <= singleThreadGEMMSize ? Swift.min(threads, p.batch) : 1
        let pointers = UncheckedPointers(lhs: lhs, rhs: rhs, out: out)
        parallel(shares) { share in
            let range = (p.batch * share / shares)..<(p.batch * (share + 1) / shares)
            gemmCalls(p, range, pointers.lhs, pointers.rhs, pointers.out, dtype)
        }
    }

    /// OpenBLAS 0.3.x runs a GEMM on one thread when m·n·k is at most this
    /// (SMP_THRESHOLD_MIN · GEMM_MULTITHREAD_THRESHOLD = 65536 · 4).
    static let singleThreadGEMMSize = 262_144

    /// Raw operand pointers handed to worker threads (each writes a disjoint part of `out`).
    private struct UncheckedPointers: @unchecked Sendable {
        let lhs: UnsafeRawPointer, rhs: UnsafeRawPointer, out: UnsafeMutableRawPointer
    }

    /// Runs `body(share)` for every share in `0..<shares`, on up to `shares` threads.
    private static func parallel(_ shares: Int, _ body: (Int) -> Void) {
        if shares <= 1 { return body(0) }
        withoutActuallyEscaping(body) { body in
            let box = UncheckedBody(body: body)
            DispatchQueue.concurrentPerform(iterations: shares) { box.body($0) }
        }
    }

    private struct UncheckedBody: @unchecked Sendable { let body: (Int) -> Void }

    /// One GEMM call per batch entry in `range`.
    private static func gemmCalls(_ p: GemmPlan, _ range: Range<Int>, _ lhs: UnsafeRawPointer, _ rhs: UnsafeRawPointer,
                                  _ out: UnsafeMutableRawPointer, _ dtype: DType) {
        let size = dtype.byteSize
        let ta = p.transposeLHS ? CblasTrans : CblasNoTrans, tb = p.transposeRHS ? CblasTrans : CblasNoTrans
        let m = Int32(p.m), n = Int32(p.n), k = Int32(p.k)
        let lda = Int32(Swift.max(1, p.lda)), ldb = Int32(Swift.max(1, p.ldb)), ldc = Int32(Swift.max(1, p.n))
        for b in range {
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

    /// `out[b, i, j] = lhs[b, i] · rhs[b, j]` (k == 1, so both operands are vectors per batch
    /// entry whatever their transpose flags), rows split over up to `threads` threads.
    private static func outerProducts<T: BinaryFloatingPoint>(_ p: GemmPlan, _ lhs: UnsafePointer<T>, _ rhs: UnsafePointer<T>,
                                                              _ out: UnsafeMutablePointer<T>, threads: Int) {
        let rows = p.batch * p.m, n = p.n
        let shares = Swift.max(1, Swift.min(threads, rows * n / 65_536, rows))
        let box = UncheckedTyped(lhs: lhs, rhs: rhs, out: out)
        parallel(shares) { share in
            for row in (rows * share / shares)..<(rows * (share + 1) / shares) {
                let b = row / p.m, i = row % p.m
                let a = box.lhs[b * p.lhsBatchStride + i]
                let r = box.rhs + b * p.rhsBatchStride, c = box.out + row * n
                for j in 0..<n { c[j] = a * r[j] }
            }
        }
    }

    private struct UncheckedTyped<T>: @unchecked Sendable {
        let lhs: UnsafePointer<T>, rhs: UnsafePointer<T>, out: UnsafeMutablePointer<T>
    }
}
