/// Placement of the constants the API creates next to its operands.
///
/// An eager primitive runs on the device of its device-array operands; one without any
/// (broadcasting a literal, `iota`) runs on the default device. When the API combines such
/// a constant with tensors that live on another device, it first moves the constant there,
/// so `x.to(gpu) * 2` stays on `gpu`. Under `jit` and `vmap` (abstract tracers) nothing
/// moves: constants stay inline literals of the traced program.
enum Placement {
    /// The device of the first operand that has a concrete value, when it is not the
    /// default device.
    static func nonDefaultDevice(of xs: [Tensor]) -> Device? {
        for x in xs {
            let device: Device?
            switch x.base {
            case let a as DeviceArray: device = a.device
            case let t as Tracer: device = t.concreteValue?.device
            default: device = nil
            }
            if let device { return device === Device.default ? nil : device }
        }
        return nil
    }

    /// `t` (a literal or a concrete constant the API made) on the device of `xs` when that
    /// is not the default device; `t` itself otherwise.
    static func colocate(_ t: Tensor, with xs: [Tensor]) -> Tensor {
        guard let device = nonDefaultDevice(of: xs) else { return t }
        switch t.base {
        case let a as DeviceArray where a.device === device: return t
        case is LiteralTensor, is DeviceArray: return t.to(device)
        default: return t
        }
    }

    /// `value` of `dtype` broadcast to `shape`, on the device of `xs`.
    static func full(_ value: Double, shape: [Int], dtype: DType, like xs: [Tensor]) -> Tensor {
        Lax.broadcastInDim(colocate(Lax.scalar(value, dtype), with: xs), shape: shape, dims: [])
    }

    /// `iota` on the device of `xs`.
    static func iota(_ dtype: DType, shape: [Int], dimension: Int, like xs: [Tensor]) -> Tensor {
        colocate(Lax.iota(dtype, shape: shape, dimension: dimension), with: xs)
    }
}
