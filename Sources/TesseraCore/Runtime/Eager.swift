/// A tensor whose computation failed on its device (or could not be placed there).
/// Operations on it fail alike; reading it throws (or, non-throwing reads, stops) with
/// the error.
public final class FailedArray: TensorBase, @unchecked Sendable {
    /// What went wrong.
    public let error: TesseraError
    /// Wraps an error for a value of `type`.
    public init(type: ShapedType, error: TesseraError) {
        self.error = error
        super.init(type: type)
    }
}

/// The direct eager path: one primitive on concrete operands, sent to the device's backend.
public enum Eager {
    /// Runs `primitive` on concrete operands (device arrays and literals).
    public static func apply(_ primitive: Primitive, _ args: [Tensor]) -> [Tensor] {
        let inTypes = args.map(\.type)
        let outTypes = ShapeRules.outputTypes(primitive, inTypes)
        if case .collective(let op, let axisName, _) = primitive {
            usageError("\(op.primitiveName): the collective over axis '\(axisName)' can only run inside pmap(f, axisName: \"\(axisName)\"); it reached eager execution (is it used under jit or grad outside the pmapped function?)")
        }
        if primitive.isControlFlow {
            return ControlFlowEvaluation.run(primitive, args)
        }
        for a in args {
            if let f = a.base as? FailedArray {
                return outTypes.map { Tensor(base: FailedArray(type: $0, error: f.error)) }
            }
        }
        let (device, committed) = placement(primitive, args)
        do {
            let buffers = try args.map { try buffer(of: $0, on: device) }
            let outs = try device.backend.execute(primitive, inputs: buffers, inputTypes: inTypes,
                                                  outputTypes: outTypes, on: device)
            return zip(outs, outTypes).map {
                Tensor(base: DeviceArray(type: $1, device: device, buffer: $0, committed: committed))
            }
        } catch let e as TesseraError {
            return outTypes.map { Tensor(base: FailedArray(type: $0, error: e)) }
        } catch {
            let e = TesseraError(.execution, "\(printedName(primitive)) on \(device): \(error)")
            return outTypes.map { Tensor(base: FailedArray(type: $0, error: e)) }
        }
    }

    /// The device an eager operation runs on, and whether its results are committed there:
    /// the common device of its committed operands; else that of its uncommitted ones
    /// (which may be moved); else the default device. Committed operands on two devices
    /// are an error (scalars excepted), as in JAX.
    static func placement(_ primitive: Primitive, _ args: [Tensor]) -> (Device, Bool) {
        var committed: Device?
        var uncommitted: Device?
        for a in args {
            guard let array = a.base as? DeviceArray else { continue }
            if !array.committed || a.rank == 0 {
                if uncommitted == nil || array.committed { uncommitted = array.device }
                continue
            }
            if let existing = committed, existing !== array.device {
                usageError("\(printedName(primitive)): operands are on different devices, \(existing) and \(array.device); move one with x.to(device)")
            }
            committed = array.device
        }
        if let committed { return (committed, true) }
        return (uncommitted ?? Device.default, false)
    }

    /// The operand's buffer on `device`: literals are uploaded, scalars on another device
    /// are copied.
    static func buffer(of tensor: Tensor, on device: Device) throws -> any DeviceBuffer {
        switch tensor.base {
        case let a as DeviceArray:
            if a.device === device { return a.buffer }
            return try Transfer.copy(a, to: device).buffer
        case let l as LiteralTensor:
            return try l.literal.withUnsafeBytes { try device.backend.upload($0, type: l.type, to: device) }
        default:
            usageError("internal error: eager operation on a non-concrete operand \(tensor.type)")
        }
    }
}

/// Moves device arrays between devices: by the backend's own path between two of its
/// devices when it has one, else through the host.
public enum Transfer {
    /// A copy of `array` on `device`.
    public static func copy(_ array: DeviceArray, to device: Device) throws -> DeviceArray {
        if array.device === device { return array }
        if array.device.backend === device.backend,
           let moved = try device.backend.copy(array.buffer, type: array.type, from: array.device, to: device) {
            return DeviceArray(type: array.type, device: device, buffer: moved)
        }
        var bytes = [UInt8](repeating: 0, count: array.type.byteCount)
        try bytes.withUnsafeMutableBytes { try array.device.backend.download(array.buffer, type: array.type, into: $0) }
        let buf = try bytes.withUnsafeBytes { try device.backend.upload($0, type: array.type, to: device) }
        return DeviceArray(type: array.type, device: device, buffer: buf)
    }
}

extension ScalarLiteral {
    /// Calls `body` with the literal's value encoded in its dtype.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        switch dtype {
        case .bool: return try Swift.withUnsafeBytes(of: UInt8(doubleValue != 0 ? 1 : 0), body)
        case .int32: return try Swift.withUnsafeBytes(of: Int32(truncatingIfNeeded: int64Value), body)
        case .int64: return try Swift.withUnsafeBytes(of: int64Value, body)
        case .uint32: return try Swift.withUnsafeBytes(of: UInt32(truncatingIfNeeded: int64Value), body)
        case .float16: return try Swift.withUnsafeBytes(of: Float16(doubleValue), body)
        case .float32: return try Swift.withUnsafeBytes(of: Float(doubleValue), body)
        case .float64: return try Swift.withUnsafeBytes(of: doubleValue, body)
        }
    }
}
