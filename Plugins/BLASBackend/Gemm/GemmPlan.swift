import TesseraCore

/// How one `dot_general` maps onto (batched) row-major GEMM calls without copying the
/// operands: each operand, per batch entry, is a matrix whose rows and columns are
/// groups of adjacent axes, possibly transposed (passed to BLAS as a flag).
///
/// ```swift
/// // [m,k] x [k,n]: lhs not transposed, rhs not transposed
/// GemmPlan(lhs: [m, k], rhs: [k, n], DotDimensionNumbers(lhsContracting: [1], rhsContracting: [0]))
/// ```
struct GemmPlan: Equatable {
    /// Number of independent products (product of the batch sizes).
    var batch: Int
    /// Rows of the result (product of lhs free sizes).
    var m: Int
    /// Columns of the result (product of rhs free sizes).
    var n: Int
    /// Contracted length (product of contracting sizes).
    var k: Int
    /// Whether lhs is stored as [k, m] per batch (pass CblasTrans).
    var transposeLHS: Bool
    /// Whether rhs is stored as [n, k] per batch (pass CblasTrans).
    var transposeRHS: Bool
    /// Elements between consecutive batch entries of lhs, rhs and the output.
    var lhsBatchStride: Int, rhsBatchStride: Int, outBatchStride: Int

    /// The leading dimension of lhs as stored (row-major).
    var lda: Int { transposeLHS ? m : k }
    /// The leading dimension of rhs as stored (row-major).
    var ldb: Int { transposeRHS ? k : n }

    /// The plan, or nil when the operands' axis order needs a copy first (then
    /// `canonicalPermutations` says how to transpose them).
    init?(lhs: [Int], rhs: [Int], _ dn: DotDimensionNumbers) {
        let nb = dn.lhsBatch.count
        // Batch axes must be the leading axes, in order, on both sides.
        guard dn.lhsBatch == Array(0..<nb), dn.rhsBatch == Array(0..<nb) else { return nil }
        let lhsFree = (nb..<lhs.count).filter { !dn.lhsContracting.contains($0) }
        let rhsFree = (nb..<rhs.count).filter { !dn.rhsContracting.contains($0) }
        guard let tl = GemmPlan.layout(free: lhsFree, contracting: dn.lhsContracting, start: nb, rank: lhs.count, freeFirst: true),
              let tr = GemmPlan.layout(free: rhsFree, contracting: dn.rhsContracting, start: nb, rank: rhs.count, freeFirst: false)
        else { return nil }
        batch = dn.lhsBatch.map { lhs[$0] }.reduce(1, *)
        m = lhsFree.map { lhs[$0] }.reduce(1, *)
        n = rhsFree.map { rhs[$0] }.reduce(1, *)
        k = dn.lhsContracting.map { lhs[$0] }.reduce(1, *)
        transposeLHS = tl
        transposeRHS = tr
        lhsBatchStride = m * k
        rhsBatchStride = k * n
        outBatchStride = m * n
    }

    /// Whether the non-batch axes are `free ++ contracting` (returns !freeFirst... see
    /// below) or `contracting ++ free`, each group contiguous and the contracting axes in
    /// the order given. Returns whether the operand is transposed relative to the
    /// canonical GEMM layout (lhs canonical: [m, k]; rhs canonical: [k, n]).
    private static func layout(free: [Int], contracting: [Int], start: Int, rank: Int, freeFirst: Bool) -> Bool? {
        let freeThenContract = free + contracting
        let contractThenFree = contracting + free
        let axes = Array(start..<rank)
        // lhs: [free, contracting] is untransposed; rhs: [contracting, free] is untransposed.
        if freeFirst {
            if freeThenContract == axes { return false }
            if contractThenFree == axes { return true }
        } else {
            if contractThenFree == axes { return false }
            if freeThenContract == axes { return true }
        }
        return nil
    }

    /// Permutations that bring lhs to [batch..., free..., contracting...] and rhs to
    /// [batch..., contracting..., free...], after which `GemmPlan` always succeeds with the
    /// dimension numbers returned.
    static func canonicalPermutations(lhsRank: Int, rhsRank: Int, _ dn: DotDimensionNumbers)
        -> (lhs: [Int], rhs: [Int], dimensionNumbers: DotDimensionNumbers) {
        let lhsFree = (0..<lhsRank).filter { !dn.lhsContracting.contains($0) && !dn.lhsBatch.contains($0) }
        let rhsFree = (0..<rhsRank).filter { !dn.rhsContracting.contains($0) && !dn.rhsBatch.contains($0) }
        let lp = dn.lhsBatch + lhsFree + dn.lhsContracting
        let rp = dn.rhsBatch + dn.rhsContracting + rhsFree
        let nb = dn.lhsBatch.count, nc = dn.lhsContracting.count
        let newDN = DotDimensionNumbers(
            lhsContracting: Array((nb + lhsFree.count)..<(nb + lhsFree.count + nc)),
            rhsContracting: Array(nb..<(nb + nc)),
            lhsBatch: Array(0..<nb), rhsBatch: Array(0..<nb))
        return (lp, rp, newDN)
    }
}
