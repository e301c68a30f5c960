import COpenBLAS
import Foundation
import Synchronization
import ReferenceBackend
import TesseraCore

/// The BLAS CPU backend: OpenBLAS for `dot_general`, fused kernels lowered to
/// multithreaded block-wise vector programs, and host buffers from a caching pool.
///
/// `TESSERA_CPU_DEVICES=N` splits the CPU into `N` virtual devices (`blas:0` ...), each
/// with its own queue and `cores / N` threads (at least one); the default is one device
/// using every core (`configureVirtualDevices` and `Tessera.configure(cpuDevices:)` do the
/// same from code). Moving a tensor between virtual devices shares its buffer. Execution
/// is asynchronous, as on every backend, except that small operations whose inputs are
/// ready run at once on the caller's thread (no hand-off).
///
/// ```swift
/// let x = Tensor([1, 2, 3] as [Float], shape: [3], on: BLASBackend.shared.devices[0])
/// BLASBackend.shared.clearCache()   // give cached host buffers back to the system
/// ```
public final class BLASBackend: Backend, @unchecked Sendable {
    /// The process-wide instance.
    public static let shared = BLASBackend()

    /// `blas`.
    public let name = "blas"
    /// Available when OpenBLAS is linked (always, for a build that has this module).
    public let availability = BackendAvailability.available
    /// The virtual CPU devices, made on first use (from `configureVirtualDevices`, else
    /// `TESSERA_CPU_DEVICES`, else one device) and fixed from then on.
    public var devices: [Device] { split.devices }
    private let splitState = Mutex<VirtualSplit?>(nil)
    /// The host buffer cache shared by the devices.
    package let pool: BufferPool
    /// Native code for fused kernels (`TESSERA_BLAS_NATIVE`, see `NativeMode`).
    package let native: NativeCompiler

    /// The devices and their queues, made once.
    private final class VirtualSplit: Sendable {
        let devices: [Device]
        let queues: [BLASQueue]
        init(devices: [Device], queues: [BLASQueue]) {
            self.devices = devices
            self.queues = queues
        }
    }

    /// A backend with `deviceCount` virtual devices (default: decided on first use, see
    /// `devices`). Use `shared`; other instances are for tests and are not registered.
    package init(deviceCount: Int? = nil, native: NativeCompiler? = nil) {
        self.native = native ?? NativeCompiler.fromEnvironment()
        let memory = BLASBackend.hostMemoryBytes()
        pool = BufferPool(label: "blas", limitBytes: Swift.min((memory ?? 8 << 30) / 4, 16 << 30))
        if let deviceCount { splitState.withLock { $0 = makeSplit(count: Swift.max(1, deviceCount)) } }
    }

    /// Splits the CPU into `count` virtual devices, as `TESSERA_CPU_DEVICES=count` does
    /// (`Tessera.configure(cpuDevices:)` calls this). The split is fixed once the devices
    /// have been used, so call it at program start; asking again for the same count is harmless.
    ///
    /// ```swift
    /// try BLASBackend.shared.configureVirtualDevices(4)   // blas:0 ... blas:3
    /// ```
    public func configureVirtualDevices(_ count: Int) throws {
        if count < 1 {
            throw TesseraError(.invalidArgument, "blas: the number of virtual CPU devices must be at least 1, got \(count)")
        }
        try splitState.withLock { s in
            if let s {
                if s.devices.count == count { return }
                throw TesseraError(.configuration, "blas: the CPU is already split into \(s.devices.count) virtual device(s), which tensors or Device.all/Device.default have used; configure \(count) device(s) before any other Tessera call (Tessera.configure(cpuDevices: \(count)) at program start) or set TESSERA_CPU_DEVICES=\(count)")
            }
            s = makeSplit(count: count)
        }
    }

    /// The split, made on first use from `TESSERA_CPU_DEVICES` (else one device).
    private var split: VirtualSplit {
        splitState.withLock { s in
            if let s { return s }
            let env = ProcessInfo.processInfo.environment["TESSERA_CPU_DEVICES"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            let made = makeSplit(count: Swift.max(1, env ?? 1))
            s = made
            return made
        }
    }

    /// `count` devices, each with its own queue and `cores / count` threads (at least one).
    private func makeSplit(count: Int) -> VirtualSplit {
        let cores = Swift.max(1, ProcessInfo.processInfo.activeProcessorCount)
        let threads = Swift.max(1, cores / count)
        let memory = BLASBackend.hostMemoryBytes()
        openblas_set_num_threads(Int32(threads))
        let cpu = BLASBackend.cpuModel()
        let config = openblas_get_config().map { String(cString: $0) } ?? "OpenBLAS"
        var devices: [Device] = [], queues: [BLASQueue] = []
        for i in 0..<count {
            let caps = DeviceCapabilities(dtypes: Set(DType.allCases), maxBufferBytes: memory ?? Int.max, memoryBytes: memory,
                                          computeUnits: threads,
                                          details: ["blas": config, "threads": String(threads), "virtualDevices": String(count)])
            devices.append(Device(backend: self, index: i, name: "\(cpu) (\(threads) thread\(threads == 1 ? "" : "s"))",
                                  kind: .cpu, capabilities: caps))
            queues.append(BLASQueue(label: "blas:\(i)", threadCount: threads))
        }
        return VirtualSplit(devices: devices, queues: queues)
    }

    /// Frees every cached host buffer (buffers in use are unaffected); returns the bytes released.
    @discardableResult
    public func clearCache() -> Int { pool.clear() }

    /// `device.clearCache()`: the devices share one pool, so this releases all of it.
    @discardableResult
    public func clearCache(on device: Device) -> Int { pool.clear() }

    /// Waits until the native code of every fused kernel compiled so far is ready (or has
    /// failed to build): afterwards those kernels run natively. For benchmarks and tests;
    /// programs need not call it (kernels run on the block program until then).
    ///
    /// ```swift
    /// fast(x).blockUntilReady(); BLASBackend.shared.waitForNativeKernels()
    /// ```
    public func waitForNativeKernels() { native.drain() }

    /// The buffer pool's counters (cached and live bytes, reuses, fresh allocations).
    public var poolStatistics: BufferPoolStatistics { pool.statistics }

    /// The queue of one of this backend's devices.
    package func queue(for device: Device) -> BLASQueue { split.queues[device.index] }

    /// A ready buffer holding a copy of `bytes`.
    public func upload(_ bytes: UnsafeRawBufferPointer, type: ShapedType, to device: Device) throws -> any DeviceBuffer {
        if bytes.count != type.byteCount {
            throw TesseraError(.invalidArgument, "\(device.id): upload of \(bytes.count) bytes for \(type) (\(type.byteCount) bytes)")
        }
        let b = try BLASBuffer(byteCount: bytes.count, pool: pool, ready: true)
        if let base = bytes.baseAddress, bytes.count > 0 { b.storage.copyMemory(from: base, byteCount: bytes.count) }
        return b
    }

    /// Waits for `buffer` and copies its bytes into `destination`.
    public func download(_ buffer: any DeviceBuffer, type: ShapedType, into destination: UnsafeMutableRawBufferPointer) throws {
        let b = try Self.blasBuffer(buffer)
        try b.wait()
        if destination.count < type.byteCount || b.byteCount < type.byteCount {
            throw TesseraError(.invalidArgument, "blas: download of \(type) into \(destination.count) bytes from a buffer of \(b.byteCount) bytes")
        }
        if type.byteCount > 0 { destination.baseAddress!.copyMemory(from: b.storage, byteCount: type.byteCount) }
    }

    /// Between two virtual devices: the same buffer, at once. The devices share host memory
    /// and a buffer is never written after its work completes; an operation on the
    /// destination waits for it as for any input.
    public func copy(_ buffer: any DeviceBuffer, type: ShapedType, from source: Device,
                     to destination: Device) throws -> (any DeviceBuffer)? {
        try Self.blasBuffer(buffer)
    }

    /// Waits for the work producing `buffer`; rethrows its error.
    public func waitUntilReady(_ buffer: any DeviceBuffer) throws {
        try Self.blasBuffer(buffer).wait()
    }

    /// Runs one primitive: at once on the caller's thread when it is small and its inputs
    /// are ready, else on the device's queue.
    public func execute(_ primitive: Primitive, inputs: [any DeviceBuffer], inputTypes: [ShapedType],
                        outputTypes: [ShapedType], on device: Device) throws -> [any DeviceBuffer] {
        // The small float binary op: no closure, no queue, no intermediate arrays.
        if case .binary(let op) = primitive, inputs.count == 2, outputTypes.count == 1,
           let a = inputs[0] as? BLASBuffer, let b = inputs[1] as? BLASBuffer,
           outputTypes[0].count <= EagerEvaluator.smallCount, inputTypes[0].count == outputTypes[0].count,
           inputTypes[1].count == outputTypes[0].count, a.isReady, b.isReady {
            let out = try BLASBuffer(byteCount: outputTypes[0].byteCount, pool: pool, ready: true)
            if EagerEvaluator.directBinary(op, a.storage, b.storage, out.storage, outputTypes[0].count, inputTypes[0].dtype) {
                return [out]
            }
        }
        let ins = try inputs.map(Self.blasBuffer)
        try PrimitiveEvaluator.validate(primitive, inputTypes: inputTypes, outputTypes: outputTypes)
        if let alias = PrimitiveEvaluator.aliasedInput(primitive) { return [ins[alias]] }
        let queue = split.queues[device.index]
        let work = Swift.max(outputTypes.first?.count ?? 0, inputTypes.first?.count ?? 0)
        let inline = work <= EagerEvaluator.smallCount && !primitive.isDotGeneral && ins.allSatisfy(\.isReady)
        let outs = try outputTypes.map { try BLASBuffer(byteCount: $0.byteCount, pool: pool, ready: inline) }
        let job: @Sendable () throws -> Void = {
            try EagerEvaluator.run(primitive, ins.map(\.bytes), inputTypes, outs.map(\.mutableBytes), outputTypes, queue: queue)
        }
        if inline {
            do {
                try job()
            } catch {
                let e = (error as? TesseraError) ?? TesseraError(.execution, "blas: \(error)")
                for o in outs { o.markFailed(e) }
            }
        } else {
            queue.enqueue(inputs: ins, outputs: outs, job)
        }
        return outs
    }

    /// Waits for all work queued on `device`.
    public func synchronize(_ device: Device) throws {
        split.queues[device.index].drain()
    }

    /// Lowers a fused kernel to a block-wise vector program (`BlockProgram`), which runs
    /// at once, and starts its native compilation to C (`NativeCompiler`; tiered: the native
    /// code replaces the block program when the C compiler has built it).
    public func compile(_ kernel: Kernel, on device: Device) throws -> any CompiledKernel {
        let fused = try FusedKernel(kernel: kernel, program: try BlockProgram(kernel: kernel))
        native.attach(fused)
        return fused
    }

    /// Allocates the outputs and enqueues the kernel on the device's queue (or runs it at
    /// once when it is small and its inputs are ready): native code when it is ready, else
    /// the block program.
    public func run(_ kernel: any CompiledKernel, inputs: [any DeviceBuffer], on device: Device) throws -> [any DeviceBuffer] {
        guard let program = kernel as? FusedKernel else {
            throw TesseraError(.invalidArgument, "blas: \(kernel.kernel.name) was compiled by another backend; compile it with the blas backend")
        }
        let k = program.kernel
        if inputs.count != k.inputs.count {
            throw TesseraError(.invalidArgument, "blas: \(k.name) takes \(k.inputs.count) inputs, got \(inputs.count)")
        }
        let ins = try inputs.map(Self.blasBuffer)
        for (b, t) in zip(ins, k.inputs) where b.byteCount < t.byteCount {
            throw TesseraError(.invalidArgument, "blas: \(k.name): an input buffer of \(b.byteCount) bytes is smaller than \(t)")
        }
        let queue = split.queues[device.index]
        let inline = k.pointCount <= EagerEvaluator.smallCount && ins.allSatisfy(\.isReady)
        let outs = try k.outputs.map { try BLASBuffer(byteCount: $0.byteCount, pool: pool, ready: inline) }
        let job: @Sendable () -> Void = {
            program.run(inputs: ins.map { UnsafeRawPointer($0.storage) }, outputs: outs.map(\.storage), queue: queue)
        }
        if inline { job() } else { queue.enqueue(inputs: ins, outputs: outs, job) }
        return outs
    }

    /// The buffer as a `BLASBuffer`, or an error naming what was passed instead.
    package static func blasBuffer(_ buffer: any DeviceBuffer) throws -> BLASBuffer {
        guard let b = buffer as? BLASBuffer else {
            throw TesseraError(.invalidArgument, "blas: got a buffer of another backend (\(type(of: buffer))); move the tensor with x.to(device)")
        }
        return b
    }

    /// MemTotal from /proc/meminfo, in bytes.
    static func hostMemoryBytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("MemTotal:") {
            let fields = line.split(separator: " ")
            if fields.count >= 2, let kb = Int(fields[1]) { return kb * 1024 }
        }
        return nil
    }

    /// The CPU's model name from /proc/cpuinfo.
    static func cpuModel() -> String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "host CPU" }
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            if let colon = line.firstIndex(of: ":") { return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces) }
        }
        return "host CPU"
    }
}

extension Primitive {
    /// Whether this is `dot_general` (never run inline: OpenBLAS uses its own threads).
    var isDotGeneral: Bool {
        if case .dotGeneral = self { return true }
        return false
    }
}
