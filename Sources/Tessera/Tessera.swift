@_exported import TesseraCore
import OpenCLBackend
import ReferenceBackend
import BLASBackend
import VulkanBackend
import TesseraBootstrap

/// Registers the built-in backend plugins with the device manager. Called once at
/// program start by a constructor in `TesseraBootstrap`; calling it again is harmless.
@_cdecl("tessera_register_builtin_backends")
public func registerBuiltinBackends() {
    Tessera.registerBuiltinBackends()
}

/// The Tessera namespace: configuration entry points.
public enum Tessera {
    /// Registers every built-in backend (reference, and the device backends when built).
    public static func registerBuiltinBackends() {
        let manager = DeviceManager.shared
        if manager.backends.contains(where: { $0.name == ReferenceBackend.shared.name }) { return }
        manager.register(ReferenceBackend.shared)
        manager.register(BLASBackend.shared)
        manager.register(OpenCLBackend.shared)
        manager.register(VulkanBackend.shared)
    }

    /// Chooses the backends to use in priority order, as `TESSERA_BACKEND` does, and how
    /// many virtual devices the BLAS CPU backend has, as `TESSERA_CPU_DEVICES` does (JAX's
    /// `jax_num_cpu_devices`). Call it at program start: the CPU split is fixed once the
    /// BLAS devices have been used. Throws a `TesseraError` listing the available backends
    /// when none of them works, or saying why the split cannot change.
    ///
    /// ```swift
    /// try Tessera.configure(backends: ["vulkan", "blas"])
    /// try Tessera.configure(backends: ["blas"], cpuDevices: 4)   // pmap over blas:0 ... blas:3
    /// ```
    public static func configure(backends: [String]? = nil, cpuDevices: Int? = nil) throws {
        if let cpuDevices { try BLASBackend.shared.configureVirtualDevices(cpuDevices) }
        if let backends { try DeviceManager.shared.configure(backends: backends) }
    }
}
