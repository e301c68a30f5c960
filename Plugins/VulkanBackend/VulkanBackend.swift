import CVulkan
import Foundation
import TesseraCore

/// The Vulkan compute backend: GLSL kernels rendered from the kernel IR, compiled to
/// SPIR-V by shaderc at run time, on every Vulkan device with a compute queue (Mesa's
/// lavapipe is the CPU device used in tests).
///
/// ```
/// TESSERA_BACKEND=vulkan swift run tessera-demo
/// ```
/// Execution is asynchronous: `execute` and `run` record dispatches into a command buffer
/// and return; `waitUntilReady` and `download` submit it and wait on its fence, and rethrow
/// errors (device loss, out of memory) raised there.
public final class VulkanBackend: Backend, @unchecked Sendable {
    /// The process-wide instance.
    public static let shared = VulkanBackend()

    /// `vulkan`.
    public let name = "vulkan"
    /// Available when a Vulkan instance has at least one device with a compute queue.
    public let availability: BackendAvailability
    /// One device per physical device with a compute queue.
    public private(set) var devices: [Device] = []
    private var contexts: [VulkanDeviceContext] = []
    private var instance: VkInstance?
    /// Compiled one-primitive kernels of the eager path, by request.
    let eagerCache = EagerKernelCache()

    private init() {
        var reason: String?
        var instance: VkInstance?
        var appInfo = VkApplicationInfo()
        appInfo.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO
        appInfo.apiVersion = TESSERA_VK_API_VERSION_1_2
        let r: VkResult = "tessera".withCString { name in
            appInfo.pApplicationName = name
            return withUnsafePointer(to: &appInfo) { app in
                var ci = VkInstanceCreateInfo()
                ci.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO
                ci.pApplicationInfo = app
                return vkCreateInstance(&ci, nil, &instance)
            }
        }
        var infos: [VulkanDeviceInfo] = []
        if r != VK_SUCCESS {
            reason = "vkCreateInstance failed with \(VulkanResult.name(r)) (no Vulkan driver installed? install mesa-vulkan-drivers for lavapipe)"
        } else {
            var count: UInt32 = 0
            vkEnumeratePhysicalDevices(instance, &count, nil)
            var pds = [VkPhysicalDevice?](repeating: nil, count: Int(count))
            vkEnumeratePhysicalDevices(instance, &count, &pds)
            infos = pds.compactMap { $0.flatMap(VulkanDeviceInfo.init) }
            if count == 0 { reason = "no Vulkan physical device (install mesa-vulkan-drivers for lavapipe)" }
            else if infos.isEmpty { reason = "no Vulkan device with a compute queue" }
        }
        self.instance = instance
        var failures: [String] = []
        for info in infos {
            let index = contexts.count
            do {
                let ctx = try VulkanDeviceContext(info: info, label: "vulkan:\(index) (\(info.name))")
                contexts.append(ctx)
            } catch {
                failures.append("\(info.name): \(error)")
            }
        }
        if reason == nil && contexts.isEmpty { reason = "no Vulkan device could be opened: \(failures.joined(separator: "; "))" }
        availability = reason.map { .unavailable(reason: $0) } ?? .available
        devices = contexts.enumerated().map { i, ctx in
            Device(backend: self, index: i, name: ctx.info.name, kind: ctx.info.kind, capabilities: ctx.info.capabilities)
        }
    }

    /// The context of one of this backend's devices.
    func context(_ device: Device) throws -> VulkanDeviceContext {
        guard device.backend === self, device.index < contexts.count else {
            throw TesseraError(.invalidArgument, "vulkan: \(device) is not a Vulkan device")
        }
        return contexts[device.index]
    }

    /// The buffer as a `VulkanBuffer`, or an error naming what was passed instead.
    static func vulkanBuffer(_ buffer: any DeviceBuffer) throws -> VulkanBuffer {
        guard let b = buffer as? VulkanBuffer else {
            throw TesseraError(.invalidArgument, "vulkan: got a buffer of another backend (\(type(of: buffer))); move the tensor with x.to(device)")
        }
        return b
    }

    func checkDType(_ d: DType, _ ctx: VulkanDeviceContext, _ what: String) throws {
        if !ctx.info.dtypes.contains(d) {
            throw TesseraError(.unsupported, "\(ctx.label): \(what) uses \(d), which this device does not support (it lacks \(ctx.info.missingFeature(for: d))); convert with asType(...) to one of \(ctx.info.dtypes.map(\.description).sorted().joined(separator: ", "))")
        }
    }

    /// A ready buffer holding a copy of `bytes`.
    public func upload(_ bytes: UnsafeRawBufferPointer, type: ShapedType, to device: Device) throws -> any DeviceBuffer {
        let ctx = try context(device)
        try checkDType(type.dtype, ctx, "upload of \(type)")
        if bytes.count != type.byteCount {
            throw TesseraError(.invalidArgument, "vulkan: upload of \(bytes.count) bytes for \(type) (\(type.byteCount) bytes)")
        }
        return try ctx.upload(bytes)
    }

    /// Waits for `buffer` and copies its bytes into `destination`.
    public func download(_ buffer: any DeviceBuffer, type: ShapedType, into destination: UnsafeMutableRawBufferPointer) throws {
        let b = try Self.vulkanBuffer(buffer)
        if destination.count < type.byteCount || b.byteCount < type.byteCount {
            throw TesseraError(.invalidArgument, "vulkan: download of \(type) into \(destination.count) bytes from a buffer of \(b.byteCount) bytes")
        }
        guard type.byteCount > 0 else { return try b.context.wait(b) }
        try b.context.download(b, into: destination.baseAddress!, count: type.byteCount)
    }

    /// Waits for the work producing `buffer`; rethrows its error.
    public func waitUntilReady(_ buffer: any DeviceBuffer) throws {
        let b = try Self.vulkanBuffer(buffer)
        try b.context.wait(b)
    }

    /// Waits for all work queued on `device`.
    public func synchronize(_ device: Device) throws {
        try context(device).synchronize()
    }

    /// Enqueues one primitive on the device (see `VulkanEager`).
    public func execute(_ primitive: Primitive, inputs: [any DeviceBuffer], inputTypes: [ShapedType],
                        outputTypes: [ShapedType], on device: Device) throws -> [any DeviceBuffer] {
        let ctx = try context(device)
        let ins = try inputs.map(Self.vulkanBuffer)
        for t in inputTypes + outputTypes { try checkDType(t.dtype, ctx, printedName(primitive)) }
        return try VulkanEager(backend: self, context: ctx).execute(primitive, inputs: ins, inputTypes: inputTypes, outputTypes: outputTypes,
                                                                    on: device)
    }

    /// Renders the kernel to GLSL and compiles it (SPIR-V from the disk cache when known).
    public func compile(_ kernel: Kernel, on device: Device) throws -> any CompiledKernel {
        let ctx = try context(device)
        let launch = try GLSLKernelRenderer(info: ctx.info, label: ctx.label).render(kernel)
        // Build the pipeline now, so that compile errors surface at compile time.
        let bigBuffer = (kernel.inputs + kernel.outputs).contains { $0.byteCount > ctx.info.maxStorageBufferRange }
        _ = try ctx.pipelines.pipeline(for: launch.program, deviceAddress: bigBuffer && ctx.info.bufferDeviceAddress)
        return VulkanCompiledKernel(kernel: kernel, launch: launch)
    }

    /// Allocates the outputs and records the kernel's dispatch.
    public func run(_ kernel: any CompiledKernel, inputs: [any DeviceBuffer], on device: Device) throws -> [any DeviceBuffer] {
        guard let compiled = kernel as? VulkanCompiledKernel else {
            throw TesseraError(.invalidArgument, "vulkan: \(kernel.kernel.name) was compiled by another backend; compile it with the Vulkan backend")
        }
        let ctx = try context(device)
        let k = compiled.kernel
        if inputs.count != k.inputs.count {
            throw TesseraError(.invalidArgument, "vulkan: \(k.name) takes \(k.inputs.count) inputs, got \(inputs.count)")
        }
        let ins = try inputs.map(Self.vulkanBuffer)
        for (b, t) in zip(ins, k.inputs) where b.byteCount < t.byteCount {
            throw TesseraError(.invalidArgument, "vulkan: \(k.name): an input buffer of \(b.byteCount) bytes is smaller than \(t)")
        }
        let outs = try k.outputs.map { try ctx.makeBuffer(byteCount: $0.byteCount) }
        try ctx.dispatch(compiled.launch, inputs: ins, outputs: outs)
        return outs
    }
}

/// A fused kernel rendered to GLSL for a Vulkan device.
final class VulkanCompiledKernel: CompiledKernel, @unchecked Sendable {
    let kernel: Kernel
    let launch: VulkanLaunch
    init(kernel: Kernel, launch: VulkanLaunch) {
        self.kernel = kernel
        self.launch = launch
    }
}
