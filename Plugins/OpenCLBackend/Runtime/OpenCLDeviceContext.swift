import COpenCL
import Foundation
import KernelSource
import TesseraCore

/// One OpenCL device with its context and in-order command queue, its capabilities read
/// from the device, and its caches (programs, eager kernels).
final class OpenCLDeviceContext: @unchecked Sendable {
    let deviceID: cl_device_id
    let platformID: cl_platform_id
    let context: cl_context
    let queue: cl_command_queue
    /// How `queue` was created (from the device's OpenCL version).
    let queueAPI: CommandQueueAPI
    /// `CL_DEVICE_NAME`, `CL_DRIVER_VERSION`, `CL_DEVICE_VERSION`, platform name.
    let name: String
    let driverVersion: String
    let version: String
    let platformName: String
    let isGPU: Bool
    let computeUnits: Int
    let maxWorkGroupSize: Int
    let localMemoryBytes: Int
    let globalMemoryBytes: Int
    let hasFloat64: Bool
    let hasFloat16: Bool
    /// 64-bit integers: always in the full profile; embedded profiles need cles_khr_int64.
    let hasInt64: Bool
    /// `-cl-fp32-correctly-rounded-divide-sqrt` when the device supports it.
    let buildOptions: String
    /// Reported after the Tessera `Device` exists: `opencl:0 (pthread-...)`.
    var deviceDescription: String
    /// Serializes argument setting and enqueueing (kernel objects are shared).
    let enqueueLock = NSLock()
    /// Programs by source text, built for this device.
    let programs: OpenCLProgramCache
    /// Compiled eager kernels by shape-erased key.
    let eagerKernels = EagerKernelCache()
    private let limitLock = NSLock()
    /// Freed buffers by size, reused by `allocate` (their pages are already mapped, which
    /// saves the first-touch cost of fresh memory). Reuse is safe: every command runs on
    /// the one in-order queue, so a new writer runs after the old buffer's last reader.
    private let poolLock = NSLock()
    private var pool: [Int: [cl_mem]] = [:]
    private var pooledBytes = 0
    /// The most memory the pool keeps.
    static let poolLimit = 512 << 20
    private var cachedMaxAllocation: Int

    /// Opens `device`; `queueAPI` nil picks the queue entry point from the device version.
    init(platform: cl_platform_id, device: cl_device_id, index: Int, queueAPI: CommandQueueAPI? = nil) throws {
        deviceID = device
        platformID = platform
        name = CL.deviceString(device, CL_DEVICE_NAME)
        driverVersion = CL.deviceString(device, CL_DRIVER_VERSION)
        version = CL.deviceString(device, CL_DEVICE_VERSION)
        platformName = CL.platformString(platform, CL_PLATFORM_NAME)
        deviceDescription = "opencl:\(index) (\(name))"
        let type = CL.deviceValue(device, CL_DEVICE_TYPE, cl_device_type.self)
        isGPU = type & cl_device_type(CL_DEVICE_TYPE_GPU) != 0
        computeUnits = Int(CL.deviceValue(device, CL_DEVICE_MAX_COMPUTE_UNITS, cl_uint.self))
        maxWorkGroupSize = CL.deviceValue(device, CL_DEVICE_MAX_WORK_GROUP_SIZE, Int.self)
        localMemoryBytes = Int(CL.deviceValue(device, CL_DEVICE_LOCAL_MEM_SIZE, cl_ulong.self))
        globalMemoryBytes = Int(CL.deviceValue(device, CL_DEVICE_GLOBAL_MEM_SIZE, cl_ulong.self))
        cachedMaxAllocation = Int(CL.deviceValue(device, CL_DEVICE_MAX_MEM_ALLOC_SIZE, cl_ulong.self))
        let extensions = CL.deviceString(device, CL_DEVICE_EXTENSIONS)
        hasFloat64 = CL.deviceValue(device, CL_DEVICE_DOUBLE_FP_CONFIG, cl_device_fp_config.self) != 0 || extensions.contains("cl_khr_fp64")
        hasFloat16 = extensions.contains("cl_khr_fp16")
        hasInt64 = !CL.deviceString(device, CL_DEVICE_PROFILE).contains("EMBEDDED") || extensions.contains("cles_khr_int64")
        let single = CL.deviceValue(device, CL_DEVICE_SINGLE_FP_CONFIG, cl_device_fp_config.self)
        buildOptions = single & cl_device_fp_config(CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT) != 0 ? "-cl-fp32-correctly-rounded-divide-sqrt" : ""
        var err: cl_int = 0
        var d: cl_device_id? = device
        guard let ctx = clCreateContext(nil, 1, &d, nil, nil, &err) else {
            throw TesseraError(.unavailable, "opencl: clCreateContext failed for \(name) with \(CL.errorName(err))")
        }
        context = ctx
        let api = queueAPI ?? CommandQueueAPI.choose(deviceVersion: version)
        guard let q = api.makeQueue(ctx, device, &err) else {
            clReleaseContext(ctx)
            throw TesseraError(.unavailable, "opencl: \(api.functionName) failed for \(name) (\(version)) with \(CL.errorName(err))")
        }
        queue = q
        self.queueAPI = api
        programs = OpenCLProgramCache(directory: OpenCLProgramCache.defaultDirectory())
    }

    deinit {
        clReleaseCommandQueue(queue)
        clReleaseContext(context)
    }

    /// The dtypes the device computes with.
    var dtypes: Set<DType> {
        var set: Set<DType> = [.bool, .int32, .uint32, .float32]
        if hasInt64 { set.insert(.int64) }
        if hasFloat64 { set.insert(.float64) }
        if hasFloat16 { set.insert(.float16) }
        return set
    }

    /// Renderer options for this device.
    func renderOptions(parametric: Bool) -> RenderOptions {
        var group = 1
        while group * 2 <= Swift.min(isGPU ? 256 : 64, maxWorkGroupSize) { group *= 2 }
        return RenderOptions(hasFloat64: hasFloat64, parametric: parametric, groupSize: group)
    }

    /// Throws a clear error when the device lacks `dtype`.
    func requireDType(_ dtype: DType, for what: @autoclosure () -> String) throws {
        if dtype == .float32 || dtype == .int32 || dtype == .bool || dtypes.contains(dtype) { return }
        let ext = dtype == .float16 ? "cl_khr_fp16" : (dtype == .int64 ? "64-bit integers (cles_khr_int64)" : "cl_khr_fp64")
        throw TesseraError(.unsupported, "\(what()): dtype \(dtype) is not supported on \(deviceDescription): the device lacks \(ext); convert with asType(.float32) or use another device")
    }

    /// The current `CL_DEVICE_MAX_MEM_ALLOC_SIZE` (re-read: it can follow free memory).
    var maxAllocation: Int {
        limitLock.lock()
        defer { limitLock.unlock() }
        return cachedMaxAllocation
    }

    /// A new uninitialised buffer of `byteCount` bytes.
    func allocate(_ byteCount: Int) throws -> OpenCLBuffer {
        if byteCount > maxAllocation {
            let fresh = Int(CL.deviceValue(deviceID, CL_DEVICE_MAX_MEM_ALLOC_SIZE, cl_ulong.self))
            limitLock.lock()
            cachedMaxAllocation = fresh
            limitLock.unlock()
            if byteCount > fresh {
                throw TesseraError(.outOfMemory, "opencl: allocation of \(byteCount) bytes on \(deviceDescription) exceeds CL_DEVICE_MAX_MEM_ALLOC_SIZE (\(fresh) bytes); split the tensor or use a device with more memory")
            }
        }
        let size = Swift.max(byteCount, 1)
        poolLock.lock()
        if let mem = pool[size]?.popLast() {
            pooledBytes -= size
            poolLock.unlock()
            return OpenCLBuffer(mem: mem, byteCount: byteCount, context: self)
        }
        poolLock.unlock()
        var err: cl_int = 0
        var created = clCreateBuffer(context, cl_mem_flags(CL_MEM_READ_WRITE), size, nil, &err)
        if created == nil {
            // Out of memory: give the pooled buffers back to the driver and try once more.
            drainPool()
            created = clCreateBuffer(context, cl_mem_flags(CL_MEM_READ_WRITE), size, nil, &err)
        }
        guard let mem = created else {
            try CL.check(err, "clCreateBuffer(\(byteCount) bytes)", device: deviceDescription)
            throw TesseraError(.outOfMemory, "opencl: clCreateBuffer(\(byteCount) bytes) failed on \(deviceDescription)")
        }
        return OpenCLBuffer(mem: mem, byteCount: byteCount, context: self)
    }

    /// Releases every pooled buffer.
    func drainPool() {
        poolLock.lock()
        let all = pool.values.flatMap { $0 }
        pool.removeAll()
        pooledBytes = 0
        poolLock.unlock()
        for mem in all { clReleaseMemObject(mem) }
    }

    /// Takes back the memory of a freed buffer (kept for reuse up to `poolLimit`).
    func recycle(_ mem: cl_mem, byteCount: Int) {
        poolLock.lock()
        if byteCount >= 4096 && pooledBytes + byteCount <= Self.poolLimit {
            pool[byteCount, default: []].append(mem)
            pooledBytes += byteCount
            poolLock.unlock()
            return
        }
        poolLock.unlock()
        clReleaseMemObject(mem)
    }

    /// A buffer holding a copy of `bytes` (the copy is done when this returns).
    func upload(_ bytes: UnsafeRawBufferPointer) throws -> OpenCLBuffer {
        if bytes.count > maxAllocation { _ = try allocate(bytes.count) }
        var err: cl_int = 0
        let flags = cl_mem_flags(CL_MEM_READ_WRITE) | (bytes.count > 0 ? cl_mem_flags(CL_MEM_COPY_HOST_PTR) : 0)
        let mem = clCreateBuffer(context, flags, Swift.max(bytes.count, 1),
                                 bytes.count > 0 ? UnsafeMutableRawPointer(mutating: bytes.baseAddress!) : nil, &err)
        guard let mem else {
            try CL.check(err, "clCreateBuffer(\(bytes.count) bytes)", device: deviceDescription)
            throw TesseraError(.outOfMemory, "opencl: clCreateBuffer failed on \(deviceDescription)")
        }
        return OpenCLBuffer(mem: mem, byteCount: bytes.count, context: self)
    }

    /// Waits for `buffer` and reads `destination.count` bytes of it.
    func download(_ buffer: OpenCLBuffer, into destination: UnsafeMutableRawBufferPointer) throws {
        try buffer.wait()
        guard destination.count > 0 else { return }
        let rc = clEnqueueReadBuffer(queue, buffer.mem, cl_bool(CL_TRUE), 0, destination.count, destination.baseAddress, 0, nil, nil)
        try CL.check(rc, "clEnqueueReadBuffer", device: deviceDescription)
    }

    /// Waits for every command on the queue.
    func finish() throws {
        try CL.check(clFinish(queue), "clFinish", device: deviceDescription)
    }
}
