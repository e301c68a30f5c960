/// Elementwise choice: `a` where `condition` holds, else `b`, with NumPy broadcasting of all
/// three and JAX promotion of `a` and `b`. A non-bool condition is compared with zero.
///
/// `where` is a Swift keyword, so call the free function with backticks or use the static
/// spelling:
/// ```swift
/// `where`(a .> 0, a, b)
/// Tensor.where(a .> 0, a, 0)
/// ```
public func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
    let shape = broadcastShapes("where", condition.shape, a.shape, b.shape)
    let ab = Elementwise.promoteAndBroadcast("where", [a, b])
    return Lax.select(asBool(condition).broadcast(to: shape, operation: "where"),
                      onTrue: ab[0].broadcast(to: shape, operation: "where"),
                      onFalse: ab[1].broadcast(to: shape, operation: "where"))
}

extension Tensor {
    /// `a` where `condition` holds, else `b` (see the free function `` `where`(_:_:_:) ``).
    ///
    /// ```swift
    /// Tensor.where(x .> 0, x, 0)
    /// ```
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
        TesseraCore.where(condition, a, b)
    }
}
