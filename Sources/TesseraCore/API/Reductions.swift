/// Reductions over axes, as `jnp.sum`, `jnp.max`, ...: `axes` nil reduces every axis,
/// negative axes count from the end, and `keepDims` keeps reduced axes with size 1.
///
/// ```swift
/// a.sum(); a.sum(axes: [0], keepDims: true); a.mean(); a.max(axes: [-1])
/// ```
/// Result dtypes follow JAX with its default 32-bit types: `sum` and `prod` of bool count
/// in int32, other dtypes keep theirs; `mean` of integers or bools is float32 (float64 for
/// int64, as JAX with x64); float16 is
/// accumulated in float32 by `mean`, `variance` and `std` and rounded back.
extension Tensor {
    /// Sum over `axes` (an empty reduction gives 0).
    public func sum(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        accumulating { reduce(.sum, "sum", axes: axes, keepDims: keepDims, operand: $0) }
    }

    /// Product over `axes` (an empty reduction gives 1).
    public func prod(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        accumulating { reduce(.prod, "prod", axes: axes, keepDims: keepDims, operand: $0) }
    }

    /// Maximum over `axes`; NaN propagates. Reducing a zero-size axis stops (no identity).
    public func max(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        reduce(.max, "max", axes: axes, keepDims: keepDims, operand: self)
    }

    /// Minimum over `axes`; NaN propagates. Reducing a zero-size axis stops (no identity).
    public func min(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        reduce(.min, "min", axes: axes, keepDims: keepDims, operand: self)
    }

    /// Whether every element over `axes` is true (non-zero); bool result.
    public func all(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        reduce(.and, "all", axes: axes, keepDims: keepDims, operand: asBool(self))
    }

    /// Whether any element over `axes` is true (non-zero); bool result.
    public func any(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        reduce(.or, "any", axes: axes, keepDims: keepDims, operand: asBool(self))
    }

    /// Arithmetic mean over `axes`; integers give float32, an empty reduction gives NaN.
    public func mean(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let axesList = normalizeAxes(axes, rank: rank, "mean")
        let (work, resultType) = meanTypes()
        let total = Lax.reduce(.sum, Lax.convert(self, to: work), axes: axesList)
        let n = axesList.reduce(1) { $0 * shape[$1] }
        let m = Lax.binary(.div, total, Lax.full(Double(n), shape: total.shape, dtype: work))
        return Lax.convert(keepDims ? restoreAxes(m, axesList) : m, to: resultType)
    }

    /// `body` applied to this tensor in its accumulation type (bool counts as int32, float16
    /// is accumulated in float32 and rounded back, as `jnp.sum`).
    func accumulating(_ body: (Tensor) -> Tensor) -> Tensor {
        switch dtype {
        case .bool: return body(Lax.convert(self, to: .int32))
        case .float16: return Lax.convert(body(Lax.convert(self, to: .float32)), to: .float16)
        case .int32, .int64, .uint32, .float32, .float64: return body(self)
        }
    }

    /// The dtype a mean is accumulated in and the dtype of the result.
    func meanTypes() -> (DType, DType) {
        switch dtype {
        case .float16: return (.float32, .float16)
        case .float32, .float64: return (dtype, dtype)
        case .int64: return (.float64, .float64)
        case .bool, .int32, .uint32: return (.float32, .float32)
        }
    }

    /// `op` over `axes` of `operand` (this tensor, possibly converted), with `keepDims`.
    func reduce(_ op: ReduceOp, _ operation: String, axes: [Int]?, keepDims: Bool, operand: Tensor) -> Tensor {
        let axesList = normalizeAxes(axes, rank: rank, operation)
        if op == .max || op == .min, let empty = axesList.first(where: { shape[$0] == 0 }) {
            usageError("\(operation): zero-size array to reduction operation \(operation) which has no identity (axis \(empty) has size 0)")
        }
        let r = Lax.reduce(op, operand, axes: axesList)
        return keepDims ? restoreAxes(r, axesList) : r
    }

    /// `r` reshaped to this tensor's shape with the reduced `axes` set to size 1.
    func restoreAxes(_ r: Tensor, _ axes: [Int]) -> Tensor {
        var kept = shape
        for a in axes { kept[a] = 1 }
        return Lax.reshape(r, kept)
    }
}
