/// Neural-network helpers, as `jax.nn`.
///
/// ```swift
/// NN.softmax(logits, axis: -1)
/// NN.gelu(x, approximate: false)
/// ```
public enum NN {
    /// `max(x, 0)`, with derivative 0 at 0 (as JAX).
    public static func relu(_ x: Tensor) -> Tensor { `where`(x .> 0, x, Tensor.zerosLike(x)) }

    /// The Gaussian error linear unit: `x Φ(x)`, or its tanh approximation (JAX's default).
    public static func gelu(_ x: Tensor, approximate: Bool = true) -> Tensor {
        let x = Special.floating(x)
        if approximate {
            // Constants as tensors of x's dtype: a weak float literal is rounded to float32 first.
            let c = Tensor.fullLike(x, (2 / Double.pi).squareRoot()), k = Tensor.fullLike(x, 0.044715)
            return 0.5 * x * (1 + tanh(c * (x + k * x * x * x)))
        }
        return 0.5 * x * (1 + erf(x * Tensor.fullLike(x, 1 / 2.0.squareRoot())))
    }

    /// `x * sigmoid(x)` (also called swish).
    public static func silu(_ x: Tensor) -> Tensor {
        let x = Special.floating(x)
        return x * sigmoid(x)
    }

    /// `log(1 + exp(x))`, computed as `max(x, 0) + log1p(exp(-|x|))` so it never overflows.
    public static func softplus(_ x: Tensor) -> Tensor {
        let x = Special.floating(x)
        return relu(x) + log1p(exp(-abs(x)))
    }

    /// `exp(x) / sum(exp(x))` along `axis`, shifted by the (non-differentiated) maximum.
    public static func softmax(_ x: Tensor, axis: Int = -1) -> Tensor {
        let x = Special.floating(x), a = normalizedAxis(axis, x.rank, "softmax")
        let e = exp(x - shift(x, a))
        return e / e.sum(axes: [a], keepDims: true)
    }

    /// `x - logsumexp(x)` along `axis`, computed from the shifted values.
    public static func logSoftmax(_ x: Tensor, axis: Int = -1) -> Tensor {
        let x = Special.floating(x), a = normalizedAxis(axis, x.rank, "logSoftmax")
        let shifted = x - shift(x, a)
        return shifted - log(exp(shifted).sum(axes: [a], keepDims: true))
    }

    /// One-hot encoding: a new last axis of `numClasses`, 1 where it equals `x` (out-of-range
    /// indices give all zeros).
    public static func oneHot(_ x: Tensor, numClasses: Int, dtype: DType = .float32) -> Tensor {
        if x.dtype.isFloatingPoint || x.dtype == .bool {
            usageError("oneHot: expects integer class indices, got \(x.dtype)")
        }
        let shape = x.shape + [numClasses]
        let classes = Lax.iota(x.dtype, shape: shape, dimension: x.rank)
        let labels = Lax.broadcastInDim(x, shape: shape, dims: Array(0..<x.rank))
        return Lax.convert(Lax.compare(.eq, labels, classes), to: dtype)
    }

    /// The maximum along `axis` (kept), finite, without gradient: the softmax shift.
    private static func shift(_ x: Tensor, _ axis: Int) -> Tensor {
        let m = x.max(axes: [axis], keepDims: true)
        return stopGradient(`where`(isFinite(m), m, Tensor.zerosLike(m)))
    }

    private static func normalizedAxis(_ axis: Int, _ rank: Int, _ name: String) -> Int {
        guard let a = BatchAxis.normalize(axis, rank: rank) else {
            usageError("\(name): axis \(axis) is out of bounds for a tensor of rank \(rank)")
        }
        return a
    }
}
