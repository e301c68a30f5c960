/// Index reductions (`argmax`, `argmin`), cumulative sums and products, and sorting.
extension Tensor {
    /// Index of the maximum along `axis` (int32; the first one on ties; NaN counts as the
    /// maximum, as NumPy).
    ///
    /// ```swift
    /// a.argmax(axis: 1)
    /// ```
    public func argmax(axis: Int) -> Tensor { argReduce(.argmax, "argmax", axis: axis) }
    /// Index of the maximum of the flattened tensor.
    public func argmax() -> Tensor { flattened().argReduce(.argmax, "argmax", axis: 0) }
    /// Index of the minimum along `axis` (int32; the first one on ties).
    public func argmin(axis: Int) -> Tensor { argReduce(.argmin, "argmin", axis: axis) }
    /// Index of the minimum of the flattened tensor.
    public func argmin() -> Tensor { flattened().argReduce(.argmin, "argmin", axis: 0) }

    private func argReduce(_ op: ArgReduceOp, _ operation: String, axis: Int) -> Tensor {
        let a = normalizeAxis(axis, rank: rank, operation)
        if shape[a] == 0 { usageError("\(operation): attempt to get \(operation) of an empty sequence (axis \(a) has size 0)") }
        return Lax.argReduce(op, self, axis: a)
    }

    /// Running sum along `axis` (bool counts as int32, float16 accumulates in float32); without
    /// an axis, of the flattened tensor.
    ///
    /// ```swift
    /// Tensor.arange(4).cumsum(axis: 0)   // [0 1 3 6]
    /// ```
    public func cumsum(axis: Int? = nil) -> Tensor { cumulative(.cumsum, "cumsum", axis: axis) }
    /// Running product along `axis` (bool counts as int32); without an axis, of the flattened tensor.
    public func cumprod(axis: Int? = nil) -> Tensor { cumulative(.cumprod, "cumprod", axis: axis) }

    private func cumulative(_ op: CumulativeOp, _ operation: String, axis: Int?) -> Tensor {
        guard let axis else { return flattened().cumulative(op, operation, axis: 0) }
        let a = normalizeAxis(axis, rank: rank, operation)
        return accumulating { Lax.cumulative(op, $0, axis: a) }
    }

    /// Sorted along `axis` (default the last), ascending, NaN last.
    ///
    /// ```swift
    /// Tensor([3, 1, 2] as [Float]).sorted()   // [1. 2. 3.]
    /// ```
    public func sorted(axis: Int = -1) -> Tensor {
        if rank == 0 { usageError("sort: a scalar cannot be sorted; reshape it to [1] first") }
        return Lax.sort([self], dimension: normalizeAxis(axis, rank: rank, "sort"))[0]
    }

    /// Indices (int32) that sort this tensor along `axis` (default the last); stable.
    ///
    /// ```swift
    /// Tensor([3, 1, 2] as [Float]).argsort()   // [1 2 0]
    /// ```
    public func argsort(axis: Int = -1) -> Tensor {
        if rank == 0 { usageError("argsort: a scalar cannot be sorted; reshape it to [1] first") }
        let a = normalizeAxis(axis, rank: rank, "argsort")
        let indices = Lax.iota(.int32, shape: shape, dimension: a)
        return Lax.sort([self, indices], dimension: a, isStable: true, numKeys: 1)[1]
    }
}

/// `x` sorted along `axis` (default the last), as `jnp.sort`.
public func sort(_ x: Tensor, axis: Int = -1) -> Tensor { x.sorted(axis: axis) }
/// Indices that sort `x` along `axis`, as `jnp.argsort` (stable).
public func argsort(_ x: Tensor, axis: Int = -1) -> Tensor { x.argsort(axis: axis) }
