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
        var out = [Double](repeating: 0, count: outShape.reduce(1, *))
        if out.isEmpty || window.contains(0) || inI == 0 { return out }

        // inputOffset[d][p * window[d] + kd]: the lhs element offset along spatial axis d read
        // by output position p and window offset kd, or -1 for padding and dilation holes.
        let inputOffset: [[Int]] = (0..<k).map { d in
            var table = [Int](repeating: -1, count: outSpatial[d] * window[d])
            for pos in 0..<outSpatial[d] {
                for kd in 0..<window[d] {
                    let dilated = pos * p.windowStrides[d] + kd * p.rhsDilation[d] - p.padding[d].low
                    guard dilated >= 0, dilated % p.lhsDilation[d] == 0, dilated / p.lhsDilation[d] < inSpatial[d] else { continue }
                    table[pos * window[d] + kd] = (dilated / p.lhsDilation[d]) * ls[dn.lhsSpec[d + 2]]
                }
            }
            return table
        }
        // Every window offset as a multi-index, with its rhs element offset.
        let windowIndices = multiIndices(window)
        let rhsWindowOffset = windowIndices.map { idx in (0..<k).reduce(0) { $0 + idx[$1] * rs[dn.rhsSpec[$1 + 2]] } }
        let outPositions = multiIndices(outSpatial)
        let lhsFeatureStride = ls[dn.lhsSpec[1]], rhsInStride = rs[dn.rhsSpec[1]]

        for n in 0..<outN {
            for o in 0..<outO {
                let fg = o / perFeatureGroup, bg = o / perBatchGroup
                let lhsBase = (bg * (lhsN / p.batchGroupCount) + n) * ls[dn.lhsSpec[0]] + fg * inI * lhsFeatureStride
                let rhsBase = o * rs[dn.rhsSpec[0]]
                for pos in outPositions {
                    var acc = 0.0
                    windows: for (w, kIdx) in windowIndices.enumerated() {
                        var lhsOffset = lhsBase
                        for d in 0..<k {
                            let offset = inputOffset[d][pos[d] * window[d] + kIdx[d]]
                            if offset < 0 { continue windows }
                            lhsOffset += offset
                        }
                        let rhsOffset = rhsBase + rhsWindowOffset[w]
                        for i in 0..<inI {
                            acc += lhs[lhsOffset + i * lhsFeatureStride] * rhs[rhsOffset + i * rhsInStride]
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

    /// Every multi-index of a row-major box of `sizes`, in order.
    static func multiIndices(_ sizes: [Int]) -> [[Int]] {
        var result: [[Int]] = [[]]
        for s in sizes { result = result.flatMap { prefix in (0..<s).map { prefix + [$0] } } }
        return result
    }
}
