import COpenCL
import Foundation
import KernelSource
import TesseraCore

/// The OpenCL backend: every OpenCL device of every platform (GPUs of any vendor, CPUs
/// through PoCL) runs OpenCL C rendered at run time from the kernel IR.
///
/// Eager primitives run as one-op kernels from the renderer (shapes as arguments, so one
/// program serves every shape) or as dedicated device kernels (gather, scatter, sort,
/// scans, matmul, ...); `jit` kernels are rendered with literal shapes. Programs are cached
/// in memory and on disk (`TESSERA_CACHE_DIR`). Work is enqueued on each device's in-order
/// queue and returns at once; `waitUntilReady` waits on the writer's event.
///
/// ```swift
/// // TESSERA_BACKEND=opencl swift run tessera-demo
/// let x = Tensor([1, 2, 3] as [Float], shape: [3]).to(OpenCLBackend.shared.devices[0])
/// ```
public final class OpenCLBackend: Backend, @unchecked Sendable {
    /// The process-wide instance (discovers devices on first use).
    public static let shared = OpenCLBackend()

    /// `opencl`.
    public let name = "opencl"
    /// Available when at least one device was found; otherwise the reason.
    public let availability: BackendAvailability
    /// One Tessera device per OpenCL device.
    public private(set) var devices: [Device] = []
    /// Contexts by `Device.index`.
    let contexts: [OpenCLDeviceContext]

    private init() {
        let (found, reason) = OpenCLDiscovery.discover()
        contexts = found
        availability = found.isEmpty ? .unavailable(reason: reason ?? "no OpenCL device") : .available
        devices = found.enumerated().map { i, c in
            var details = ["platform": c.platformName, "driver": c.driverVersion, "version": c.version,
                           "localMemoryBytes": String(c.localMemoryBytes), "maxWorkGroupSize": String(c.maxWorkGroupSize),
                           "fp64": String(c.hasFloat64), "fp16": String(c.hasFloat16),
                           "queueAPI": c.queueAPI.functionName]
            if !reason.isNilOrEmpty { details["skipped"] = reason }
            let caps = DeviceCapabilities(dtypes: c.dtypes, maxBufferBytes: c.maxAllocation, memoryBytes: c.globalMemoryBytes,
                                          computeUnits: c.computeUnits, details: details)
            return Device(backend: self, index: i, name: c.name, kind: c.isGPU ? .gpu : .cpu, capabilities: caps)
        }
        for (c, d) in zip(contexts, devices) { c.deviceDescription = d.description }
    }

    /// The context of one of this backend's devices.
    func context(_ device: Device) throws -> OpenCLDeviceContext {
        guard device.backend === self, device.index < contexts.count else {
            throw TesseraError(.invalidArgument, "opencl: \(device) is not an OpenCL device")
        }
        return contexts[device.index]
    }

    static func buffer(_ b: any DeviceBuffer) throws -> OpenCLBuffer {
        guard let cl = b as? OpenCLBuffer else {
            throw TesseraError(.invalidArgument, "opencl: got a buffer of another backend (\(type(of: b))); move the tensor with x.to(device)")
        }
        return cl
    }

    /// Copies host bytes into a new buffer on the device (throws for a dtype the device lacks).
    public func upload(_ bytes: UnsafeRawBufferPointer, type: ShapedType, to device: Device) throws -> any DeviceBuffer {
        let c = try context(device)
        try c.requireDType(type.dtype, for: "upload")
        if bytes.count != type.byteCount {
            throw TesseraError(.invalidArgument, "opencl: upload of \(bytes.count) bytes for \(type) (\(type.byteCount) bytes)")
        }
        return try c.upload(bytes)
    }

    /// Waits for the buffer's writer, then reads it into `destination`.
    public func download(_ buffer: any DeviceBuffer, type: ShapedType, into destination: UnsafeMutableRawBufferPointer) throws {
        let b = try Self.buffer(buffer)
        if destination.count < type.byteCount || b.byteCount < type.byteCount {
            throw TesseraError(.invalidArgument, "opencl: download of \(type) into \(destination.count) bytes from a buffer of \(b.byteCount) bytes")
        }
        try b.context.download(b, into: UnsafeMutableRawBufferPointer(rebasing: destination[0..<type.byteCount]))
    }

    /// Waits for the command writing `buffer`; rethrows its failure naming the device.
    public func waitUntilReady(_ buffer: any DeviceBuffer) throws {
        try Self.buffer(buffer).wait()
    }

    /// Waits for every command queued on the device.
    public func synchronize(_ device: Device) throws {
        try context(device).finish()
    }

    /// Enqueues one primitive on the device (never on another backend).
    public func execute(_ primitive: Primitive, inputs: [any DeviceBuffer], inputTypes: [ShapedType],
                        outputTypes: [ShapedType], on device: Device) throws -> [any DeviceBuffer] {
        let c = try context(device)
        let ins = try inputs.map(Self.buffer)
        for t in inputTypes + outputTypes { try c.requireDType(t.dtype, for: printedName(primitive)) }
        for t in outputTypes where t.byteCount > c.maxAllocation { _ = try c.allocate(t.byteCount) }
        switch primitive {
        case .reshape, .stopGradient:
            return [ins[0]]
        case .cond, .whileLoop, .scan, .collective:
            throw TesseraError(.invalidArgument, "opencl: \(printedName(primitive)) reached a backend; the core runs control flow and collectives")
        case .convGeneralDilated(let p):
            // im2col on the device (pads and strided slices) plus one grouped dot_general; a direct
            // kernel (Conv/DirectConvKernel) where the patch buffer would be too large.
            let direct = DirectConvKernel(context: c)
            if direct.preferred(p, inputTypes[0], inputTypes[1], outType: outputTypes[0]),
               let out = try direct.run(p, ins[0], inputTypes[0], ins[1], inputTypes[1], outType: outputTypes[0]) {
                return [out]
            }
            return try ConvLowering.execute(primitive, inputs: inputs, inputTypes: inputTypes, on: device)
        case .linalg:
            // No device kernels yet: an explicit host round-trip, logged at info level.
            return try HostEvaluation.roundTrip(primitive, inputs: inputs, inputTypes: inputTypes, outputTypes: outputTypes, on: device)
        case .unary, .binary, .compare, .select, .convertElementType, .bitcastConvertType, .iota, .broadcastInDim,
             .transpose, .slice, .rev, .reduce, .dynamicSlice, .dynamicUpdateSlice, .pad, .concatenate, .gather,
             .scatter, .argReduce, .cumulative, .sort, .dotGeneral, .threefry2x32:
            break
        }
        // Repeated calls with the same shapes skip building the kernel and its key.
        let exact = EagerKernelCache.ExactKey(primitive: primitive, inputTypes: inputTypes, outputTypes: outputTypes)
        if let hit = c.eagerKernels.exact(exact) { return try hit.compiled.launch(hit.kernel, inputs: ins) }
        if let k = EagerKernelIR.kernel(primitive, inputTypes, outputTypes) {
            let key = EagerKernelCache.key(k)
            let compiled = try c.eagerKernels.value(key) { try OpenCLCompiledKernel(kernel: k, context: c, parametric: true) }
            c.eagerKernels.remember(exact, kernel: k, compiled: compiled)
            return try compiled.launch(k, inputs: ins)
        }
        return try DeviceKernels(context: c).run(primitive, ins, inputTypes, outputTypes)
    }

    /// Renders `kernel` to OpenCL C with literal shapes and builds it (cached in memory and on disk).
    public func compile(_ kernel: Kernel, on device: Device) throws -> any CompiledKernel {
        try OpenCLCompiledKernel(kernel: kernel, context: try context(device), parametric: false)
    }

    /// Enqueues a compiled kernel and returns its outputs at once.
    public func run(_ kernel: any CompiledKernel, inputs: [any DeviceBuffer], on device: Device) throws -> [any DeviceBuffer] {
        guard let k = kernel as? OpenCLCompiledKernel else {
            throw TesseraError(.invalidArgument, "opencl: \(type(of: kernel)) was not compiled by the OpenCL backend")
        }
        return try k.launch(k.kernel, inputs: try inputs.map(Self.buffer))
    }
}

extension Optional where Wrapped == String {
    var isNilOrEmpty: Bool { self?.isEmpty ?? true }
}
