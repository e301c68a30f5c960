/// The plain-Swift evaluation of `conv_general_dilated` (the reference semantics, also
/// used by backends that run convolutions through the host).
///
/// For output point `(n, o, p)`, with feature group `fg = o / (O / G)` and batch group
/// `bg = o / (O / B)`:
/// `out[n, o, p] = Σ_i Σ_k lhs[bg * N/B + n, fg * I + i, (p * stride + k * rhsDil - padLow) / lhsDil] * rhs[o, i, k]`
/// over the window offsets `k` whose input position lands on a (non-hole) input element.
enum ConvHost {
    /// Computes the convolution on Double values laid out row-major in each operand's shape.
    static func run(lhs: [Double], lhsShape: [Int], rhs: [Double], rhsShape: [Int], outShape: [Int],
                    _ p: ConvParams) -> [Double] {
        let dn = p.dimensionNumbers, k = p.spatialRank
        let ls = HostArrays.strides(lhsShape), rs = HostArrays.strides(rhsShape), os = HostArrays.strides(outShape)
        let lhsN = lhsShape[dn.lhsSpec[0]]
        let outN = outShape[dn.outSpec[0]], outO = outShape[dn.outSpec[1]]
        let inI = rhsShape[dn.rhsSpec[1]]
        let perFeatureGroup = outO / p.featureGroupCount, perBatchGroup = outO / p.batchGroupCount
        let inSpatial = (0..<k).map { lhsShape[dn.lhsSpec[$0 + 2]] }
        let window = (0..<k).map { rhsShape[dn.rhsSpec[$0 + 2]] }
        let outSpatial = (0..<k).map { outShape[dn.outSpec[$0 + 2]] }
        let windowCount = window.reduce(1, *), outSpatialCount = outSpatial.reduce(1, *)
        var out = [Double](repeating: 0, count: outShape.reduce(1, *))
        if windowCount == 0 || inI == 0 { return out }

        /// Multi-index of `flat` in a row-major box of `sizes`.
        func unflatten(_ flat: Int, _ sizes: [Int]) -> [Int] {
            var idx = [Int](repeating: 0, count: sizes.count), r = flat
            for d in stride(from: sizes.count - 1, through: 0, by: -1) {
                idx[d] = r % sizes[d]
                r /= sizes[d]
            }
            return idx
        }
        let windowOffsets = (0..<windowCount).map { unflatten($0, window) }
        for n in 0..<outN {
            for o in 0..<outO {
                let fg = o / perFeatureGroup, bg = o / perBatchGroup
                let lhsBatch = bg * (lhsN / p.batchGroupCount) + n
                for flatP in 0..<outSpatialCount {
                    let pos = unflatten(flatP, outSpatial)
                    var acc = 0.0
                    windows: for kIdx in windowOffsets {
                        var lhsOffset = lhsBatch * ls[dn.lhsSpec[0]]
                        var rhsOffset = o * rs[dn.rhsSpec[0]]
                        for d in 0..<k {
                            let dilatedPos = pos[d] * p.windowStrides[d] + kIdx[d] * p.rhsDilation[d] - p.padding[d].low
                            if dilatedPos < 0 || dilatedPos % p.lhsDilation[d] != 0 { continue windows }
                            let x = dilatedPos / p.lhsDilation[d]
                            if x >= inSpatial[d] { continue windows }
                            lhsOffset += x * ls[dn.lhsSpec[d + 2]]
                            rhsOffset += kIdx[d] * rs[dn.rhsSpec[d + 2]]
                        }
                        for i in 0..<inI {
                            acc += lhs[lhsOffset + (fg * inI + i) * ls[dn.lhsSpec[1]]] * rhs[rhsOffset + i * rs[dn.rhsSpec[1]]]
                        }
                    }
                    var outOffset = n * os[dn.outSpec[0]] + o * os[dn.outSpec[1]]
                    for d in 0..<k { outOffset += pos[d] * os[dn.outSpec[d + 2]] }
                    out[outOffset] = acc
                }
            }
        }
        return out
    }
}
