import Foundation
import Synchronization

/// Knows every registered backend and its devices, and picks the default device.
///
/// Built-in backends are registered by the `Tessera` module at start-up; a program that
/// links only `TesseraCore` registers its backends with `DeviceManager.register`.
public final class DeviceManager: Sendable {
    /// The process-wide manager.
    public static let shared = DeviceManager()

    private struct State {
        var backends: [any Backend] = []
        var defaultDevice: Device?
        var configuredOrder: [String]?
    }
    private let state = Mutex(State())

    /// Creates a manager with no backends (for embedders and tests; programs use `shared`).
    public init() {}

    /// Registers a backend (in priority order of registration). Registering a second
    /// backend of the same name replaces the first.
    public func register(_ backend: any Backend) {
        state.withLock { s in
            s.backends.removeAll { $0.name == backend.name }
            s.backends.append(backend)
            s.defaultDevice = nil
        }
    }

    /// Every registered backend, available or not.
    public var backends: [any Backend] { state.withLock { $0.backends } }

    /// Every device of every available backend.
    public var allDevices: [Device] {
        backends.filter { $0.availability == .available }.flatMap(\.devices)
    }

    /// Chooses the backends to use, in priority order (the programmatic `TESSERA_BACKEND`).
    /// Throws a `TesseraError` listing what is available when no named backend works.
    public func configure(backends names: [String]) throws {
        let device = try selectDefault(order: names)
        state.withLock { s in
            s.configuredOrder = names
            s.defaultDevice = device
        }
    }

    /// The default device: the first device of the first working backend in
    /// `TESSERA_BACKEND` order, or else a GPU (Vulkan, then OpenCL), else BLAS, else reference.
    public var defaultDevice: Device {
        if self === DeviceManager.shared, let d = TraceStack.current.defaultDeviceOverride { return d }
        if let d = state.withLock({ $0.defaultDevice }) { return d }
        let env = ProcessInfo.processInfo.environment["TESSERA_BACKEND"]
        let order = env.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() } }
        do {
            let d = try selectDefault(order: order)
            state.withLock { $0.defaultDevice = d }
            return d
        } catch {
            fatalError("\(error)")
        }
    }

    private func selectDefault(order: [String]?) throws -> Device {
        let all = backends
        if all.isEmpty {
            throw TesseraError(.configuration, "no backend is registered: import Tessera (which registers the built-in backends) or call DeviceManager.shared.register(_:)")
        }
        if let order, !order.isEmpty {
            for name in order {
                guard let b = all.first(where: { $0.name == name }) else {
                    throw TesseraError(.configuration, "TESSERA_BACKEND names unknown backend '\(name)'; known backends: \(availabilityReport(all))")
                }
                if b.availability == .available, let d = b.devices.first { return d }
            }
            throw TesseraError(.unavailable, "none of the backends in TESSERA_BACKEND (\(order.joined(separator: ","))) is available: \(availabilityReport(all))")
        }
        let available = all.filter { $0.availability == .available && !$0.devices.isEmpty }
        for preferred in ["vulkan", "opencl"] {
            if let b = available.first(where: { $0.name == preferred }), let d = b.devices.first(where: { $0.kind == .gpu }) {
                return d
            }
        }
        for preferred in ["blas", "reference"] {
            if let b = available.first(where: { $0.name == preferred }), let d = b.devices.first { return d }
        }
        if let d = available.first?.devices.first { return d }
        throw TesseraError(.unavailable, "no backend has a usable device: \(availabilityReport(all))")
    }

    /// One line per backend: its devices, or why it is unavailable.
    public func availabilityReport(_ list: [any Backend]? = nil) -> String {
        (list ?? backends).map { b in
            switch b.availability {
            case .available: return "\(b.name) [\(b.devices.map(\.description).joined(separator: ", "))]"
            case .unavailable(let reason): return "\(b.name) (unavailable: \(reason))"
            }
        }.joined(separator: "; ")
    }

    /// The first available device of the named backend, or nil.
    public func device(backend name: String, index: Int = 0) -> Device? {
        guard let b = backends.first(where: { $0.name == name }), b.availability == .available,
              index < b.devices.count else { return nil }
        return b.devices[index]
    }
}

extension Device {
    /// Every device of every available backend.
    public static var all: [Device] { DeviceManager.shared.allDevices }
    /// The device new tensors are placed on.
    public static var `default`: Device { DeviceManager.shared.defaultDevice }

    /// Runs `body` with `device` as the default device on this thread: tensors made without
    /// operands there (`Tensor.zeros`, `arange`, host arrays, random samples) land on it.
    ///
    /// ```swift
    /// let x = Device.withDefault(Device.all[1]) { Tensor.arange(10) }
    /// ```
    public static func withDefault<R>(_ device: Device, _ body: () throws -> R) rethrows -> R {
        let stack = TraceStack.current
        let saved = stack.defaultDeviceOverride
        stack.defaultDeviceOverride = device
        defer { stack.defaultDeviceOverride = saved }
        return try body()
    }
}
