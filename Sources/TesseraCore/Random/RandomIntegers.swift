import Foundation

extension Random {
    /// Random integers in `[minval, maxval)` of `dtype` (int32 or uint32), as
    /// `jax.random.randint`: two 32-bit draws combined as `(hi mod span) * (2^32 mod span) +
    /// (lo mod span)` reduced modulo the span, which keeps the bias small for any span.
    ///
    /// ```swift
    /// Random.randint(PRNGKey(0), shape: [5], minval: 0, maxval: 10)
    /// ```
    /// Bounds are clipped to the dtype's range; `maxval <= minval` gives `minval`.
    public static func randint(_ key: Tensor, shape: [Int], minval: Int, maxval: Int,
                               dtype: DType = .int32) -> Tensor {
        Threefry.checkKey(key, "Random.randint")
        let range: ClosedRange<Int>
        switch dtype {
        case .int32: range = Int(Int32.min)...Int(Int32.max)
        case .uint32: range = 0...Int(UInt32.max)
        case .int64:
            usageError("Random.randint: dtype int64 needs 64-bit unsigned arithmetic, which Tessera's dtypes lack; use int32 or uint32")
        case .bool, .float16, .float32, .float64:
            usageError("Random.randint: dtype must be an integer type, got \(dtype)")
        }
        let clip = { (v: Int) in Swift.min(Swift.max(v, range.lowerBound), range.upperBound) }
        let lo = clip(minval), hi = clip(maxval)
        let maxvalOutOfRange = maxval > range.upperBound
        // span = (hi - lo) in the dtype's wrapping arithmetic, as uint32.
        var span = UInt32(truncatingIfNeeded: hi &- lo)
        if hi <= lo { span = 1 }
        if maxvalOutOfRange && hi > lo { span = span &+ 1 }

        let keys = split(key, count: 2)
        let higher = bits(Lax.indexInDim(keys, axis: 0, index: 0), shape: shape)
        let lower = bits(Lax.indexInDim(keys, axis: 0, index: 1), shape: shape)
        let spanT = Lax.broadcast(Threefry.u32(span), to: shape)
        // multiplier = 2^32 mod span, computed without overflow as ((2^16 mod span)^2) mod span.
        let m16 = span == 0 ? UInt32(1 << 16) : UInt32(1 << 16) % span
        let multiplier = span == 0 ? m16 &* m16 : (m16 &* m16) % span
        let rem = { (x: Tensor) in Lax.binary(.rem, x, spanT) }
        var offset = Lax.binary(.add, Lax.binary(.mul, rem(higher), Lax.broadcast(Threefry.u32(multiplier), to: shape)),
                                rem(lower))
        offset = rem(offset)
        let base = Tensor(literal: ScalarLiteral(.int(Int64(lo)), dtype: dtype))
        return Lax.binary(.add, Lax.broadcast(base, to: shape), Lax.convert(offset, to: dtype))
    }

    /// A random permutation of `0..<n` as int32 (`jax.random.permutation(key, n)`).
    ///
    /// ```swift
    /// Random.permutation(PRNGKey(0), 5)
    /// ```
    public static func permutation(_ key: Tensor, _ n: Int) -> Tensor {
        if n < 0 { usageError("Random.permutation: n must be non-negative, got \(n)") }
        return shuffleLeadingAxis(key, Lax.iota(.int32, shape: [n]))
    }

    /// `x` with its leading axis randomly permuted (`jax.random.permutation(key, x)`).
    public static func permutation(_ key: Tensor, _ x: Tensor) -> Tensor {
        if x.rank == 0 { usageError("Random.permutation: x must have at least one axis, got a scalar \(x.type.strong)") }
        return shuffleLeadingAxis(key, x)
    }

    /// JAX's `_shuffle`: sorts by fresh random 32-bit keys, for enough rounds (3 ln n /
    /// ln(2^32 - 1), rounded up) that key collisions are unlikely to bias the result.
    static func shuffleLeadingAxis(_ key: Tensor, _ x: Tensor) -> Tensor {
        Threefry.checkKey(key, "Random.permutation")
        let n = x.shape[0]
        let rounds = Int((3 * Foundation.log(Double(Swift.max(1, n))) / Foundation.log(Double(UInt32.max))).rounded(.up))
        var key = key, x = x
        for _ in 0..<rounds {
            let keys = split(key, count: 2)
            key = Lax.indexInDim(keys, axis: 0, index: 0)
            let sortKeys = bits(Lax.indexInDim(keys, axis: 0, index: 1), shape: x.rank == 1 ? x.shape : [n])
            let broadcastKeys = Lax.broadcastInDim(sortKeys, shape: x.shape, dims: [0])
            x = Lax.sort([broadcastKeys, x], dimension: 0, isStable: true, numKeys: 1)[1]
        }
        return x
    }
}
