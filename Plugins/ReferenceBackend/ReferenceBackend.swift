import TesseraCore

/// The reference backend: every primitive in plain Swift on host memory. It is the
/// specification the other backends are tested against.
///
/// Execution is asynchronous: each device has one serial queue (`ReferenceQueue`);
/// `execute` checks the request, allocates the outputs, enqueues the work and returns
/// (a small operation on an idle queue runs at once instead: see `ReferenceQueue.submit`).
/// `waitUntilReady` and `download` wait, and rethrow an error raised on the queue.
public final class ReferenceBackend: Backend, @unchecked Sendable {
    /// The process-wide instance.
    public static let shared = ReferenceBackend()

    /// `reference`.
    public let name = "reference"
    /// Always available: it needs nothing but the host.
    public let availability = BackendAvailability.available
    /// One host device.
    public private(set) var devices: [Device] = []
    /// One work queue per device, indexed by `Device.index`.
    private var queues: [ReferenceQueue] = []

    private init() {
        let caps = DeviceCapabilities(dtypes: Set(DType.allCases), maxBufferBytes: Int.max,
                                      computeUnits: 1, details: ["implementation": "plain Swift"])
        devices = [Device(backend: self, index: 0, name: "host (plain Swift)", kind: .cpu, capabilities: caps)]
        queues = devices.map { ReferenceQueue(label: $0.id) }
    }

    /// The work queue of one of this backend's devices (used by compiled kernels too).
    package func queue(for device: Device) -> ReferenceQueue { queues[device.index] }

    /// A ready buffer holding a copy of `bytes`.
    public func upload(_ bytes: UnsafeRawBufferPointer, type: ShapedType, to device: Device) throws -> any DeviceBuffer {
        if bytes.count != type.byteCount {
            throw TesseraError(.invalidArgument, "reference: upload of \(bytes.count) bytes for \(type) (\(type.byteCount) bytes)")
        }
        return try ReferenceBuffer(copying: bytes)
    }

    /// Waits for `buffer` and copies its bytes into `destination`.
    public func download(_ buffer: any DeviceBuffer, type: ShapedType, into destination: UnsafeMutableRawBufferPointer) throws {
        let buffer = try Self.referenceBuffer(buffer)
        try buffer.wait()
        if destination.count < type.byteCount || buffer.byteCount < type.byteCount {
            throw TesseraError(.invalidArgument, "reference: download of \(type) into \(destination.count) bytes from a buffer of \(buffer.byteCount) bytes")
        }
        buffer.withUnsafeBytes { src in
            if type.byteCount > 0 { destination.baseAddress!.copyMemory(from: src.baseAddress!, byteCount: type.byteCount) }
        }
    }

    /// Waits for the work producing `buffer`; rethrows its error.
    public func waitUntilReady(_ buffer: any DeviceBuffer) throws {
        try Self.referenceBuffer(buffer).wait()
    }

    /// Checks the request, allocates the outputs and enqueues the primitive on the device's queue.
    public func execute(_ primitive: Primitive, inputs: [any DeviceBuffer], inputTypes: [ShapedType],
                        outputTypes: [ShapedType], on device: Device) throws -> [any DeviceBuffer] {
        if inputs.count != inputTypes.count {
            throw TesseraError(.invalidArgument, "reference: \(printedName(primitive)) got \(inputs.count) buffers for \(inputTypes.count) input types")
        }
        // Plain loops rather than map/reduce: this is the per-op hot path of eager code.
        var ins: [ReferenceBuffer] = []
        ins.reserveCapacity(inputs.count)
        var bytes = 0
        for (buffer, type) in zip(inputs, inputTypes) {
            ins.append(try Self.referenceBuffer(buffer))
            bytes += type.byteCount
        }
        try PrimitiveEvaluator.validate(primitive, inputTypes: inputTypes, outputTypes: outputTypes)
        if let alias = PrimitiveEvaluator.aliasedInput(primitive) { return [ins[alias]] }
        var outs: [ReferenceBuffer] = []
        outs.reserveCapacity(outputTypes.count)
        for type in outputTypes {
            outs.append(try ReferenceBuffer(byteCount: type.byteCount))
            bytes += type.byteCount
        }
        let inputBuffers = ins, outputBuffers = outs
        queues[device.index].submit(inputs: inputBuffers, outputs: outputBuffers, bytes: bytes) {
            try PrimitiveEvaluator.run(primitive, inputs: inputBuffers, inputTypes: inputTypes,
                                       outputs: outputBuffers, outputTypes: outputTypes)
        }
        return outs
    }

    /// Waits for all work queued on `device`.
    public func synchronize(_ device: Device) throws {
        queues[device.index].drain()
    }

    /// The buffer as a `ReferenceBuffer`, or an error naming what was passed instead.
    package static func referenceBuffer(_ buffer: any DeviceBuffer) throws -> ReferenceBuffer {
        guard let b = buffer as? ReferenceBuffer else {
            throw TesseraError(.invalidArgument, "reference: got a buffer of another backend (\(type(of: buffer))); move the tensor with x.to(device)")
        }
        return b
    }
}
