/// Memory on a device holding one tensor's elements, contiguous and row-major.
///
/// Backends define their own buffer classes; the core only passes them back to the
/// backend that made them. A buffer may still be being computed (asynchronous dispatch):
/// `Backend.waitUntilReady` waits for it.
public protocol DeviceBuffer: AnyObject, Sendable {
    /// Size in bytes.
    var byteCount: Int { get }
}

/// Whether a device is a CPU or a GPU (or another accelerator).
public enum DeviceKind: String, Sendable, Hashable {
    case cpu, gpu
}

/// What a device can do, read from the device.
public struct DeviceCapabilities: Sendable, Hashable {
    /// The dtypes the device can store and compute with.
    public var dtypes: Set<DType>
    /// The largest single buffer the device can hold (bytes).
    public var maxBufferBytes: Int
    /// Total memory (bytes) if known.
    public var memoryBytes: Int?
    /// Compute units (cores, SMs) if known.
    public var computeUnits: Int?
    /// Further facts (`"subgroupSize": "8"`, `"driver": ...`) for display.
    public var details: [String: String]

    /// Creates a capability record.
    public init(dtypes: Set<DType>, maxBufferBytes: Int, memoryBytes: Int? = nil,
                computeUnits: Int? = nil, details: [String: String] = [:]) {
        self.dtypes = dtypes
        self.maxBufferBytes = maxBufferBytes
        self.memoryBytes = memoryBytes
        self.computeUnits = computeUnits
        self.details = details
    }
}

/// Whether a backend can be used on this machine, and why not.
public enum BackendAvailability: Sendable, Equatable {
    case available
    /// The reason, e.g. "no OpenCL ICD loader found" or "no Vulkan device with a compute queue".
    case unavailable(reason: String)
}

/// A device backend plugin: discovers devices, moves data, and runs primitives and
/// compiled programs on its devices' queues.
///
/// Execution is asynchronous: `execute` enqueues work and returns buffers at once;
/// `waitUntilReady` and `download` wait. An error raised while the queue runs an
/// operation is stored and rethrown by the wait, never a crash inside the queue.
public protocol Backend: AnyObject, Sendable {
    /// Short name used in `TESSERA_BACKEND` and device ids: `reference`, `blas`, `opencl`, `vulkan`.
    var name: String { get }
    /// Whether the backend found a usable device.
    var availability: BackendAvailability { get }
    /// The devices found (empty when unavailable).
    var devices: [Device] { get }

    /// Copies `bytes` (contiguous, row-major elements of `type`) into a new buffer on `device`.
    func upload(_ bytes: UnsafeRawBufferPointer, type: ShapedType, to device: Device) throws -> any DeviceBuffer
    /// Waits for `buffer` and copies its contents into `destination` (`type.byteCount` bytes).
    func download(_ buffer: any DeviceBuffer, type: ShapedType, into destination: UnsafeMutableRawBufferPointer) throws
    /// Waits until the work producing `buffer` is done; rethrows any error it raised.
    func waitUntilReady(_ buffer: any DeviceBuffer) throws
    /// Enqueues one primitive (eager path) and returns its output buffers at once.
    ///
    /// Control-flow primitives (`cond`, `whileLoop`, `scan`) are never passed here:
    /// the core runs them. Throws at once for a request the device cannot serve
    /// (an unsupported dtype, a buffer over the device's limit).
    func execute(_ primitive: Primitive, inputs: [any DeviceBuffer], inputTypes: [ShapedType],
                 outputTypes: [ShapedType], on device: Device) throws -> [any DeviceBuffer]
    /// Waits for all work queued on `device`.
    func synchronize(_ device: Device) throws

    /// Compiles a fused kernel (see `Kernel` for the IR's semantics) for `device`.
    ///
    /// Called once per kernel when `jit` compiles a program; the result is cached with the
    /// program. A backend that does not compile kernels throws `.unsupported` (the default),
    /// and `jit` then runs the kernel's primitives one by one through `execute`. A kernel
    /// that fails to compile throws `.compilation` with the generated source.
    func compile(_ kernel: Kernel, on device: Device) throws -> any CompiledKernel
    /// Enqueues a compiled kernel on `inputs` (one buffer per `kernel.inputs`, in order) and
    /// returns its output buffers at once, as `execute` does.
    func run(_ kernel: any CompiledKernel, inputs: [any DeviceBuffer], on device: Device) throws -> [any DeviceBuffer]
    /// Gives memory the backend keeps for reuse on `device` (cached buffers) back to the
    /// system; buffers in use are unaffected. Returns the bytes released.
    @discardableResult
    func clearCache(on device: Device) -> Int
    /// Moves `buffer` from `source` to `destination` (both devices of this backend) without
    /// a host round trip, returning at once as `execute` does; nil when the backend has no
    /// such path, and the core then copies through the host. `x.to(device)` and pmap's
    /// collectives use it.
    func copy(_ buffer: any DeviceBuffer, type: ShapedType, from source: Device,
              to destination: Device) throws -> (any DeviceBuffer)?
}

extension Backend {
    /// Default: kernels are not supported; `jit` falls back to `execute` per primitive.
    public func compile(_ kernel: Kernel, on device: Device) throws -> any CompiledKernel {
        throw TesseraError(.unsupported, "\(name) does not compile fused kernels")
    }
    /// Default: no device-to-device path (copies go through the host).
    public func copy(_ buffer: any DeviceBuffer, type: ShapedType, from source: Device,
                     to destination: Device) throws -> (any DeviceBuffer)? { nil }
    /// Default: nothing is cached.
    @discardableResult
    public func clearCache(on device: Device) -> Int { 0 }
    /// Default: kernels are not supported.
    public func run(_ kernel: any CompiledKernel, inputs: [any DeviceBuffer], on device: Device) throws -> [any DeviceBuffer] {
        throw TesseraError(.unsupported, "\(name) does not run fused kernels")
    }
}

/// A device of some backend: `blas:0`, `opencl:0 (Portable Computing Language)`.
public final class Device: Hashable, Sendable, CustomStringConvertible {
    /// The backend that owns the device.
    public let backend: any Backend
    /// Index among the backend's devices.
    public let index: Int
    /// The device's own name (`"pthread-znver3"`, `"llvmpipe (LLVM 15.0.6, 256 bits)"`).
    public let name: String
    /// CPU or GPU.
    public let kind: DeviceKind
    /// What the device supports.
    public let capabilities: DeviceCapabilities

    /// Creates a device record; backends call this during discovery.
    public init(backend: any Backend, index: Int, name: String, kind: DeviceKind, capabilities: DeviceCapabilities) {
        self.backend = backend
        self.index = index
        self.name = name
        self.kind = kind
        self.capabilities = capabilities
    }

    /// `backend:index`, e.g. `vulkan:0`.
    public var id: String { "\(backend.name):\(index)" }

    /// `backend:index (name)`.
    public var description: String { "\(id) (\(name))" }

    public static func == (a: Device, b: Device) -> Bool { a === b }
    public func hash(into h: inout Hasher) { h.combine(ObjectIdentifier(self)) }

    /// Releases the memory the device's backend caches for reuse (`x.device.clearCache()`);
    /// returns the bytes released.
    @discardableResult
    public func clearCache() -> Int { backend.clearCache(on: self) }

    /// Whether the device can hold and compute with `dtype`.
    public func supports(_ dtype: DType) -> Bool { capabilities.dtypes.contains(dtype) }
}
