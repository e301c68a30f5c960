@_exported import TesseraCore
import OpenCLBackend
import ReferenceBackend
import BLASBackend
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
    }

    /// Chooses the backends to use in priority order, as `TESSERA_BACKEND` does.
    /// Throws a `TesseraError` listing the available backends when none of them works.
    ///
    /// ```swift
    /// try Tessera.configure(backends: ["vulkan", "blas"])
    /// ```
    public static func configure(backends: [String]) throws {
        try DeviceManager.shared.configure(backends: backends)
    }
}
