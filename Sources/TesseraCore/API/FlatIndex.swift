/// Row-major element positions selected by an index, used by gather reads and by every
/// scatter update that is not one rectangular window.
enum FlatIndex {
    /// The int32 positions (shape `outShape`) in the flattened operand of every element the
    /// index selects, and the result shape, with NumPy's placement of the broadcast
    /// index-tensor axes: in place when the integer/tensor indices are adjacent, else first.
    ///
    /// Index tensors are clamped into bounds, or, with `dropOutOfBounds`, an out-of-bounds
    /// entry yields the position `count` (past the end), which `scatter` skips.
    static func positions(_ plan: IndexPlan, dropOutOfBounds: Bool) -> (Tensor, [Int]) {
        let shape = plan.shape
        let total = shape.reduce(1, *)
        let strides = contiguousStrides(shape)
        // Integers count as advanced indices when an index tensor is present (NumPy).
        let advanced = plan.items.indices.filter {
            switch plan.items[$0] {
            case .int, .tensor: return true
            case .range, .newAxis: return false
            }
        }
        let tensorShapes: [[Int]] = advanced.compactMap {
            if case .tensor(_, let t) = plan.items[$0] { return t.shape }
            return nil
        }
        let batch = broadcastShapes("index", tensorShapes)
        let adjacent = advanced.isEmpty || advanced.last! - advanced.first! == advanced.count - 1
        var outShape: [Int] = adjacent ? [] : batch
        var batchStart = 0
        var rangeDims: [Int: Int] = [:]
        for (k, item) in plan.items.enumerated() {
            switch item {
            case .range(_, _, let c, _):
                rangeDims[k] = outShape.count
                outShape.append(c)
            case .newAxis:
                outShape.append(1)
            case .int, .tensor:
                if adjacent && k == advanced.first! {
                    batchStart = outShape.count
                    outShape += batch
                }
            }
        }
        let batchDims = Array(batchStart..<(batchStart + batch.count))

        var offset = 0
        var terms: [Tensor] = []
        var valid: Tensor? = nil
        for (k, item) in plan.items.enumerated() {
            switch item {
            case .int(let a, let i):
                offset += i * strides[a]
            case .range(let a, let s, _, let st):
                let iota = Lax.iota(.int32, shape: outShape, dimension: rangeDims[k]!)
                offset += s * strides[a]
                terms.append(iota * Tensor(integerLiteral: st * strides[a]))
            case .tensor(let a, let t):
                let n = shape[a]
                var i = wrappedIndex(t, size: n)
                if dropOutOfBounds {
                    let ok = (i .>= 0) & (i .< Tensor(integerLiteral: n))
                    let okOut = Lax.broadcastInDim(ok.broadcast(to: batch, operation: "index"), shape: outShape, dims: batchDims)
                    valid = valid.map { $0 & okOut } ?? okOut
                } else {
                    i = minimum(maximum(i, 0), Tensor(integerLiteral: Swift.max(n - 1, 0)))
                }
                let ib = Lax.broadcastInDim(i.broadcast(to: batch, operation: "index"), shape: outShape, dims: batchDims)
                terms.append(strides[a] == 1 ? ib : ib * Tensor(integerLiteral: strides[a]))
            case .newAxis:
                break
            }
        }
        var positions = Lax.full(Double(offset), shape: outShape, dtype: .int32)
        for t in terms { positions = positions + t }
        if let valid { positions = Tensor.where(valid, positions, Tensor(integerLiteral: total)) }
        return (positions, outShape)
    }
}
