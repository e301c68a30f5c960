/// An immutable n-dimensional array on a device, or a tracer standing for one while a
/// transformation (`jit`, `grad`, `vmap`) traces a function.
///
/// ```swift
/// let x = Tensor.arange(10)        // int32 [0 1 2 ... 9]
/// let y = x.at[0].set(10)          // a new tensor; x is unchanged
/// ```
/// Tensors have value semantics and cannot be mutated (`x[0] = 10` does not compile).
public struct Tensor: Sendable {
    /// The representation: a device array, a host scalar literal, or a tracer.
    public let base: TensorBase

    /// Wraps a representation.
    public init(base: TensorBase) { self.base = base }

    /// The abstract value: shape, dtype, weak type.
    public var type: ShapedType { base.type }
    /// Sizes of each axis.
    public var shape: [Int] { base.type.shape }
    /// Element type.
    public var dtype: DType { base.type.dtype }
    /// Number of axes.
    public var rank: Int { base.type.shape.count }
    /// Number of elements.
    public var count: Int { base.type.count }
    /// Whether the dtype is weak (the tensor came from a Swift literal).
    public var isWeaklyTyped: Bool { base.type.weakType }
}

/// The representation behind a `Tensor`. Subclasses: `DeviceArray` (a concrete value on a
/// device), `LiteralTensor` (a host scalar), `Tracer` (an abstract value during tracing).
open class TensorBase: @unchecked Sendable {
    /// The abstract value.
    public let type: ShapedType
    /// Creates a representation of the given abstract value.
    public init(type: ShapedType) { self.type = type }
}

/// A concrete tensor: a buffer on a device (possibly still being computed).
public final class DeviceArray: TensorBase, @unchecked Sendable {
    /// The device holding the buffer.
    public let device: Device
    /// The backend's buffer.
    public let buffer: any DeviceBuffer
    /// Whether the array is committed to its device (as JAX's committed arrays): placed
    /// there explicitly (`x.to(device)`, `Tensor(..., on: device)`) or computed from a
    /// committed array. An uncommitted array (made without a device: host arrays, `arange`,
    /// `zeros`) follows the committed operands of the operations that use it.
    public let committed: Bool

    /// Wraps a buffer made by `device.backend`.
    public init(type: ShapedType, device: Device, buffer: any DeviceBuffer, committed: Bool = true) {
        self.device = device
        self.buffer = buffer
        self.committed = committed
        super.init(type: type)
    }
}

/// A scalar known on the host (a Swift literal or `Tensor(3)`), placed on a device only
/// when an operation needs it there.
public final class LiteralTensor: TensorBase, @unchecked Sendable {
    /// The value.
    public let literal: ScalarLiteral
    /// Wraps a literal.
    public init(_ literal: ScalarLiteral) {
        self.literal = literal
        super.init(type: literal.type)
    }
}

extension Tensor {
    /// A scalar tensor from a host literal.
    public init(literal: ScalarLiteral) { self.init(base: LiteralTensor(literal)) }

    /// The host literal if this tensor is one.
    public var literalValue: ScalarLiteral? { (base as? LiteralTensor)?.literal }

    /// The device holding the tensor. A literal scalar reports the default device.
    ///
    /// Inside a transformation, the device of the value the tracer stands for when known.
    public var device: Device {
        if let a = base as? DeviceArray { return a.device }
        if let t = base as? Tracer, let c = t.concreteValue { return c.device }
        return Device.default
    }
}
