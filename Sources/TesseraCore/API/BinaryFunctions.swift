/// Elementwise functions of two tensors, with NumPy broadcasting and JAX type promotion.

/// Elementwise maximum; NaN propagates.
///
/// ```swift
/// maximum(x, 0)   // ReLU
/// ```
public func maximum(_ a: Tensor, _ b: Tensor) -> Tensor { Elementwise.binary("maximum", .max, a, b) }

/// Elementwise minimum; NaN propagates.
public func minimum(_ a: Tensor, _ b: Tensor) -> Tensor { Elementwise.binary("minimum", .min, a, b) }

/// Elementwise power `a ** b` (`lax.pow`); integer operands stay integers.
///
/// ```swift
/// pow(x, 2)
/// ```
public func pow(_ a: Tensor, _ b: Tensor) -> Tensor { Elementwise.binary("pow", .pow, a, b) }

/// Elementwise `atan2(y, x)`; integer operands are converted to float32.
public func atan2(_ y: Tensor, _ x: Tensor) -> Tensor {
    let yx = Elementwise.promoteAndBroadcast("atan2", [y, x])
    let (a, b) = (Elementwise.toFloat(yx[0]), Elementwise.toFloat(yx[1]))
    return Lax.binary(.atan2, a, b)
}

/// Elementwise floor division, rounding toward negative infinity as NumPy's `//`
/// (`floorDivide(-7, 2) == -4`; the `/` operator truncates instead).
///
/// For floats it follows `jnp.floor_divide`: `(a - fmod(a, b)) / b`, corrected by one when
/// the remainder's sign differs from `b`'s, then rounded (so `inf // 2` is NaN as in NumPy).
/// For signed integers the truncated quotient is corrected the same way. Division of an
/// integer by zero gives what `lax.div` gives on the device.
public func floorDivide(_ a: Tensor, _ b: Tensor) -> Tensor {
    let ab = Elementwise.promoteAndBroadcast("floorDivide", [a, b])
    let (x, y) = (ab[0], ab[1])
    switch x.dtype {
    case .bool:
        Elementwise.unsupported("floorDivide", x.dtype, "a numeric type")
    case .float16, .float32, .float64:
        let zero = Lax.full(0, shape: x.shape, dtype: x.dtype)
        let mod = Lax.binary(.rem, x, y)
        let quotient = Lax.binary(.div, Lax.binary(.sub, x, mod), y)
        let adjust = Lax.binary(.and, Lax.compare(.ne, mod, zero),
                                Lax.compare(.ne, Lax.unary(.sign, y), Lax.unary(.sign, mod)))
        let one = Lax.full(1, shape: x.shape, dtype: x.dtype)
        return Lax.unary(.round, Lax.select(adjust, onTrue: Lax.binary(.sub, quotient, one), onFalse: quotient))
    case .uint32:
        return Lax.binary(.div, x, y)
    case .int32, .int64:
        let quotient = Lax.binary(.div, x, y)
        let remainder = Lax.binary(.rem, x, y)
        let zero = Lax.full(0, shape: x.shape, dtype: x.dtype)
        let signsDiffer = Lax.compare(.ne, Lax.compare(.lt, remainder, zero), Lax.compare(.lt, y, zero))
        let inexact = Lax.compare(.ne, remainder, zero)
        let adjust = Lax.binary(.and, signsDiffer, inexact)
        let one = Lax.full(1, shape: x.shape, dtype: x.dtype)
        return Lax.select(adjust, onTrue: Lax.binary(.sub, quotient, one), onFalse: quotient)
    }
}

/// Elementwise logical and of bool tensors (the same as `&` on bool).
public func logicalAnd(_ a: Tensor, _ b: Tensor) -> Tensor { logicalBinary("logicalAnd", .and, a, b) }
/// Elementwise logical or of bool tensors (the same as `|` on bool).
public func logicalOr(_ a: Tensor, _ b: Tensor) -> Tensor { logicalBinary("logicalOr", .or, a, b) }
/// Elementwise logical exclusive or (the same as `^` on bool).
public func logicalXor(_ a: Tensor, _ b: Tensor) -> Tensor { logicalBinary("logicalXor", .xor, a, b) }
/// Elementwise logical not; non-bool inputs are compared with zero first.
public func logicalNot(_ x: Tensor) -> Tensor { Lax.unary(.not, asBool(x)) }

/// `op` on the truth values of `a` and `b` (non-zero is true), as NumPy's `logical_*`.
private func logicalBinary(_ operation: String, _ op: BinaryOp, _ a: Tensor, _ b: Tensor) -> Tensor {
    let shape = broadcastShapes(operation, a.shape, b.shape)
    return Lax.binary(op, asBool(a).broadcast(to: shape), asBool(b).broadcast(to: shape))
}

/// `x != 0` as bool (the identity on bool).
func asBool(_ x: Tensor) -> Tensor {
    if x.dtype == .bool { return x }
    let zero = Elementwise.convert(0, to: x.dtype, weak: false).broadcast(to: x.shape)
    return Lax.compare(.ne, x, zero)
}
