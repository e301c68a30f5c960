/// Random numbers from explicit keys, bit-identical to JAX's default PRNG (threefry2x32 with
/// `jax_threefry_partitionable=True`): the same key gives the same numbers as
/// `jax.random` on any backend, and every function traces under `jit` and `vmap`.
///
/// ```swift
/// let key = PRNGKey(0)
/// let (k1, k2) = (Random.split(key)[0], Random.split(key)[1])
/// Random.uniform(k1, shape: [3])            // float32 in [0, 1)
/// Random.normal(k2, shape: [2, 2])
/// ```
public enum Random {
    /// `count` new keys from `key`, shape `[count, 2]` (`jax.random.split`).
    ///
    /// ```swift
    /// let keys = Random.split(PRNGKey(0))      // [[1797259609 2579123966] [ 928981903 3453687069]]
    /// ```
    public static func split(_ key: Tensor, count: Int = 2) -> Tensor {
        Threefry.split(key, count: count)
    }

    /// An array of new keys of `shape`, shape `shape + [2]` (`jax.random.split(key, shape)`).
    ///
    /// ```swift
    /// Random.split(PRNGKey(0), shape: [2, 3]).shape   // [2, 3, 2]
    /// ```
    public static func split(_ key: Tensor, shape: [Int]) -> Tensor {
        Threefry.split(key, shape: shape)
    }

    /// A new key that depends on `key` and `data` (`jax.random.fold_in`); `data` is taken
    /// modulo 2^32.
    public static func foldIn(_ key: Tensor, _ data: Int) -> Tensor {
        Threefry.foldIn(key, Threefry.u32(UInt32(truncatingIfNeeded: data)))
    }

    /// `foldIn` with traced data (an integer scalar tensor, converted to uint32).
    public static func foldIn(_ key: Tensor, _ data: Tensor) -> Tensor {
        guard data.rank == 0, data.dtype.isInteger else {
            usageError("Random.foldIn: data must be an integer scalar, got \(data.type.strong)")
        }
        return Threefry.foldIn(key, Lax.convert(data, to: .uint32))
    }

    /// Uniformly random uint32 bits of `shape` (`jax.random.bits`).
    public static func bits(_ key: Tensor, shape: [Int]) -> Tensor {
        Threefry.bits32(key, shape: shape, "Random.bits")
    }

    /// Uniform floats in `[minval, maxval)` (`jax.random.uniform`): random mantissa bits
    /// with exponent 0 give `[1, 2)`, minus one, scaled and shifted.
    ///
    /// ```swift
    /// Random.uniform(PRNGKey(0), shape: [2], minval: -1, maxval: 1)
    /// ```
    public static func uniform(_ key: Tensor, shape: [Int], dtype: DType = .float32,
                               minval: Double = 0, maxval: Double = 1) -> Tensor {
        Threefry.checkKey(key, "Random.uniform")
        return EagerStaging.generate(key, shape: shape) { s, offset in
            uniformSample(key, shape: s, offset: offset, dtype: dtype, minval: minval, maxval: maxval)
        }
    }

    /// `uniform` for the elements `offset ..< offset + count(shape)` of the flat sample.
    static func uniformSample(_ key: Tensor, shape: [Int], offset: Int, dtype: DType,
                              minval: Double, maxval: Double) -> Tensor {
        let floats = unitFloats(key, shape: shape, offset: offset, dtype: dtype, "Random.uniform")
        let lo = Lax.full(minval, shape: shape, dtype: dtype)
        let span = Lax.binary(.sub, Lax.scalar(maxval, dtype), Lax.scalar(minval, dtype))
        let scaled = multiplyAdd(floats, Lax.broadcast(span, to: shape), lo)
        return Lax.binary(.max, lo, scaled)
    }

    /// Standard normal floats (`jax.random.normal`): `sqrt(2) * erf_inv(u)` for `u` uniform
    /// in `(-1, 1)`, with XLA's float32 `erf_inv` so that float32 (and float16) samples are
    /// bit-identical to JAX's.
    ///
    /// ```swift
    /// Random.normal(PRNGKey(0), shape: [3])    // [ 1.6226422   2.0252647  -0.43359444]
    /// ```
    public static func normal(_ key: Tensor, shape: [Int], dtype: DType = .float32) -> Tensor {
        Threefry.checkKey(key, "Random.normal")
        return EagerStaging.generate(key, shape: shape) { s, offset in normalSample(key, shape: s, offset: offset, dtype: dtype) }
    }

    /// `normal` for the elements `offset ..< offset + count(shape)` of the flat sample.
    static func normalSample(_ key: Tensor, shape: [Int], offset: Int, dtype: DType) -> Tensor {
        let lo: Double
        switch dtype {
        case .float16: lo = Double(Float16(-1).nextUp)
        case .float32: lo = Double(Float(-1).nextUp)
        case .float64: lo = Double(-1).nextUp
        case .bool, .int32, .int64, .uint32:
            usageError("Random.normal: dtype must be a floating-point type, got \(dtype)")
        }
        let u = uniformSample(key, shape: shape, offset: offset, dtype: dtype, minval: lo, maxval: 1)
        let sqrt2 = Lax.full(2.0.squareRoot(), shape: shape, dtype: dtype)
        switch dtype {
        case .float32:
            return Lax.binary(.mul, sqrt2, XLAFloat32.erfInv(u))
        case .float16:
            let e = Lax.convert(XLAFloat32.erfInv(Lax.convert(u, to: .float32)), to: .float16)
            return Lax.binary(.mul, sqrt2, e)
        case .float64, .bool, .int32, .int64, .uint32:
            return Lax.binary(.mul, sqrt2, XLAFloat64.erfInv(u))
        }
    }

    /// Random booleans that are true with probability `p` (`jax.random.bernoulli`):
    /// `uniform(key, shape) < p` in float32.
    public static func bernoulli(_ key: Tensor, p: Double = 0.5, shape: [Int] = []) -> Tensor {
        Threefry.checkKey(key, "Random.bernoulli")
        return Lax.compare(.lt, uniform(key, shape: shape), Lax.full(p, shape: shape, dtype: .float32))
    }

    /// Random booleans with per-element probabilities `p` (a float tensor broadcast to
    /// `shape`, which defaults to `p.shape`).
    public static func bernoulli(_ key: Tensor, p: Tensor, shape: [Int]? = nil) -> Tensor {
        Threefry.checkKey(key, "Random.bernoulli")
        guard p.dtype.isFloatingPoint else {
            usageError("Random.bernoulli: the probability p must have a floating-point dtype, got \(p.dtype)")
        }
        let s = shape ?? p.shape
        return Lax.compare(.lt, uniform(key, shape: s, dtype: p.dtype), Lax.broadcast(Lax.convert(p, to: p.dtype), to: s))
    }

    /// The floats `u - 1` for `u` uniform in `[1, 2)` of `dtype`, from random mantissa bits.
    static func unitFloats(_ key: Tensor, shape: [Int], offset: Int, dtype: DType, _ operation: String) -> Tensor {
        switch dtype {
        case .float32:
            let bits = Threefry.bits32(key, shape: shape, offset: offset, operation)
            let mantissa = Lax.binary(.shiftRightLogical, bits, Lax.broadcast(Threefry.u32(32 - 23), to: shape))
            let one = Lax.binary(.or, mantissa, Lax.broadcast(Threefry.u32(Float(1).bitPattern), to: shape))
            return Lax.binary(.sub, Lax.bitcast(one, to: .float32), Lax.full(1, shape: shape, dtype: .float32))
        case .float64:
            let bits = Threefry.bits64(key, shape: shape, offset: offset, operation)
            let mantissa = Lax.binary(.shiftRightLogical, bits, Lax.full(64 - 52, shape: shape, dtype: .int64))
            let oneBits = Tensor(literal: ScalarLiteral(.int(Int64(bitPattern: Double(1).bitPattern)), dtype: .int64))
            let one = Lax.binary(.or, mantissa, Lax.broadcast(oneBits, to: shape))
            return Lax.binary(.sub, Lax.bitcast(one, to: .float64), Lax.full(1, shape: shape, dtype: .float64))
        case .float16:
            // JAX keeps the low 16 bits and their top 10 as the mantissa; without a 16-bit
            // integer type, m / 1024 is formed exactly in float32 and rounded (exactly) to float16.
            let bits = Threefry.bits32(key, shape: shape, offset: offset, operation)
            let low16 = Lax.binary(.and, bits, Lax.broadcast(Threefry.u32(0xFFFF), to: shape))
            let mantissa = Lax.binary(.shiftRightLogical, low16, Lax.broadcast(Threefry.u32(16 - 10), to: shape))
            let fraction = Lax.binary(.mul, Lax.convert(mantissa, to: .float32), Lax.full(1.0 / 1024, shape: shape, dtype: .float32))
            return Lax.convert(fraction, to: .float16)
        case .bool, .int32, .int64, .uint32:
            usageError("\(operation): dtype must be a floating-point type, got \(dtype)")
        }
    }

    /// `a * b + c`, fused for float32 and float64 as XLA's CPU compiler contracts it.
    static func multiplyAdd(_ a: Tensor, _ b: Tensor, _ c: Tensor) -> Tensor {
        switch a.dtype {
        case .float32: return XLAFloat32.fma(a, b, c)
        case .float64: return FusedMultiplyAdd.errorFree(a, b, c)
        case .float16, .bool, .int32, .int64, .uint32: return Lax.binary(.add, Lax.binary(.mul, a, b), c)
        }
    }
}
