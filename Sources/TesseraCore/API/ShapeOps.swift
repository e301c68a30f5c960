/// Shape manipulation: reshape, transpose, squeeze, expand, flatten and dtype conversion.
/// None of them copies on the host; each is one primitive (or none when it is the identity).
extension Tensor {
    /// The elements in row-major order with a new shape; one entry may be -1 (inferred).
    ///
    /// ```swift
    /// Tensor.arange(6).reshaped([2, -1]).shape   // [2, 3]
    /// ```
    public func reshaped(_ newShape: [Int]) -> Tensor {
        let unknown = newShape.indices.filter { newShape[$0] == -1 }
        if unknown.count > 1 { usageError("reshaped: can only specify one unknown dimension (-1), got \(shapeString(newShape))") }
        if newShape.contains(where: { $0 < -1 }) { usageError("reshaped: invalid dimension in \(shapeString(newShape))") }
        var resolved = newShape
        if let u = unknown.first {
            let known = newShape.enumerated().filter { $0.offset != u }.reduce(1) { $0 * $1.element }
            if known == 0 || count % known != 0 {
                usageError("reshaped: cannot reshape array of shape \(shapeString(shape)) (\(count) elements) into shape \(shapeString(newShape))")
            }
            resolved[u] = count / known
        }
        if resolved.reduce(1, *) != count {
            usageError("reshaped: cannot reshape array of shape \(shapeString(shape)) (\(count) elements) into shape \(shapeString(newShape))")
        }
        return Lax.reshape(self, resolved)
    }

    /// The axes permuted: output axis `i` is input axis `perm[i]`; nil reverses the axes.
    /// Negative entries count from the end.
    ///
    /// ```swift
    /// x.transposed([0, 2, 1])
    /// ```
    public func transposed(_ perm: [Int]? = nil) -> Tensor {
        let p = (perm ?? Array((0..<rank).reversed())).map { normalizeAxis($0, rank: rank, "transposed") }
        if p.count != rank || Set(p).count != rank {
            usageError("transposed: \(perm ?? []) is not a permutation of the \(rank) axes")
        }
        return Lax.transpose(self, p)
    }

    /// The transpose (axes reversed), as NumPy's `.T`.
    public var T: Tensor { transposed() }

    /// The tensor without axes of size 1 (only `axes` when given, which must have size 1).
    ///
    /// ```swift
    /// Tensor.zeros([1, 3, 1]).squeezed().shape   // [3]
    /// ```
    public func squeezed(axes: [Int]? = nil) -> Tensor {
        let drop: [Int]
        if let axes {
            drop = normalizeAxes(axes, rank: rank, "squeezed")
            for a in drop where shape[a] != 1 {
                usageError("squeezed: cannot select an axis to squeeze out which has size not equal to one (axis \(a) has size \(shape[a]))")
            }
        } else {
            drop = shape.indices.filter { shape[$0] == 1 }
        }
        return Lax.reshape(self, shape.enumerated().filter { !drop.contains($0.offset) }.map(\.element))
    }

    /// A new axis of size 1 inserted at `axis` (`-1` appends at the end).
    ///
    /// ```swift
    /// Tensor.zeros([3]).expandedDims(axis: 0).shape   // [1, 3]
    /// ```
    public func expandedDims(axis: Int) -> Tensor {
        let a = normalizeAxis(axis, rank: rank + 1, "expandedDims")
        var s = shape
        s.insert(1, at: a)
        return Lax.reshape(self, s)
    }

    /// The elements as a 1-D tensor in row-major order.
    public func flattened() -> Tensor { Lax.reshape(self, [count]) }

    /// The elements converted to `dtype` (C-like: float to int truncates toward zero); the
    /// result is strongly typed.
    ///
    /// ```swift
    /// a.asType(.float64)
    /// ```
    public func asType(_ dtype: DType) -> Tensor { Elementwise.convert(self, to: dtype, weak: false) }
}
