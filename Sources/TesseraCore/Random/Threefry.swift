/// The building blocks of JAX's default PRNG (`threefry2x32` with
/// `jax_threefry_partitionable=True`), written on Lax primitives so that they trace under
/// `jit` and `vmap` like any other operation.
enum Threefry {
    /// A uint32 scalar literal.
    static func u32(_ v: UInt32) -> Tensor { Tensor(literal: ScalarLiteral(.uint(UInt64(v)), dtype: .uint32)) }

    /// Stops unless `key` is a raw threefry key (uint32[2]).
    static func checkKey(_ key: Tensor, _ operation: String) {
        guard key.shape == [2], key.dtype == .uint32 else {
            usageError("\(operation): expected a PRNG key of type u32[2] (from PRNGKey, Random.split or Random.foldIn), got \(key.type.strong); index a split result (keys[0]) to get one key")
        }
    }

    /// Checks that `key` is a raw threefry key (uint32[2]) and returns its two words as scalars.
    static func words(_ key: Tensor, _ operation: String) -> (Tensor, Tensor) {
        checkKey(key, operation)
        return (Lax.reshape(Lax.sliceInDim(key, axis: 0, start: 0, limit: 1), []),
                Lax.reshape(Lax.sliceInDim(key, axis: 0, start: 1, limit: 2), []))
    }

    /// JAX's `iota_2x32_shape`: the high and low 32-bit words of the row-major index of each
    /// element of `shape` (the high words are zero below 2^32 elements). With `offset`, the
    /// indices start there (a chunk of a larger flat array).
    static func iota2x32(_ shape: [Int], offset: Int = 0, _ operation: String) -> (Tensor, Tensor) {
        let n = shape.reduce(1, *)
        if offset + n >= 1 << 32 { usageError("\(operation): shapes of 2^32 or more elements are not supported, got \(shapeString(shape))") }
        let hi = Lax.full(0, shape: shape, dtype: .uint32)
        if shape.isEmpty { return (hi, Lax.full(Double(offset), shape: [], dtype: .uint32)) }
        var lo = Lax.iota(.uint32, shape: [n])
        if offset > 0 { lo = Lax.binary(.add, lo, Lax.broadcast(u32(UInt32(offset)), to: [n])) }
        return (hi, Lax.reshape(lo, shape))
    }

    /// The two threefry output words for every element of `shape` under `key`: the hash of
    /// the element's index plus `offset` (JAX's partitionable `random_bits` and `split`).
    static func hashIndices(_ key: Tensor, shape: [Int], offset: Int = 0, _ operation: String) -> (Tensor, Tensor) {
        let (k0, k1) = words(key, operation)
        let (c0, c1) = iota2x32(shape, offset: offset, operation)
        return Lax.threefry2x32(Lax.broadcast(k0, to: shape), Lax.broadcast(k1, to: shape), c0, c1)
    }

    /// 32 random bits per element: the xor of the two threefry words.
    static func bits32(_ key: Tensor, shape: [Int], offset: Int = 0, _ operation: String) -> Tensor {
        let (b0, b1) = hashIndices(key, shape: shape, offset: offset, operation)
        return Lax.binary(.xor, b0, b1)
    }

    /// 64 random bits per element as int64 bit patterns: high word from the first threefry
    /// output, low word from the second (JAX's 64-bit `random_bits`).
    static func bits64(_ key: Tensor, shape: [Int], offset: Int = 0, _ operation: String) -> Tensor {
        let (b0, b1) = hashIndices(key, shape: shape, offset: offset, operation)
        let hi = Lax.binary(.shiftLeft, Lax.convert(b0, to: .int64), Lax.full(32, shape: shape, dtype: .int64))
        return Lax.binary(.or, hi, Lax.convert(b1, to: .int64))
    }

    /// Keys split from `key`, shape `shape + [2]` (JAX's `_threefry_split_foldlike`).
    static func split(_ key: Tensor, shape: [Int]) -> Tensor {
        if let bad = shape.first(where: { $0 < 0 }) { usageError("Random.split: counts must be non-negative, got \(bad)") }
        let (b0, b1) = hashIndices(key, shape: shape, "Random.split")
        let last = shape.count
        return Lax.concatenate([Lax.expandDims(b0, axis: last), Lax.expandDims(b1, axis: last)], axis: last)
    }

    /// `count` keys split from `key`, shape `[count, 2]`.
    static func split(_ key: Tensor, count: Int) -> Tensor { split(key, shape: [count]) }

    /// JAX's `threefry_fold_in`: the threefry hash of the counter pair `[0, data]`.
    static func foldIn(_ key: Tensor, _ data: Tensor) -> Tensor {
        let (k0, k1) = words(key, "Random.foldIn")
        let (y0, y1) = Lax.threefry2x32(Lax.reshape(k0, [1]), Lax.reshape(k1, [1]),
                                        Lax.reshape(u32(0), [1]), Lax.reshape(data, [1]))
        return Lax.concatenate([y0, y1], axis: 0)
    }
}
