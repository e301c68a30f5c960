import Testing
@testable import BLASBackend
@testable import Tessera

/// GEMM plans (transpose flags, batches, canonicalisation) and `dot_general` on the BLAS
/// device against the reference backend.
@Suite("BLAS: gemm")
struct BLASGemmTests {
    @Test func plansUseFlagsWithoutCopies() throws {
        let nn = try #require(GemmPlan(lhs: [3, 4], rhs: [4, 5], DotDimensionNumbers(lhsContracting: [1], rhsContracting: [0])))
        #expect((nn.m, nn.n, nn.k) == (3, 5, 4))
        #expect((nn.transposeLHS, nn.transposeRHS, nn.lda, nn.ldb) == (false, false, 4, 5))
        let tn = try #require(GemmPlan(lhs: [4, 3], rhs: [4, 5], DotDimensionNumbers(lhsContracting: [0], rhsContracting: [0])))
        #expect((tn.transposeLHS, tn.transposeRHS, tn.lda, tn.ldb) == (true, false, 3, 5))
        let nt = try #require(GemmPlan(lhs: [3, 4], rhs: [5, 4], DotDimensionNumbers(lhsContracting: [1], rhsContracting: [1])))
        #expect((nt.transposeLHS, nt.transposeRHS, nt.lda, nt.ldb) == (false, true, 4, 4))
        let batched = try #require(GemmPlan(lhs: [7, 3, 4], rhs: [7, 5, 4],
                                            DotDimensionNumbers(lhsContracting: [2], rhsContracting: [2], lhsBatch: [0], rhsBatch: [0])))
        #expect((batched.batch, batched.m, batched.n, batched.k, batched.transposeRHS) == (7, 3, 5, 4, true))
        #expect((batched.lhsBatchStride, batched.rhsBatchStride, batched.outBatchStride) == (12, 20, 15))
        // Grouped axes: [2, 3] free x [4] contracting.
        let grouped = try #require(GemmPlan(lhs: [2, 3, 4], rhs: [4, 6], DotDimensionNumbers(lhsContracting: [2], rhsContracting: [0])))
        #expect((grouped.m, grouped.n, grouped.k) == (6, 6, 4))
        // Interleaved or trailing batch axes need a canonicalising copy.
        #expect(GemmPlan(lhs: [3, 7, 4], rhs: [7, 4, 5],
                         DotDimensionNumbers(lhsContracting: [2], rhsContracting: [1], lhsBatch: [1], rhsBatch: [0])) == nil)
        #expect(GemmPlan(lhs: [2, 4, 3], rhs: [4, 5], DotDimensionNumbers(lhsContracting: [1], rhsContracting: [0])) == nil)
    }

    static let cases: [(String, [Int], [Int], DotDimensionNumbers)] = [
        ("nn", [33, 20], [20, 17], DotDimensionNumbers(lhsContracting: [1], rhsContracting: [0])),
        ("tn", [20, 33], [20, 17], DotDimensionNumbers(lhsContracting: [0], rhsContracting: [0])),
        ("nt", [33, 20], [17, 20], DotDimensionNumbers(lhsContracting: [1], rhsContracting: [1])),
        ("tt", [20, 33], [17, 20], DotDimensionNumbers(lhsContracting: [0], rhsContracting: [1])),
        ("batched", [5, 9, 8], [5, 8, 7], DotDimensionNumbers(lhsContracting: [2], rhsContracting: [1], lhsBatch: [0], rhsBatch: [0])),
        ("batched-nt", [5, 9, 8], [5, 7, 8], DotDimensionNumbers(lhsContracting: [2], rhsContracting: [2], lhsBatch: [0], rhsBatch: [0])),
        ("batch-in-middle", [9, 5, 8], [5, 8, 7], DotDimensionNumbers(lhsContracting: [2], rhsContracting: [1], lhsBatch: [1], rhsBatch: [0])),
        ("two-contracting", [3, 4, 6], [4, 6, 5], DotDimensionNumbers(lhsContracting: [1, 2], rhsContracting: [0, 1])),
        ("swapped-contracting", [3, 4, 6], [6, 4, 5], DotDimensionNumbers(lhsContracting: [1, 2], rhsContracting: [1, 0])),
        ("vector", [64], [64, 3], DotDimensionNumbers(lhsContracting: [0], rhsContracting: [0])),
        ("outer", [5], [6], DotDimensionNumbers(lhsContracting: [], rhsContracting: [])),
        ("empty-k", [3, 0], [0, 4], DotDimensionNumbers(lhsContracting: [1], rhsContracting: [0])),
        ("big", [300, 257], [257, 129], DotDimensionNumbers(lhsContracting: [1], rhsContracting: [0])),
    ]

    @Test(arguments: [DType.float32, .float64, .int32, .float16])
    func dotGeneralMatchesReference(dtype: DType) {
        for (name, ls, rs, dn) in Self.cases {
            let l = Lax.convert(BLASTest.doubles(ls.reduce(1, *), shape: ls, seed: 7), to: dtype)
            let r = Lax.convert(BLASTest.doubles(rs.reduce(1, *), shape: rs, seed: 8), to: dtype)
            let tolerance = dtype == .float32 ? 1e-4 : dtype == .float16 ? 1e-2 : 1e-12
            BLASEagerTests.check("dot_general \(name) \(dtype)", rtol: dtype == .int32 ? 0 : tolerance, [l, r]) {
                Lax.dotGeneral($0[0], $0[1], dn)
            }
        }
    }
}
