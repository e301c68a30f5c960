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
    let operands = [condition, a, b]
    func full(_ t: Tensor) -> Tensor {
        t.shape == shape ? t : Placement.colocate(t, with: operands).broadcast(to: shape, operation: "where")
    }
    return Lax.select(full(asBool(condition)), onTrue: full(ab[0]), onFalse: full(ab[1]))
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
