/// Jacobians and Hessians of functions from a tensor to a tensor. The result has shape
/// `output.shape + input.shape`, as JAX's.
///
/// `jacfwd` pushes the basis of input tangents (forward mode: good for few inputs),
/// `jacrev` pulls the basis of output cotangents through one recorded tape (reverse mode:
/// good for few outputs), each batched with `vmap`; `hessian` is `jacfwd(jacrev(f))`.

/// The identity matrix of size `n` in `dtype`, its rows reshaped to `shape` (`[n] + shape`):
/// the basis of tangents (or cotangents) pushed through in one batched pass.
private func basis(_ n: Int, shape: [Int], dtype: DType) -> Tensor {
    let eye = Lax.convert(Lax.compare(.eq, Lax.iota(.int32, shape: [n, n], dimension: 0),
                                      Lax.iota(.int32, shape: [n, n], dimension: 1)), to: dtype)
    return Lax.reshape(eye, [n] + shape)
}

private func checkFloatInput(_ x: Tensor, _ name: String) {
    if !x.dtype.isFloatingPoint {
        usageError("\(name) requires real-valued inputs (a floating-point dtype), but got \(x.type)")
    }
}

/// The Jacobian by forward mode: `jacfwd(f)(x)[i..., j...] = d f(x)[i...] / d x[j...]`,
/// as `vmap` of `jvp` over the basis of tangents (one batched forward pass, as JAX's).
///
/// ```swift
/// jacfwd({ sin($0) })(x)   // diagonal matrix of cos(x)
/// ```
public func jacfwd(_ f: @escaping @Sendable (Tensor) -> Tensor) -> @Sendable (Tensor) -> Tensor {
    { x in
        checkFloatInput(x, "jacfwd")
        let n = x.count
        if n == 0 {
            let y = f(x)
            return AutodiffValues.zeros(ShapedType(y.shape + x.shape, y.dtype))
        }
        let pushforward: @Sendable (Tensor) -> Tensor = { t in jvp(f, primals: x, tangents: t).1 }
        let columns = vmap(pushforward, inAxes: [0], outAxes: 0)(basis(n, shape: x.shape, dtype: x.dtype))
        let outShape = Array(columns.shape.dropFirst())
        // [n] + out.shape -> out.shape + x.shape
        let moved = Lax.transpose(columns, Array(1..<columns.rank) + [0])
        return Lax.reshape(moved, outShape + x.shape)
    }
}

/// The Jacobian by reverse mode: `vmap` of the pullback over the basis of output
/// cotangents (one recorded forward pass, one batched backward pass).
///
/// ```swift
/// jacrev({ $0 * $0 })(x)   // diagonal matrix of 2x
/// ```
public func jacrev(_ f: @escaping @Sendable (Tensor) -> Tensor) -> @Sendable (Tensor) -> Tensor {
    { x in
        checkFloatInput(x, "jacrev")
        let (y, pullback) = vjp(f, x)
        if !y.dtype.isFloatingPoint { usageError("jacrev requires real-valued outputs, got \(y.type)") }
        if y.count == 0 || x.count == 0 { return AutodiffValues.zeros(ShapedType(y.shape + x.shape, y.dtype)) }
        let rows = vmap(pullback, inAxes: [0], outAxes: 0)(basis(y.count, shape: y.shape, dtype: y.dtype))
        return Lax.reshape(rows, y.shape + x.shape)
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
