extension Bool {
    /// The truth value of a one-element tensor (nonzero is true). Works eagerly; under `jit`
    /// the value is abstract and this stops with a message pointing to `cond`/`whileLoop`.
    ///
    /// ```swift
    /// if Bool(x.sum() .> 0) { ... }     // eager only; under jit use cond(...)
    /// ```
    public init(_ tensor: Tensor) {
        self = tensor.boolValue
    }
}

extension Tensor {
    /// The truth value of a one-element tensor (nonzero is true), read from the device.
    /// Under `jit` (and `vmap`) the value is abstract: use `cond` or `whileLoop` instead.
    public var boolValue: Bool {
        _ = concreteBase("Bool(_:)")
        if count != 1 {
            usageError("Bool(_:): the truth value of a tensor with \(count) elements (shape \(shapeString(shape))) is ambiguous; use .any() or .all()")
        }
        return item(Double.self) != 0
    }
}
