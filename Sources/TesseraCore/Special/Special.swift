/// Special functions, as `jax.scipy.special`.
///
/// ```swift
/// Special.logsumexp(x, axes: [1])     // log Σ exp(x) along axis 1, without overflow
/// ```
public enum Special {
    /// `log(sum(exp(x)))` over `axes` (all when nil), computed stably by shifting by the
    /// maximum, with JAX's custom derivative (the softmax), so `-inf` entries get zero
    /// gradient instead of NaN.
    public static func logsumexp(_ x: Tensor, axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let x = floating(x)
        let all = Array(0..<x.rank)
        let reduced = (axes ?? all).map { $0 < 0 ? $0 + x.rank : $0 }
        if reduced.contains(where: { $0 < 0 || $0 >= x.rank }) {
            usageError("logsumexp: axes \(axes ?? []) out of bounds for a tensor of rank \(x.rank)")
        }
        let f = customJVP({ (x: Tensor) -> Tensor in
            stableLogSumExp(x, axes: reduced, keepDims: keepDims)
        }, jvp: { (x: Tensor, t: Tensor) -> (Tensor, Tensor) in
            let kept = stableLogSumExp(x, axes: reduced, keepDims: true)
            let weights = exp(x - kept)
            let out = keepDims ? kept : kept.squeezed(axes: reduced)
            return (out, (weights * t).sum(axes: reduced, keepDims: keepDims))
        })
        return f(x)
    }

    /// `max + log(sum(exp(x - max)))`, with an infinite maximum treated as 0 in the shift.
    static func stableLogSumExp(_ x: Tensor, axes: [Int], keepDims: Bool) -> Tensor {
        let m = x.max(axes: axes, keepDims: true)
        let shift = stopGradient(`where`(isFinite(m), m, Tensor.zerosLike(m)))
        let out = log(exp(x - shift).sum(axes: axes, keepDims: true)) + shift
        return keepDims ? out : out.squeezed(axes: axes)
    }

    /// `log |Γ(x)|`.
    public static func gammaln(_ x: Tensor) -> Tensor { Lax.unary(.lgamma, floating(x)) }

    /// The digamma function `ψ(x) = d/dx log Γ(x)`.
    public static func digamma(_ x: Tensor) -> Tensor { Lax.unary(.digamma, floating(x)) }

    /// The inverse error function on (-1, 1).
    public static func erfinv(_ x: Tensor) -> Tensor { Lax.unary(.erfInv, floating(x)) }

    /// `x * log(y)`, defined as 0 where `x == 0` (also when `y == 0`).
    public static func xlogy(_ x: Tensor, _ y: Tensor) -> Tensor {
        xTimes(x, y, log, derivative: { 1 / $0 })
    }

    /// `x * log1p(y)`, defined as 0 where `x == 0`.
    public static func xlog1py(_ x: Tensor, _ y: Tensor) -> Tensor {
        xTimes(x, y, log1p, derivative: { 1 / (1 + $0) })
    }

    /// The log-odds `log(p / (1 - p))`.
    public static func logit(_ p: Tensor) -> Tensor {
        let p = floating(p)
        return log(p / (1 - p))
    }

    /// The logistic sigmoid `1 / (1 + exp(-x))`, inverse of `logit`.
    public static func expit(_ x: Tensor) -> Tensor { sigmoid(floating(x)) }

    /// `x * g(y)` with 0 where `x == 0`, and JAX's derivative `(ẋ g(y) + ẏ x g'(y))`.
    private static func xTimes(_ x: Tensor, _ y: Tensor, _ g: @escaping @Sendable (Tensor) -> Tensor,
                               derivative: @escaping @Sendable (Tensor) -> Tensor) -> Tensor {
        let (x, y) = promotedFloating(x, y)
        let f = customJVP({ (xy: [Tensor]) -> Tensor in
            let (x, y) = (xy[0], xy[1])
            return `where`(x .== 0, Tensor.zerosLike(x), x * g(y))
        }, jvp: { (xy: [Tensor], t: [Tensor]) -> (Tensor, Tensor) in
            let (x, y) = (xy[0], xy[1])
            let out = `where`(x .== 0, Tensor.zerosLike(x), x * g(y))
            return (out, t[0] * g(y) + t[1] * x * derivative(y))
        })
        return f([x, y])
    }

    /// `x` converted to float32 when it is not floating point (as JAX's inexact promotion).
    static func floating(_ x: Tensor) -> Tensor { x.dtype.isFloatingPoint ? x : x.asType(.float32) }

    /// Both operands broadcast and promoted to one floating-point dtype.
    static func promotedFloating(_ x: Tensor, _ y: Tensor) -> (Tensor, Tensor) {
        var (dtype, _) = promoteTypes(x.dtype, weak: x.isWeaklyTyped, y.dtype, weak: y.isWeaklyTyped)
        if !dtype.isFloatingPoint { dtype = .float32 }
        let a = x.asType(dtype), b = y.asType(dtype)
        let shape = broadcastShapes("xlogy", a.shape, b.shape)
        return (a.broadcast(to: shape), b.broadcast(to: shape))
    }
}
