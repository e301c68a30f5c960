import TesseraCore

/// The index arithmetic of one `conv_general_dilated` call as im2col + GEMM sees it: the
/// operands' strides by role, the group structure, and the tables that map (output
/// position, window offset) to input element offsets.
///
/// Output features split into `groups` equal groups (feature groups or batch groups; at most
/// one kind is above 1). Group `q` multiplies its `groupOut`×`contraction` weight matrix by
/// the `contraction`×`positions` patch matrix of one output batch entry, where
/// `contraction = inFeatures * windowCount` (row `i * windowCount + w`: input feature `i`,
/// window offset `w` in row-major order) and columns are output positions in row-major order.
struct ConvGeometry {
    let spatialRank: Int
    /// Output batch size (`lhs batch / batchGroupCount`).
    let outBatch: Int
    let outFeatures: Int
    /// Input features per group (the rhs input-feature size).
    let inFeatures: Int
    /// Feature groups or batch groups, and whether they are batch groups.
    let groups: Int
    let batchGroups: Bool
    let groupOut: Int
    let window: [Int]
    let windowCount: Int
    let outSpatial: [Int]
    let positions: Int
    /// Output positions along the last spatial axis, and the number of rows of them.
    let lastCount: Int
    let outerCount: Int
    let contraction: Int
    let lhsBatchStride: Int, lhsFeatureStride: Int
    let rhsOutStride: Int, rhsInStride: Int
    let outBatchStride: Int, outFeatureStride: Int
    /// The output element offset of each output position (row-major over `outSpatial`).
    let outPositionOffset: [Int]
    /// `outPositionOffset[p] == p * positionStride` for every `p`, or nil.
    let positionStride: Int?
    /// rhs element offset of each window offset (row-major over `window`).
    let rhsWindowOffset: [Int]
    /// `outerOffset[wo * outerCount + r]`: lhs element offset of the window offset `wo` over
    /// the leading spatial axes at output row `r` (all spatial axes but the last), or -1 when
    /// it lands on padding or a dilation hole.
    let outerOffset: [Int]
    /// `lastOffset[pos * window.last + kd]`: the lhs element offset along the last spatial axis, or -1.
    let lastOffset: [Int]
    /// For each window offset `kd` along the last axis, when the positions it reads form one
    /// run `lower..<upper` at offsets `start + (pos - lower) * step` (always without input
    /// dilation): that run; else nil (read `lastOffset`).
    let lastRuns: [LastAxisRun?]

    /// A run of valid output positions along the last spatial axis reading evenly spaced input.
    struct LastAxisRun {
        let lower: Int, upper: Int, start: Int, step: Int
    }

    init(_ p: ConvParams, lhs: [Int], rhs: [Int], out: [Int]) {
        let dn = p.dimensionNumbers, k = p.spatialRank
        let ls = Self.strides(lhs), rs = Self.strides(rhs), os = Self.strides(out)
        spatialRank = k
        outBatch = out[dn.outSpec[0]]
        outFeatures = out[dn.outSpec[1]]
        inFeatures = rhs[dn.rhsSpec[1]]
        batchGroups = p.batchGroupCount > 1
        groups = Swift.max(p.featureGroupCount, p.batchGroupCount)
        groupOut = outFeatures / groups
        let window = (0..<k).map { rhs[dn.rhsSpec[$0 + 2]] }, outSpatial = (0..<k).map { out[dn.outSpec[$0 + 2]] }
        self.window = window
        self.outSpatial = outSpatial
        windowCount = window.reduce(1, *)
        positions = outSpatial.reduce(1, *)
        lastCount = outSpatial[k - 1]
        outerCount = outSpatial.dropLast().reduce(1, *)
        contraction = inFeatures * windowCount
        lhsBatchStride = ls[dn.lhsSpec[0]]
        lhsFeatureStride = ls[dn.lhsSpec[1]]
        rhsOutStride = rs[dn.rhsSpec[0]]
        rhsInStride = rs[dn.rhsSpec[1]]
        outBatchStride = os[dn.outSpec[0]]
        outFeatureStride = os[dn.outSpec[1]]

        let positionsIndex = Self.multiIndices(outSpatial)
        let offsets = positionsIndex.map { idx in (0..<k).reduce(0) { $0 + idx[$1] * os[dn.outSpec[$1 + 2]] } }
        let step = offsets.count > 1 ? offsets[1] : 1
        outPositionOffset = offsets
        positionStride = offsets.indices.allSatisfy({ offsets[$0] == $0 * step }) ? step : nil
        rhsWindowOffset = Self.multiIndices(window).map { idx in (0..<k).reduce(0) { $0 + idx[$1] * rs[dn.rhsSpec[$1 + 2]] } }

        // Per spatial axis d: the lhs offset read by output position `pos` at window offset `kd`.
        let inSpatial = (0..<k).map { lhs[dn.lhsSpec[$0 + 2]] }
        let axisOffset: [[Int]] = (0..<k).map { d in
            var table = [Int](repeating: -1, count: out[dn.outSpec[d + 2]] * window[d])
            for pos in 0..<out[dn.outSpec[d + 2]] {
                for kd in 0..<window[d] {
                    let dilated = pos * p.windowStrides[d] + kd * p.rhsDilation[d] - p.padding[d].low
                    guard dilated >= 0, dilated % p.lhsDilation[d] == 0, dilated / p.lhsDilation[d] < inSpatial[d] else { continue }
                    table[pos * window[d] + kd] = (dilated / p.lhsDilation[d]) * ls[dn.lhsSpec[d + 2]]
                }
            }
            return table
        }
        lastOffset = axisOffset[k - 1]
        let lastWindow = window[k - 1], lastPositions = outSpatial[k - 1], table = axisOffset[k - 1]
        lastRuns = (0..<lastWindow).map { kd in
            let valid = (0..<lastPositions).filter { table[$0 * lastWindow + kd] >= 0 }
            guard let lower = valid.first, let upper = valid.last.map({ $0 + 1 }), valid.count == upper - lower else {
                return valid.isEmpty ? LastAxisRun(lower: 0, upper: 0, start: 0, step: 0) : nil
            }
            let start = table[lower * lastWindow + kd]
            let step = valid.count > 1 ? table[(lower + 1) * lastWindow + kd] - start : 0
            for (j, pos) in valid.enumerated() where table[pos * lastWindow + kd] != start + j * step { return nil }
            return LastAxisRun(lower: lower, upper: upper, start: start, step: step)
        }
        let outerWindows = Self.multiIndices(Array(window.dropLast())), outerPositions = Self.multiIndices(Array(outSpatial.dropLast()))
        var outer = [Int](repeating: -1, count: outerWindows.count * outerPositions.count)
        for (wo, kIdx) in outerWindows.enumerated() {
            positionsLoop: for (r, pos) in outerPositions.enumerated() {
                var offset = 0
                for d in 0..<(k - 1) {
                    let o = axisOffset[d][pos[d] * window[d] + kIdx[d]]
                    if o < 0 { continue positionsLoop }
                    offset += o
                }
                outer[wo * outerPositions.count + r] = offset
            }
        }
        outerOffset = outer
    }

    /// The lhs element offset of output batch `n`, group `q`, input feature 0 of the group.
    func lhsBase(batch n: Int, group q: Int) -> Int {
        batchGroups ? (q * outBatch + n) * lhsBatchStride : n * lhsBatchStride + q * inFeatures * lhsFeatureStride
    }

    /// Row-major strides of `shape`.
    static func strides(_ shape: [Int]) -> [Int] {
        var s = [Int](repeating: 1, count: shape.count), acc = 1
        for d in stride(from: shape.count - 1, through: 0, by: -1) {
            s[d] = acc
            acc *= shape[d]
        }
        return s
    }

    /// Every multi-index of a row-major box of `sizes`, in order (one empty index for no axes).
    static func multiIndices(_ sizes: [Int]) -> [[Int]] {
        var result: [[Int]] = [[]]
        for s in sizes { result = result.flatMap { prefix in (0..<s).map { prefix + [$0] } } }
        return result
    }
}
