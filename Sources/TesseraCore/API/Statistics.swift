/// Variance and standard deviation, as `jnp.var` and `jnp.std`.
extension Tensor {
    /// Variance over `axes`: `sum(|x - mean|^2) / (n - ddof)`. Integers give float32; with
    /// `n - ddof <= 0` the division gives Inf or NaN (no clamping, as JAX).
    ///
    /// ```swift
    /// x.variance(); x.variance(axes: [0], ddof: 1)
    /// ```
    public func variance(axes: [Int]? = nil, ddof: Int = 0, keepDims: Bool = false) -> Tensor {
        let axesList = normalizeAxes(axes, rank: rank, "variance")
        let (work, resultType) = meanTypes()
        let x = Lax.convert(self, to: work)
        let n = axesList.reduce(1) { $0 * shape[$1] }
        let total = Lax.reduce(.sum, x, axes: axesList)
        let mean = Lax.binary(.div, total, Lax.full(Double(n), shape: total.shape, dtype: work))
        let centered = Lax.binary(.sub, x, Lax.broadcastInDim(mean, shape: shape, dims: (0..<rank).filter { !axesList.contains($0) }))
        let squares = Lax.reduce(.sum, Lax.binary(.mul, centered, centered), axes: axesList)
        let v = Lax.binary(.div, squares, Lax.full(Double(n - ddof), shape: squares.shape, dtype: work))
        return Lax.convert(keepDims ? restoreAxes(v, axesList) : v, to: resultType)
    }

    /// Standard deviation over `axes`: `sqrt(variance(axes:ddof:))`.
    ///
    /// ```swift
    /// x.std(axes: [1], ddof: 1)
    /// ```
    public func std(axes: [Int]? = nil, ddof: Int = 0, keepDims: Bool = false) -> Tensor {
        let v = variance(axes: axes, ddof: ddof, keepDims: keepDims)
        if v.dtype == .float16 { return Lax.convert(Lax.unary(.sqrt, Lax.convert(v, to: .float32)), to: .float16) }
        return Lax.unary(.sqrt, v)
    }
}
