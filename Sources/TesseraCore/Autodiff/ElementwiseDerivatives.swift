import Foundation

/// Derivatives of the elementwise primitives, shared by the JVP and VJP rules.
///
/// Each function multiplies a tangent (or cotangent) `t` elementwise by a partial
/// derivative; an elementwise map is its own transpose, so the same code serves both
/// modes. `nil` means the derivative is zero (as JAX: sign, floor, ceil, round, the
/// comparisons and the integer/bitwise ops).
enum ElementwiseDerivatives {
    /// A scalar of `like`'s dtype broadcast to its shape.
    static func constant(_ value: Double, like x: Tensor) -> Tensor {
        Lax.full(value, shape: x.shape, dtype: x.dtype)
    }
    /// `a * b`, folded on the host when an operand is a scalar literal 1 or both are
    /// literals (the seed cotangent of `grad` is a literal 1, so this saves device ops).
    static func mul(_ a: Tensor, _ b: Tensor) -> Tensor {
        if let la = a.literalValue, let lb = b.literalValue, la.dtype.isFloatingPoint, la.dtype == lb.dtype {
            return Tensor(literal: ScalarLiteral(.float(la.doubleValue * lb.doubleValue), dtype: la.dtype,
                                                 weak: la.type.weakType && lb.type.weakType))
        }
        if let la = a.literalValue, la.doubleValue == 1, la.dtype == b.dtype, !la.type.weakType || b.isWeaklyTyped { return b }
        if let lb = b.literalValue, lb.doubleValue == 1, lb.dtype == a.dtype, !lb.type.weakType || a.isWeaklyTyped { return a }
        return Lax.binary(.mul, a, b)
    }
    static func add(_ a: Tensor, _ b: Tensor) -> Tensor { Lax.binary(.add, a, b) }
    static func sub(_ a: Tensor, _ b: Tensor) -> Tensor { Lax.binary(.sub, a, b) }
    static func div(_ a: Tensor, _ b: Tensor) -> Tensor { Lax.binary(.div, a, b) }
    /// `-a`, folded on the host for a floating-point literal.
    static func neg(_ a: Tensor) -> Tensor {
        if let l = a.literalValue, l.dtype.isFloatingPoint {
            return Tensor(literal: ScalarLiteral(.float(-l.doubleValue), dtype: l.dtype, weak: l.type.weakType))
        }
        return Lax.unary(.neg, a)
    }
    static func scale(_ a: Tensor, _ c: Double) -> Tensor { mul(a, constant(c, like: a)) }

    /// `t * d op(x)/dx` where `y = op(x)`.
    static func unary(_ op: UnaryOp, x: Tensor, y: Tensor, t: Tensor) -> Tensor? {
        guard x.dtype.isFloatingPoint else { return nil }
        switch op {
        case .neg: return neg(t)
        case .abs:
            return Lax.select(Lax.compare(.ge, x, constant(0, like: x)), onTrue: t, onFalse: neg(t))
        case .sign, .floor, .ceil, .round, .not, .isFinite:
            return nil
        case .exp: return mul(t, y)
        case .exp2: return mul(t, scale(y, M_LN2))
        case .log: return div(t, x)
        case .log1p: return div(t, add(x, constant(1, like: x)))
        case .expm1: return mul(t, add(y, constant(1, like: y)))
        case .sin: return mul(t, Lax.unary(.cos, x))
        case .cos: return neg(mul(t, Lax.unary(.sin, x)))
        case .tan: return mul(t, add(constant(1, like: y), mul(y, y)))
        case .tanh: return mul(t, sub(constant(1, like: y), mul(y, y)))
        case .logistic: return mul(t, mul(y, sub(constant(1, like: y), y)))
        case .sqrt: return div(t, scale(y, 2))
        case .rsqrt: return mul(t, scale(div(y, x), -0.5))
        case .erf: return mul(t, scale(Lax.unary(.exp, neg(mul(x, x))), 2 / Double.pi.squareRoot()))
        case .erfInv: return mul(t, scale(Lax.unary(.exp, mul(y, y)), Double.pi.squareRoot() / 2))
        case .lgamma: return mul(t, Lax.unary(.digamma, x))
        case .digamma: return mul(t, trigamma(x))
        }
    }

    /// `(t * d op/dx, t * d op/dy)` for `out = op(x, y)`; each side is computed only when
    /// asked for.
    static func binary(_ op: BinaryOp, x: Tensor, y: Tensor, out: Tensor, tx: Tensor?, ty: Tensor?) -> (Tensor?, Tensor?) {
        guard x.dtype.isFloatingPoint else { return (nil, nil) }
        switch op {
        case .add: return (tx, ty)
        case .sub: return (tx, ty.map(neg))
        case .mul: return (tx.map { mul($0, y) }, ty.map { mul(x, $0) })
        case .div:
            return (tx.map { div($0, y) }, ty.map { neg(mul($0, div(out, y))) })
        case .rem:
            // d/dy rem(x, y) = -trunc(x / y), as JAX: -sign(x/y) * floor(|x/y|).
            return (tx, ty.map { t in
                let q = div(x, y)
                return neg(mul(t, mul(Lax.unary(.sign, q), Lax.unary(.floor, Lax.unary(.abs, q)))))
            })
        case .pow:
            let dx = tx.map { t -> Tensor in
                let zero = constant(0, like: y)
                let jac = mul(y, Lax.binary(.pow, x, sub(y, constant(1, like: y))))
                return mul(t, Lax.select(Lax.compare(.eq, y, zero), onTrue: zero, onFalse: jac))
            }
            let dy = ty.map { t -> Tensor in
                let safeX = Lax.select(Lax.compare(.eq, x, constant(0, like: x)), onTrue: constant(1, like: x), onFalse: x)
                return mul(t, mul(Lax.unary(.log, safeX), out))
            }
            return (dx, dy)
        case .max, .min:
            // Ties split the derivative equally between the operands, as JAX's balanced_eq.
            return (tx.map { mul($0, balancedEq(x, out, y)) }, ty.map { mul($0, balancedEq(y, out, x)) })
        case .atan2:
            let denom = add(mul(x, x), mul(y, y))
            return (tx.map { mul($0, div(y, denom)) }, ty.map { neg(mul($0, div(x, denom))) })
        case .and, .or, .xor, .shiftLeft, .shiftRightLogical, .shiftRightArithmetic:
            return (nil, nil)
        }
    }

    /// 1 where `x == z` and `y != z`, 0.5 where both equal `z`, 0 elsewhere.
    static func balancedEq(_ x: Tensor, _ z: Tensor, _ y: Tensor) -> Tensor {
        let one = constant(1, like: x), half = constant(0.5, like: x), zero = constant(0, like: x)
        let yEq = Lax.select(Lax.compare(.eq, y, z), onTrue: half, onFalse: one)
        return Lax.select(Lax.compare(.eq, x, z), onTrue: yEq, onFalse: zero)
    }

    /// The trigamma function ψ₁(x) = d digamma/dx, composed of Lax ops: the recurrence
    /// ψ₁(x) = 1/x² + ψ₁(x+1) shifts the argument to x+6, where the asymptotic series
    /// 1/z + 1/(2z²) + 1/(6z³) − 1/(30z⁵) + 1/(42z⁷) − 1/(30z⁹) is accurate to about 1e-11
    /// relative; negative arguments use the reflection ψ₁(1−x) + ψ₁(x) = π²/sin²(πx).
    static func trigamma(_ x: Tensor) -> Tensor {
        let reflect = Lax.compare(.lt, x, constant(0.5, like: x))
        let xr = Lax.select(reflect, onTrue: sub(constant(1, like: x), x), onFalse: x)
        var sum = constant(0, like: x)
        var z = xr
        for _ in 0..<6 {
            sum = add(sum, div(constant(1, like: x), mul(z, z)))
            z = add(z, constant(1, like: x))
        }
        let inv = div(constant(1, like: z), z)
        let inv2 = mul(inv, inv)
        // Horner form of the series in 1/z² after the leading terms.
        var series = constant(-1.0 / 30, like: z)
        series = add(mul(series, inv2), constant(1.0 / 42, like: z))
        series = add(mul(series, inv2), constant(-1.0 / 30, like: z))
        series = add(mul(series, inv2), constant(1.0 / 6, like: z))
        let tail = add(add(inv, scale(inv2, 0.5)), mul(mul(series, inv2), inv))
        let positive = add(sum, tail)
        let s = Lax.unary(.sin, scale(x, Double.pi))
        let reflected = sub(div(constant(Double.pi * Double.pi, like: x), mul(s, s)), positive)
        return Lax.select(reflect, onTrue: reflected, onFalse: positive)
    }
}
