/// Creation of tensors: ranges, constant fills, identity matrices and evenly spaced values.
/// All of them are built from `iota`, `broadcast_in_dim` and elementwise primitives, so
/// they can be traced.
extension Tensor {
    /// `[0, 1, ..., end-1]` as int32.
    ///
    /// ```swift
    /// Tensor.arange(10)   // [0 1 2 3 4 5 6 7 8 9]
    /// ```
    public static func arange(_ end: Int) -> Tensor {
        arange(start: 0, end: end, step: 1, dtype: .int32)
    }

    /// `start, start+step, ...` up to but excluding `end` (int32 by default), as `jnp.arange`.
    ///
    /// ```swift
    /// Tensor.arange(start: 10, end: 0, step: -3)   // [10 7 4 1]
    /// ```
    public static func arange(start: Int, end: Int, step: Int = 1, dtype: DType = .int32) -> Tensor {
        if step == 0 { usageError("arange: step must not be zero") }
        let count = Swift.max(0, (end - start + step - (step > 0 ? 1 : -1)) / step)
        return rangeValues(count: count, start: Double(start), step: Double(step), dtype: dtype)
    }

    /// `start, start+step, ...` up to but excluding `end` (float32 by default), as `jnp.arange`
    /// with float arguments: element `i` is `start + i * step`.
    ///
    /// ```swift
    /// Tensor.arange(start: 0, end: 1, step: 0.25)   // [0. 0.25 0.5 0.75]
    /// ```
    public static func arange(start: Double, end: Double, step: Double = 1, dtype: DType = .float32) -> Tensor {
        if step == 0 || !step.isFinite { usageError("arange: step must be finite and non-zero, got \(step)") }
        let count = Swift.max(0, Int(((end - start) / step).rounded(.up)))
        return rangeValues(count: count, start: start, step: step, dtype: dtype)
    }

    /// `start + i * step` for `i` in `0..<count`, computed in `dtype`.
    private static func rangeValues(count: Int, start: Double, step: Double, dtype: DType) -> Tensor {
        if dtype == .bool { Elementwise.unsupported("arange", dtype, "a numeric type") }
        var x = Lax.iota(dtype, shape: [count])
        if step != 1 { x = Lax.binary(.mul, x, Lax.full(step, shape: [count], dtype: dtype)) }
        if start != 0 { x = Lax.binary(.add, x, Lax.full(start, shape: [count], dtype: dtype)) }
        return x
    }

    /// A tensor of zeros.
    ///
    /// ```swift
    /// Tensor.zeros([2, 3])   // float32
    /// ```
    public static func zeros(_ shape: [Int], dtype: DType = .float32) -> Tensor { full(shape, 0, dtype: dtype) }

    /// A tensor of ones.
    ///
    /// ```swift
    /// Tensor.ones([3], dtype: .float64)
    /// ```
    public static func ones(_ shape: [Int], dtype: DType = .float32) -> Tensor { full(shape, 1, dtype: dtype) }

    /// A tensor of `shape` filled with `value` converted to `dtype`.
    ///
    /// ```swift
    /// Tensor.full([2], 7.0)   // [7. 7.]
    /// ```
    public static func full(_ shape: [Int], _ value: Double, dtype: DType = .float32) -> Tensor {
        checkShape(shape, "full")
        return Lax.full(value, shape: shape, dtype: dtype)
    }

    /// Zeros with the shape and dtype of `x`.
    public static func zerosLike(_ x: Tensor) -> Tensor { Lax.full(0, shape: x.shape, dtype: x.dtype) }
    /// Ones with the shape and dtype of `x`.
    public static func onesLike(_ x: Tensor) -> Tensor { Lax.full(1, shape: x.shape, dtype: x.dtype) }
    /// `value` with the shape and dtype of `x`.
    public static func fullLike(_ x: Tensor, _ value: Double) -> Tensor { Lax.full(value, shape: x.shape, dtype: x.dtype) }

    /// An `n`x`m` matrix with ones on the `k`-th diagonal (`k > 0` above the main one).
    ///
    /// ```swift
    /// Tensor.eye(3)   // 3x3 identity, float32
    /// ```
    public static func eye(_ n: Int, m: Int? = nil, k: Int = 0, dtype: DType = .float32) -> Tensor {
        let cols = m ?? n
        checkShape([n, cols], "eye")
        let rows = Lax.iota(.int32, shape: [n, cols], dimension: 0)
        let columns = Lax.iota(.int32, shape: [n, cols], dimension: 1)
        let shifted = k == 0 ? rows : Lax.binary(.add, rows, Lax.full(Double(k), shape: [n, cols], dtype: .int32))
        return Lax.convert(Lax.compare(.eq, shifted, columns), to: dtype)
    }

    /// `count` evenly spaced values from `start` to `stop` (included unless `endpoint` is
    /// false), computed as `jnp.linspace` does: `start * (1 - t) + stop * t` with `t = i / div`.
    ///
    /// ```swift
    /// Tensor.linspace(0, 1, count: 5)   // [0. 0.25 0.5 0.75 1.]
    /// ```
    /// Integer dtypes take the floor of the float values.
    public static func linspace(_ start: Double, _ stop: Double, count: Int = 50, endpoint: Bool = true,
                                dtype: DType = .float32) -> Tensor {
        if count < 0 { usageError("linspace: count must be non-negative, got \(count)") }
        if dtype == .bool { Elementwise.unsupported("linspace", dtype, "a numeric type") }
        let computeType: DType = dtype.isFloatingPoint ? dtype : (dtype == .int64 ? .float64 : .float32)
        let div = endpoint ? count - 1 : count
        var out: Tensor
        if count == 0 {
            out = Lax.iota(computeType, shape: [0])
        } else if div <= 0 {
            out = Lax.full(start, shape: [1], dtype: computeType)
        } else {
            let n = endpoint ? count - 1 : count
            let t = Lax.binary(.div, Lax.iota(computeType, shape: [n]), Lax.full(Double(div), shape: [n], dtype: computeType))
            let oneMinusT = Lax.binary(.sub, Lax.full(1, shape: [n], dtype: computeType), t)
            out = Lax.binary(.add, Lax.binary(.mul, Lax.full(start, shape: [n], dtype: computeType), oneMinusT),
                             Lax.binary(.mul, Lax.full(stop, shape: [n], dtype: computeType), t))
            if endpoint { out = Lax.concatenate([out, Lax.full(stop, shape: [1], dtype: computeType)], axis: 0) }
        }
        if !dtype.isFloatingPoint { out = Lax.unary(.floor, out) }
        return Lax.convert(out, to: dtype)
    }

    /// Stops when a shape has a negative dimension.
    static func checkShape(_ shape: [Int], _ operation: String) {
        if shape.contains(where: { $0 < 0 }) {
            usageError("\(operation): negative dimensions are not allowed, got shape \(shapeString(shape))")
        }
    }
}
