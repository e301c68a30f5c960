/// Joining and splitting tensors along an axis.

/// The tensors joined along an existing `axis`; dtypes are promoted as `jnp.concatenate`.
///
/// ```swift
/// concatenate([a, b], axis: 0)
/// ```
public func concatenate(_ xs: [Tensor], axis: Int = 0) -> Tensor {
    guard let first = xs.first else { usageError("concatenate: need at least one tensor to concatenate") }
    if first.rank == 0 { usageError("concatenate: zero-dimensional tensors cannot be concatenated; use stack") }
    let a = normalizeAxis(axis, rank: first.rank, "concatenate")
    for x in xs where x.rank != first.rank {
        usageError("concatenate: all tensors must have the same rank, got shapes \(xs.map { shapeString($0.shape) }.joined(separator: " "))")
    }
    for x in xs {
        for i in 0..<first.rank where i != a && x.shape[i] != first.shape[i] {
            usageError("concatenate: shapes \(xs.map { shapeString($0.shape) }.joined(separator: " ")) differ outside axis \(a)")
        }
    }
    let (dtype, weak) = Elementwise.resultType(xs)
    let converted = xs.map { Elementwise.convert($0, to: dtype, weak: weak)}
    return Lax.concatenate(converted, axis: a)
}

/// The equally shaped tensors stacked along a new `axis`.
///
/// ```swift
/// stack([a, b]).shape   // [2] + a.shape
/// ```
public func stack(_ xs: [Tensor], axis: Int = 0) -> Tensor {
    guard let first = xs.first else { usageError("stack: need at least one tensor to stack") }
    for x in xs where x.shape != first.shape {
        usageError("stack: all input tensors must have the same shape, got \(xs.map { shapeString($0.shape) }.joined(separator: " "))")
    }
    let a = normalizeAxis(axis, rank: first.rank + 1, "stack")
    return concatenate(xs.map { $0.expandedDims(axis: a) }, axis: a)
}

/// `x` split into `count` equal parts along `axis`.
///
/// ```swift
/// split(Tensor.arange(6), count: 3)   // [[0 1], [2 3], [4 5]]
/// ```
public func split(_ x: Tensor, count: Int, axis: Int = 0) -> [Tensor] {
    if x.rank == 0 { usageError("split: a scalar cannot be split") }
    let a = normalizeAxis(axis, rank: x.rank, "split")
    if count <= 0 || x.shape[a] % count != 0 {
        usageError("split: array split does not result in an equal division (axis \(a) of size \(x.shape[a]) into \(count) parts)")
    }
    let size = x.shape[a] / count
    return split(x, indices: (1..<count).map { $0 * size }, axis: a)
}

/// `x` split along `axis` before each of `indices` (NumPy's `split` with a list; indices
/// past the end give empty parts).
///
/// ```swift
/// split(Tensor.arange(6), indices: [2, 5])   // [[0 1], [2 3 4], [5]]
/// ```
public func split(_ x: Tensor, indices: [Int], axis: Int = 0) -> [Tensor] {
    if x.rank == 0 { usageError("split: a scalar cannot be split") }
    let a = normalizeAxis(axis, rank: x.rank, "split")
    let n = x.shape[a]
    let bounds = [0] + indices.map { Swift.min(Swift.max($0 < 0 ? $0 + n : $0, 0), n) } + [n]
    return (0..<(bounds.count - 1)).map { i in
        Lax.sliceInDim(x, axis: a, start: bounds[i], limit: Swift.max(bounds[i], bounds[i + 1]))
    }
}
