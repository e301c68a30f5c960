/// Building blocks of the VJP rules of the structural primitives (dot_general, gather,
/// scatter, sort, products and cumulative scans), written with `Lax` ops.
enum StructuralDerivatives {
    // MARK: dot_general

    /// The cotangent of `dot_general`'s lhs (JAX's `_dot_general_transpose_lhs`).
    static func dotTransposeLHS(_ g: Tensor, lhs x: Tensor, rhs y: Tensor, _ dn: DotDimensionNumbers,
                                swapAnswer: Bool = false) -> Tensor {
        let xContract = dn.lhsContracting, yContract = dn.rhsContracting
        let xBatch = dn.lhsBatch, yBatch = dn.rhsBatch
        let xKept = (0..<x.rank).filter { !xContract.contains($0) && !xBatch.contains($0) }
        let yKept = (0..<y.rank).filter { !yContract.contains($0) && !yBatch.contains($0) }
        let ansBatch = Array(0..<xBatch.count)
        let ansY: [Int]
        if swapAnswer {
            ansY = Array(xBatch.count..<(xBatch.count + yKept.count))
        } else {
            let start = xBatch.count + xKept.count
            ansY = Array(start..<(start + yKept.count))
        }
        let dims = DotDimensionNumbers(lhsContracting: ansY, rhsContracting: yKept, lhsBatch: ansBatch, rhsBatch: yBatch)
        let order = yContract.indices.sorted { yContract[$0] < yContract[$1] }
        let xContractSortedByY = order.map { xContract[$0] }
        let pre = xBatch + xKept + xContractSortedByY
        let outAxes = pre.indices.sorted { pre[$0] < pre[$1] }
        let gx = g.dtype == x.dtype ? g : Lax.convert(g, to: x.dtype)
        let identity = Array(0..<x.rank)
        if outAxes != identity {
            // With y as the lhs the product's axes are [batch, x's contracted, x's kept]: when
            // that is x's own order, the cotangent needs no transpose (a copy of the whole
            // result, as large as x: per-example weight gradients are the largest tensors
            // of a vmapped grad).
            let swappedOrder = xBatch + xContractSortedByY + xKept
            if swappedOrder == identity {
                let swapped = DotDimensionNumbers(lhsContracting: yKept, rhsContracting: ansY, lhsBatch: yBatch, rhsBatch: ansBatch)
                return Lax.dotGeneral(y, gx, swapped)
            }
        }
        return Lax.transpose(Lax.dotGeneral(gx, y, dims), outAxes)
    }

    /// The cotangent of `dot_general`'s rhs.
    static func dotTransposeRHS(_ g: Tensor, lhs x: Tensor, rhs y: Tensor, _ dn: DotDimensionNumbers) -> Tensor {
        let swapped = DotDimensionNumbers(lhsContracting: dn.rhsContracting, rhsContracting: dn.lhsContracting,
                                          lhsBatch: dn.rhsBatch, rhsBatch: dn.lhsBatch)
        return dotTransposeLHS(g, lhs: y, rhs: x, swapped, swapAnswer: true)
    }

    // MARK: gather and scatter

    /// Scatter dimension numbers that put back what a gather with `dn` took.
    static func scatterNumbers(for dn: GatherDimensionNumbers) -> ScatterDimensionNumbers {
        ScatterDimensionNumbers(updateWindowDims: dn.offsetDims, insertedWindowDims: dn.collapsedSliceDims,
                                scatterDimsToOperandDims: dn.startIndexMap, operandBatchingDims: dn.operandBatchingDims,
                                scatterIndicesBatchingDims: dn.startIndicesBatchingDims)
    }

    /// Gather dimension numbers and slice sizes that read the windows a scatter with `dn`
    /// writes, for updates of `updatesShape` into an operand of rank `operandRank`.
    static func gatherNumbers(for dn: ScatterDimensionNumbers, operandRank: Int,
                              updatesShape: [Int]) -> (GatherDimensionNumbers, [Int]) {
        let gdn = GatherDimensionNumbers(offsetDims: dn.updateWindowDims, collapsedSliceDims: dn.insertedWindowDims,
                                         startIndexMap: dn.scatterDimsToOperandDims,
                                         operandBatchingDims: dn.operandBatchingDims,
                                         startIndicesBatchingDims: dn.scatterIndicesBatchingDims)
        var sizes: [Int] = []
        var w = 0
        for d in 0..<operandRank {
            if dn.insertedWindowDims.contains(d) || dn.operandBatchingDims.contains(d) {
                sizes.append(1)
            } else {
                sizes.append(updatesShape[dn.updateWindowDims[w]])
                w += 1
            }
        }
        return (gdn, sizes)
    }

    /// A `fill`-mode gather whose out-of-bounds windows read zero instead of the fill
    /// value (NaN for floats): the tangent of an out-of-bounds read is zero, as JAX's.
    static func gatherOrZero(_ x: Tensor, _ indices: Tensor, _ dn: GatherDimensionNumbers, sliceSizes: [Int]) -> Tensor {
        let g = Lax.gather(x, indices, dn, sliceSizes: sliceSizes, mode: .fill)
        guard x.dtype.isFloatingPoint else { return g }
        let probe = Lax.gather(Lax.full(0, shape: x.shape, dtype: x.dtype), indices, dn, sliceSizes: sliceSizes, mode: .fill)
        return Lax.select(Lax.compare(.eq, probe, probe), onTrue: g, onFalse: AutodiffValues.zeros(g.type.strong))
    }

    /// Start indices clamped so that every window is in bounds (gather's `clip` mode), so
    /// that the scatter of its transpose writes where the gather read.
    static func clampIndices(_ indices: Tensor, operandShape: [Int], dn: GatherDimensionNumbers, sliceSizes: [Int]) -> Tensor {
        let n = indices.shape[indices.rank - 1]
        let limits = (0..<n).map { Double(operandShape[dn.startIndexMap[$0]] - sliceSizes[dn.startIndexMap[$0]]) }
        var parts: [Tensor] = []
        for k in 0..<n {
            let part = Lax.sliceInDim(indices, axis: indices.rank - 1, start: k, limit: k + 1)
            let lo = Lax.full(0, shape: part.shape, dtype: part.dtype)
            let hi = Lax.full(limits[k], shape: part.shape, dtype: part.dtype)
            parts.append(Lax.binary(.min, Lax.binary(.max, part, lo), hi))
        }
        return Lax.concatenate(parts, axis: indices.rank - 1)
    }

    /// The ids of each update's scatter index (its position among the index batch),
    /// broadcast over the window axes: used to find which duplicate update a `scatter`
    /// (set) kept.
    static func updateIDs(updatesShape: [Int], windowDims: [Int]) -> Tensor {
        let batchAxes = (0..<updatesShape.count).filter { !windowDims.contains($0) }
        let batchShape = batchAxes.map { updatesShape[$0] }
        let n = batchShape.reduce(1, *)
        let flat = Lax.iota(.int32, shape: [n], dimension: 0)
        return Lax.broadcastInDim(Lax.reshape(flat, batchShape), shape: updatesShape, dims: batchAxes)
    }

    // MARK: sort

    /// `x` permuted along `axis` by `perm` (`take_along_axis`), as a gather.
    static func takeAlongAxis(_ x: Tensor, _ perm: Tensor, axis: Int) -> Tensor {
        let (indices, dn) = alongAxisIndices(perm, axis: axis)
        return Lax.gather(x, indices, dn, sliceSizes: [Int](repeating: 1, count: x.rank))
    }

    /// The transpose of `takeAlongAxis`: `ct` scattered (added) back to positions `perm`.
    static func untakeAlongAxis(_ ct: Tensor, _ perm: Tensor, axis: Int) -> Tensor {
        let (indices, dn) = alongAxisIndices(perm, axis: axis)
        return Lax.scatter(AutodiffValues.zeros(ct.type.strong), indices, ct, scatterNumbers(for: dn), mode: .add)
    }

    /// Full index tuples selecting `perm` along `axis` and the identity elsewhere.
    private static func alongAxisIndices(_ perm: Tensor, axis: Int) -> (Tensor, GatherDimensionNumbers) {
        let shape = perm.shape, rank = perm.rank
        var components: [Tensor] = []
        for d in 0..<rank {
            let c = d == axis ? Lax.convert(perm, to: .int32) : Lax.iota(.int32, shape: shape, dimension: d)
            components.append(Lax.expandDims(c, axis: rank))
        }
        let indices = Lax.concatenate(components, axis: rank)
        let dn = GatherDimensionNumbers(offsetDims: [], collapsedSliceDims: Array(0..<rank), startIndexMap: Array(0..<rank))
        return (indices, dn)
    }

    /// Sorts with an iota appended so the permutation comes out as the last result.
    static func sortWithPermutation(_ operands: [Tensor], dimension: Int, isStable: Bool, numKeys: Int) -> ([Tensor], Tensor) {
        let iota = Lax.iota(.int32, shape: operands[0].shape, dimension: dimension)
        let outs = Lax.sort(operands + [iota], dimension: dimension, isStable: isStable, numKeys: numKeys)
        return (Array(outs.dropLast()), outs.last!)
    }

    // MARK: products and cumulative scans

    /// For each element, the product of the other elements over `axes` (zero-safe, no
    /// division): exclusive prefix times exclusive suffix products of the flattened axes.
    static func productOfOthers(_ x: Tensor, axes: [Int]) -> Tensor {
        let kept = (0..<x.rank).filter { !axes.contains($0) }
        let perm = kept + axes
        let moved = Lax.transpose(x, perm)
        let keptShape = kept.map { x.shape[$0] }
        let n = axes.map { x.shape[$0] }.reduce(1, *)
        let flat = Lax.reshape(moved, keptShape + [n])
        let axis = keptShape.count
        let left = exclusive(Lax.cumulative(.cumprod, flat, axis: axis), axis: axis, reverse: false)
        let right = exclusive(Lax.cumulative(.cumprod, flat, axis: axis, reverse: true), axis: axis, reverse: true)
        let others = Lax.reshape(Lax.binary(.mul, left, right), moved.shape)
        let inverse = perm.indices.sorted { perm[$0] < perm[$1] }
        return Lax.transpose(others, inverse)
    }

    /// An inclusive product scan shifted by one along `axis`, with 1 entering at the start.
    private static func exclusive(_ inclusive: Tensor, axis: Int, reverse: Bool) -> Tensor {
        let n = inclusive.shape[axis]
        if n == 0 { return inclusive }
        let one = Lax.scalar(1, inclusive.dtype)
        var config = [PadConfig](repeating: PadConfig(low: 0, high: 0), count: inclusive.rank)
        if reverse {
            config[axis] = PadConfig(low: -1, high: 1)
        } else {
            config[axis] = PadConfig(low: 1, high: -1)
        }
        return Lax.pad(inclusive, one, config)
    }

    /// The cumulative scans written as a Hillis-Steele prefix scan of binary ops (log₂ n
    /// steps of pad and combine), so that their derivatives come from differentiating
    /// these ops (JAX differentiates cumprod/cummax/cummin through an associative scan too).
    static func prefixScan(_ op: CumulativeOp, _ x: Tensor, axis: Int, reverse: Bool) -> Tensor {
        let combine: BinaryOp
        let identity: Double
        switch op {
        case .cumsum: combine = .add; identity = 0
        case .cumprod: combine = .mul; identity = 1
        case .cummax: combine = .max; identity = -.infinity
        case .cummin: combine = .min; identity = .infinity
        }
        let n = x.shape[axis]
        var y = x
        var k = 1
        let fill = Lax.scalar(identity, x.dtype)
        while k < n {
            var config = [PadConfig](repeating: PadConfig(low: 0, high: 0), count: x.rank)
            config[axis] = reverse ? PadConfig(low: -k, high: k) : PadConfig(low: k, high: -k)
            y = Lax.binary(combine, y, Lax.pad(y, fill, config))
            k *= 2
        }
        return y
    }
}
