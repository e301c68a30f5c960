/// Jacobians and Hessians of functions from a tensor to a tensor. The result has shape
/// `output.shape + input.shape`, as JAX's.
///
/// `jacfwd` pushes one tangent per input element (forward mode: good for few inputs),
/// `jacrev` pulls one cotangent per output element through a single recorded tape
/// (reverse mode: good for few outputs); `hessian` is `jacfwd(jacrev(f))`.

/// The rows of the identity matrix of size `n` in `dtype`, as a list of flat basis vectors.
private func basisVectors(_ n: Int, dtype: DType) -> [Tensor] {
    guard n > 0 else { return [] }
    let eye = Lax.convert(Lax.compare(.eq, Lax.iota(.int32, shape: [n, n], dimension: 0),
                                      Lax.iota(.int32, shape: [n, n], dimension: 1)), to: dtype)
    return (0..<n).map { Lax.indexInDim(eye, axis: 0, index: $0) }
}

private func checkFloatInput(_ x: Tensor, _ name: String) {
    if !x.dtype.isFloatingPoint {
        usageError("\(name) requires real-valued inputs (a floating-point dtype), but got \(x.type)")
    }
}

/// The Jacobian by forward mode: `jacfwd(f)(x)[i..., j...] = d f(x)[i...] / d x[j...]`.
///
/// ```swift
/// jacfwd({ sin($0) })(x)   // diagonal matrix of cos(x)
/// ```
public func jacfwd(_ f: @escaping @Sendable (Tensor) -> Tensor) -> @Sendable (Tensor) -> Tensor {
    { x in
        checkFloatInput(x, "jacfwd")
        let n = x.count
        var columns: [Tensor] = []
        var outType: ShapedType?
        for e in basisVectors(n, dtype: x.dtype) {
            let (y, dy) = jvp(f, primals: x, tangents: Lax.reshape(e, x.shape))
            outType = y.type
            columns.append(Lax.reshape(dy, [dy.count]))
        }
        guard let outType else {
            let y = f(x)
            return AutodiffValues.zeros(ShapedType(y.shape + x.shape, y.dtype))
        }
        let m = outType.count
        return Lax.reshape(Lax.stack(columns, axis: 1), outType.shape + x.shape).withShapeCheck(m * n)
    }
}

/// The Jacobian by reverse mode (one pullback per output element).
///
/// ```swift
/// jacrev({ $0 * $0 })(x)   // diagonal matrix of 2x
/// ```
public func jacrev(_ f: @escaping @Sendable (Tensor) -> Tensor) -> @Sendable (Tensor) -> Tensor {
    { x in
        checkFloatInput(x, "jacrev")
        let (y, pullback) = vjp(f, x)
        if !y.dtype.isFloatingPoint { usageError("jacrev requires real-valued outputs, got \(y.type)") }
        let rows = basisVectors(y.count, dtype: y.dtype).map { e in
            Lax.reshape(pullback(Lax.reshape(e, y.shape)), [x.count])
        }
        if rows.isEmpty { return AutodiffValues.zeros(ShapedType(y.shape + x.shape, y.dtype)) }
        return Lax.reshape(Lax.stack(rows, axis: 0), y.shape + x.shape)
    }
}

/// The Hessian of a function (the Jacobian of its gradient), `jacfwd(jacrev(f))`.
///
/// ```swift
/// hessian({ ($0 * $0 * $0).sum() })(x)   // diagonal matrix of 6x
/// ```
public func hessian(_ f: @escaping @Sendable (Tensor) -> Tensor) -> @Sendable (Tensor) -> Tensor {
    jacfwd(jacrev(f))
}

extension Tensor {
    fileprivate func withShapeCheck(_ count: Int) -> Tensor {
        precondition(self.count == count, "internal error: Jacobian has \(self.count) elements, expected \(count)")
        return self
    }
}
