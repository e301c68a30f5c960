import COpenCL
import Foundation

/// Which entry point creates a device's command queue.
///
/// `clCreateCommandQueueWithProperties` exists from OpenCL 2.0; an OpenCL 1.2 driver only
/// has `clCreateCommandQueue` (the ICD loader exports both, but a 1.2 driver's dispatch
/// table has no entry for the newer one). The choice follows the version the device
/// reports (`CL_DEVICE_VERSION`, "OpenCL <major>.<minor> <vendor text>");
/// `TESSERA_OPENCL_QUEUE_API=legacy` or `=properties` overrides it for a driver that
/// misreports its version.
enum CommandQueueAPI: String, Sendable, Equatable {
    /// `clCreateCommandQueue` (OpenCL 1.x).
    case legacy
    /// `clCreateCommandQueueWithProperties` (OpenCL 2.0 and later).
    case properties

    /// The API for a device reporting `deviceVersion`, unless `override` names one.
    static func choose(deviceVersion: String,
                       override: String? = ProcessInfo.processInfo.environment["TESSERA_OPENCL_QUEUE_API"]) -> CommandQueueAPI {
        if let override, let api = CommandQueueAPI(rawValue: override.lowercased()) { return api }
        guard let (major, _) = parseVersion(deviceVersion) else { return .legacy }
        return major >= 2 ? .properties : .legacy
    }

    /// `(major, minor)` from "OpenCL 1.2 pocl ..." or nil when the text has another form.
    static func parseVersion(_ text: String) -> (Int, Int)? {
        let words = text.split(separator: " ")
        guard words.count >= 2, words[0] == "OpenCL" else { return nil }
        let parts = words[1].split(separator: ".")
        guard parts.count >= 2, let major = Int(parts[0]), let minor = Int(parts[1]) else { return nil }
        return (major, minor)
    }

    /// An in-order queue on `device` in `context`, or nil with `error` set.
    func makeQueue(_ context: cl_context, _ device: cl_device_id, _ error: inout cl_int) -> cl_command_queue? {
        switch self {
        case .legacy: return clCreateCommandQueue(context, device, 0, &error)
        case .properties: return clCreateCommandQueueWithProperties(context, device, nil, &error)
        }
    }

    /// The OpenCL function's name, for error messages.
    var functionName: String {
        switch self {
        case .legacy: return "clCreateCommandQueue"
        case .properties: return "clCreateCommandQueueWithProperties"
        }
    }
}
