/// A PRNG key for `seed`: a uint32[2] tensor, bit-identical to JAX's default
/// `jax.random.PRNGKey(seed)` (threefry2x32, 64-bit mode off).
///
/// ```swift
/// let key = PRNGKey(0)                     // [0 0]
/// Random.normal(key, shape: [3])           // [ 1.6226422   2.0252647  -0.43359444]
/// ```
/// As in JAX with `jax_enable_x64` off, the seed is reduced to its low 32 bits (so
/// `PRNGKey(-1)` is `[0 4294967295]`); use `PRNGKey(seed64:)` for JAX's 64-bit mode.
public func PRNGKey(_ seed: Int) -> Tensor {
    Tensor([0, UInt32(truncatingIfNeeded: seed)] as [UInt32], shape: [2])
}

/// A PRNG key for a 64-bit `seed` as JAX makes it with `jax_enable_x64` on: the high and
/// low 32-bit words of the seed.
///
/// ```swift
/// PRNGKey(seed64: -1)   // [4294967295 4294967295]
/// ```
public func PRNGKey(seed64 seed: Int64) -> Tensor {
    let bits = UInt64(bitPattern: seed)
    return Tensor([UInt32(truncatingIfNeeded: bits >> 32), UInt32(truncatingIfNeeded: bits)] as [UInt32], shape: [2])
}

/// A PRNG key from an integer seed tensor (traceable: the seed may be a tracer under `jit`).
/// An int32 or uint32 seed gives `[0, seed bits]`; an int64 seed gives its high and low words.
public func PRNGKey(_ seed: Tensor) -> Tensor {
    guard seed.rank == 0, seed.dtype.isInteger else {
        usageError("PRNGKey: the seed must be an integer scalar, got \(seed.type.strong)")
    }
    let k0: Tensor, k1: Tensor
    switch seed.dtype {
    case .int64:
        let hi = Lax.binary(.shiftRightLogical, seed, Tensor(Int64(32)))
        let lo = Lax.binary(.and, seed, Tensor(Int64(0xFFFF_FFFF)))
        k0 = Lax.convert(hi, to: .uint32)
        k1 = Lax.convert(lo, to: .uint32)
    case .int32, .uint32, .bool, .float16, .float32, .float64:
        k0 = Lax.full(0, shape: [], dtype: .uint32)
        k1 = Lax.convert(seed, to: .uint32)
    }
    return Lax.concatenate([Lax.reshape(k0, [1]), Lax.reshape(k1, [1])], axis: 0)
}
