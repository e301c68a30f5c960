/// A value made of tensors: a `Tensor`, `[Tensor]`, `[String: Tensor]`, or a struct of
/// parameters. Transformations (`jit`, `grad`, `vmap`) flatten trees into their tensors
/// and rebuild them, so `grad(loss)(params, x, y)` returns a value of the params' type.
///
/// A struct conforms by mapping each of its tensors in a fixed order:
/// ```swift
/// struct Linear: TensorTree {
///     var w: Tensor, b: Tensor
///     func mapTensors(_ f: (Tensor) throws -> Tensor) rethrows -> Linear { Linear(w: try f(w), b: try f(b)) }
/// }
/// ```
public protocol TensorTree: Sendable {
    /// A copy with every tensor replaced by `f(tensor)`, visited in a fixed order.
    func mapTensors(_ f: (Tensor) throws -> Tensor) rethrows -> Self
}

extension TensorTree {
    /// The tensors of the tree in visiting order.
    public var tensors: [Tensor] {
        var out: [Tensor] = []
        _ = mapTensors { out.append($0); return $0 }
        return out
    }

    /// The tree with its tensors replaced, in visiting order, by `leaves`.
    public func replacingTensors(_ leaves: [Tensor]) -> Self {
        var i = 0
        let r = mapTensors { _ in
            defer { i += 1 }
            guard i < leaves.count else { usageError("replacingTensors: the tree has more tensors than the \(leaves.count) given") }
            return leaves[i]
        }
        if i != leaves.count { usageError("replacingTensors: the tree has \(i) tensors but \(leaves.count) were given") }
        return r
    }
}

extension Tensor: TensorTree {
    /// A tensor is a tree with one leaf.
    public func mapTensors(_ f: (Tensor) throws -> Tensor) rethrows -> Tensor { try f(self) }
}

extension Array: TensorTree where Element: TensorTree {
    /// Maps every element's tensors in order.
    public func mapTensors(_ f: (Tensor) throws -> Tensor) rethrows -> [Element] {
        try map { try $0.mapTensors(f) }
    }
}

extension Dictionary: TensorTree where Key == String, Value: TensorTree {
    /// Maps values in sorted-key order.
    public func mapTensors(_ f: (Tensor) throws -> Tensor) rethrows -> [String: Value] {
        var out: [String: Value] = [:]
        for k in keys.sorted() { out[k] = try self[k]!.mapTensors(f) }
        return out
    }
}

extension Optional: TensorTree where Wrapped: TensorTree {
    /// `nil` has no tensors.
    public func mapTensors(_ f: (Tensor) throws -> Tensor) rethrows -> Wrapped? {
        try self.map { try $0.mapTensors(f) }
    }
}
