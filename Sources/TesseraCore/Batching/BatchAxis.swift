/// Moving and materialising batch axes, on which every batching rule is built.
enum BatchAxis {
    /// `x` with its axis `from` moved to position `to` (the other axes keep their order).
    static func moveAxis(_ x: Tensor, from: Int, to: Int) -> Tensor {
        if from == to { return x }
        var perm = Array(0..<x.rank)
        perm.remove(at: from)
        perm.insert(from, at: to)
        return Lax.transpose(x, perm)
    }

    /// The batch of `v` with its batch axis at `to`; an unbatched value is broadcast
    /// along a new axis of `size` there.
    static func materialize(_ v: BatchedValue, at to: Int, size: Int) -> Tensor {
        if let d = v.batchDim { return moveAxis(v.value, from: d, to: to) }
        var shape = v.value.shape
        shape.insert(size, at: to)
        let dims = (0..<v.value.rank).map { $0 < to ? $0 : $0 + 1 }
        return Lax.broadcastInDim(v.value, shape: shape, dims: dims)
    }

    /// `v` with its batch axis (if any) at `to`; unbatched values stay as they are.
    static func move(_ v: BatchedValue, to: Int) -> BatchedValue {
        guard let d = v.batchDim else { return v }
        return BatchedValue(moveAxis(v.value, from: d, to: to), to)
    }

    /// Axis `axis` of the per-example value as an axis of the batched tensor whose batch
    /// axis is `batchDim`.
    static func axis(_ axis: Int, skipping batchDim: Int) -> Int {
        axis >= batchDim ? axis + 1 : axis
    }

    /// Normalises a possibly negative axis for a tensor of `rank`, or nil if out of range.
    static func normalize(_ axis: Int, rank: Int) -> Int? {
        let a = axis < 0 ? axis + rank : axis
        return a >= 0 && a < rank ? a : nil
    }
}
