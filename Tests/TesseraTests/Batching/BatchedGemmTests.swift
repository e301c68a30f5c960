import Testing
@testable import Tessera

/// The batched `dot_general`s that `vmap` and `vmap(grad)` produce, on the BLAS device
/// against the reference backend: outer products (k == 1, per-example weight gradients)
/// written directly, batches of small products split over threads, and large batched
/// products, in float32 and float64.
@Suite("vmap: batched dot_general on BLAS")
struct BatchedGemmTests {
    static let batchedFirst = DotDimensionNumbers(lhsContracting: [1], rhsContracting: [1], lhsBatch: [0], rhsBatch: [0])
    static let cases: [(String, [Int], [Int], DotDimensionNumbers)] = [
        // Per-example weight gradients: x_bᵀ · g_b with a batch of single rows.
        ("outer, batched", [6, 1, 9], [6, 1, 7], batchedFirst),
        ("outer, batched, threads", [64, 1, 300], [64, 1, 200], batchedFirst),
        ("outer, one row", [1, 1, 3], [1, 1, 700], batchedFirst),
        ("outer, unbatched k=1", [33, 1], [1, 17], DotDimensionNumbers(lhsContracting: [1], rhsContracting: [0])),
        ("outer, lhs [m,1] rhs [1,n] batched", [5, 8, 1], [5, 1, 11],
         DotDimensionNumbers(lhsContracting: [2], rhsContracting: [1], lhsBatch: [0], rhsBatch: [0])),
        // Many small products: split over threads.
        ("small nn", [40, 9, 8], [40, 8, 7], DotDimensionNumbers(lhsContracting: [2], rhsContracting: [1], lhsBatch: [0], rhsBatch: [0])),
        ("small nt", [41, 9, 8], [41, 7, 8], DotDimensionNumbers(lhsContracting: [2], rhsContracting: [2], lhsBatch: [0], rhsBatch: [0])),
        ("small tn", [3, 8, 9], [3, 8, 7], batchedFirst),
        ("small, two batch axes", [4, 5, 6, 3], [4, 5, 3, 2],
         DotDimensionNumbers(lhsContracting: [3], rhsContracting: [2], lhsBatch: [0, 1], rhsBatch: [0, 1])),
        ("matvec per example", [37, 16, 24], [37, 24], DotDimensionNumbers(lhsContracting: [2], rhsContracting: [1], lhsBatch: [0], rhsBatch: [0])),
        // Large products: one multithreaded GEMM per batch entry.
        ("large", [3, 130, 90], [3, 90, 70], DotDimensionNumbers(lhsContracting: [2], rhsContracting: [1], lhsBatch: [0], rhsBatch: [0])),
        ("empty batch", [0, 4, 3], [0, 3, 2], DotDimensionNumbers(lhsContracting: [2], rhsContracting: [1], lhsBatch: [0], rhsBatch: [0])),
    ]

    @Test(arguments: [DType.float32, .float64])
    func batchedDotGeneralMatchesReference(dtype: DType) {
        for (name, ls, rs, dn) in Self.cases {
            let l = Lax.convert(BLASTest.doubles(ls.reduce(1, *), shape: ls, seed: 11), to: dtype)
            let r = Lax.convert(BLASTest.doubles(rs.reduce(1, *), shape: rs, seed: 12), to: dtype)
            BLASEagerTests.check("dot_general \(name) \(dtype)", rtol: dtype == .float32 ? 1e-5 : 1e-12, [l, r]) {
                Lax.dotGeneral($0[0], $0[1], dn)
            }
        }
    }

    /// Outer products are exact (one multiplication per element): equal bit for bit.
    @Test func outerProductsAreExact() {
        let l = Lax.convert(BLASTest.doubles(64 * 300, shape: [64, 1, 300], seed: 13), to: .float32)
        let r = Lax.convert(BLASTest.doubles(64 * 200, shape: [64, 1, 200], seed: 14), to: .float32)
        BLASEagerTests.check("outer products float32", [l, r]) { Lax.dotGeneral($0[0], $0[1], Self.batchedFirst) }
    }
}
