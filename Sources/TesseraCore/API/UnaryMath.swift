/// Elementwise mathematical functions. Integer and bool inputs of the transcendental
/// functions are converted to float32 first, as `jax.numpy` does with its default types.
///
/// ```swift
/// exp(x); log(x); sin(x); tanh(x); sqrt(x); abs(x)
/// ```

/// `op(x)` on `x` converted to a floating-point type.
private func floatUnary(_ op: UnaryOp, _ x: Tensor) -> Tensor { Lax.unary(op, Elementwise.toFloat(x)) }

/// Elementwise `e^x`.
public func exp(_ x: Tensor) -> Tensor { floatUnary(.exp, x) }
/// Elementwise `2^x`.
public func exp2(_ x: Tensor) -> Tensor { floatUnary(.exp2, x) }
/// Elementwise natural logarithm (`log(0) = -inf`, `log(-1) = nan`).
public func log(_ x: Tensor) -> Tensor { floatUnary(.log, x) }
/// Elementwise `log(1 + x)`, accurate for small `x`.
public func log1p(_ x: Tensor) -> Tensor { floatUnary(.log1p, x) }
/// Elementwise `e^x - 1`, accurate for small `x`.
public func expm1(_ x: Tensor) -> Tensor { floatUnary(.expm1, x) }
/// Elementwise sine.
public func sin(_ x: Tensor) -> Tensor { floatUnary(.sin, x) }
/// Elementwise cosine.
public func cos(_ x: Tensor) -> Tensor { floatUnary(.cos, x) }
/// Elementwise tangent.
public func tan(_ x: Tensor) -> Tensor { floatUnary(.tan, x) }
/// Elementwise hyperbolic tangent.
public func tanh(_ x: Tensor) -> Tensor { floatUnary(.tanh, x) }
/// Elementwise square root (`sqrt(-1) = nan`).
public func sqrt(_ x: Tensor) -> Tensor { floatUnary(.sqrt, x) }
/// Elementwise `1 / sqrt(x)`.
public func rsqrt(_ x: Tensor) -> Tensor { floatUnary(.rsqrt, x) }
/// Elementwise error function.
public func erf(_ x: Tensor) -> Tensor { floatUnary(.erf, x) }
/// Elementwise logistic sigmoid `1 / (1 + e^-x)`.
public func sigmoid(_ x: Tensor) -> Tensor { floatUnary(.logistic, x) }

/// Elementwise absolute value; unsigned and bool inputs are returned unchanged, as
/// `jnp.abs`. Integer `abs(Int32.min)` wraps.
public func abs(_ x: Tensor) -> Tensor {
    if x.dtype == .uint32 || x.dtype == .bool { return x }
    return Lax.unary(.abs, x)
}

/// Elementwise sign: -1, 0 or 1 (NaN for NaN), in the input's dtype.
public func sign(_ x: Tensor) -> Tensor {
    if x.dtype == .bool { Elementwise.unsupported("sign", x.dtype, "a numeric type") }
    return Lax.unary(.sign, x)
}

/// Elementwise floor; integers are returned unchanged, as `jnp.floor`.
public func floor(_ x: Tensor) -> Tensor { roundingUnary("floor", .floor, x) }
/// Elementwise ceiling; integers are returned unchanged.
public func ceil(_ x: Tensor) -> Tensor { roundingUnary("ceil", .ceil, x) }
/// Elementwise rounding to the nearest integer, ties to even (`round(2.5) == 2`), as
/// `jnp.round`; integers are returned unchanged.
public func round(_ x: Tensor) -> Tensor { roundingUnary("round", .round, x) }

private func roundingUnary(_ operation: String, _ op: UnaryOp, _ x: Tensor) -> Tensor {
    if x.dtype == .bool { Elementwise.unsupported(operation, x.dtype, "a numeric type") }
    if x.dtype.isInteger { return x }
    return Lax.unary(op, x)
}

/// Elementwise test for finite values (not NaN, not ±Inf); always true for integers.
public func isFinite(_ x: Tensor) -> Tensor {
    if !x.dtype.isFloatingPoint { return Lax.full(1, shape: x.shape, dtype: .bool) }
    return Lax.unary(.isFinite, x)
}

/// Elementwise test for NaN; always false for integers.
public func isNaN(_ x: Tensor) -> Tensor {
    if !x.dtype.isFloatingPoint { return Lax.full(0, shape: x.shape, dtype: .bool) }
    return Lax.compare(.ne, x, x)
}

/// Elementwise test for ±Inf; always false for integers.
public func isInfinite(_ x: Tensor) -> Tensor {
    if !x.dtype.isFloatingPoint { return Lax.full(0, shape: x.shape, dtype: .bool) }
    let inf = Lax.full(.infinity, shape: x.shape, dtype: x.dtype)
    return Lax.compare(.eq, abs(x), inf)
}

/// Elementwise `x * x`.
public func square(_ x: Tensor) -> Tensor { x * x }
