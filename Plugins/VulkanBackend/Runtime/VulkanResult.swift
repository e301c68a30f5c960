import CVulkan
import TesseraCore

/// Maps `VkResult` codes to `TesseraError`s that name the device and what to change.
enum VulkanResult {
    /// Throws a `TesseraError` unless `result` is `VK_SUCCESS` (or `VK_INCOMPLETE`).
    static func check(_ result: VkResult, _ what: @autoclosure () -> String, device: String) throws {
        if result == VK_SUCCESS || result == VK_INCOMPLETE { return }
        throw error(result, what(), device: device)
    }

    /// The error for a failed call.
    static func error(_ result: VkResult, _ what: String, device: String) -> TesseraError {
        switch result {
        case VK_ERROR_OUT_OF_DEVICE_MEMORY, VK_ERROR_OUT_OF_HOST_MEMORY, VK_ERROR_OUT_OF_POOL_MEMORY:
            return TesseraError(.outOfMemory, "\(device): \(what) failed: out of \(result == VK_ERROR_OUT_OF_HOST_MEMORY ? "host" : "device") memory (\(name(result))); free tensors you no longer need or use smaller shapes")
        case VK_ERROR_DEVICE_LOST:
            return TesseraError(.execution, "\(device): \(what) failed: the Vulkan device was lost (VK_ERROR_DEVICE_LOST); results of queued work are gone, restart the process")
        case VK_ERROR_INITIALIZATION_FAILED, VK_ERROR_INCOMPATIBLE_DRIVER, VK_ERROR_LAYER_NOT_PRESENT,
             VK_ERROR_EXTENSION_NOT_PRESENT, VK_ERROR_FEATURE_NOT_PRESENT:
            return TesseraError(.unavailable, "\(device): \(what) failed with \(name(result)); check the Vulkan driver (mesa-vulkan-drivers for lavapipe)")
        default:
            return TesseraError(.execution, "\(device): \(what) failed with \(name(result))")
        }
    }

    /// A readable name of a result code.
    static func name(_ r: VkResult) -> String {
        switch r {
        case VK_ERROR_OUT_OF_HOST_MEMORY: return "VK_ERROR_OUT_OF_HOST_MEMORY"
        case VK_ERROR_OUT_OF_DEVICE_MEMORY: return "VK_ERROR_OUT_OF_DEVICE_MEMORY"
        case VK_ERROR_OUT_OF_POOL_MEMORY: return "VK_ERROR_OUT_OF_POOL_MEMORY"
        case VK_ERROR_DEVICE_LOST: return "VK_ERROR_DEVICE_LOST"
        case VK_ERROR_INITIALIZATION_FAILED: return "VK_ERROR_INITIALIZATION_FAILED"
        case VK_ERROR_INCOMPATIBLE_DRIVER: return "VK_ERROR_INCOMPATIBLE_DRIVER"
        case VK_ERROR_EXTENSION_NOT_PRESENT: return "VK_ERROR_EXTENSION_NOT_PRESENT"
        case VK_ERROR_FEATURE_NOT_PRESENT: return "VK_ERROR_FEATURE_NOT_PRESENT"
        case VK_ERROR_LAYER_NOT_PRESENT: return "VK_ERROR_LAYER_NOT_PRESENT"
        case VK_TIMEOUT: return "VK_TIMEOUT"
        case VK_NOT_READY: return "VK_NOT_READY"
        default: return "VkResult(\(r.rawValue))"
        }
    }
}

/// Elements of a fixed-size C array (imported as a homogeneous tuple).
func vulkanTupleElements<Tuple, Element>(_ tuple: Tuple, as: Element.Type, count: Int) -> [Element] {
    withUnsafeBytes(of: tuple) { Array($0.bindMemory(to: Element.self).prefix(count)) }
}

/// A String from a fixed-size C char array.
func vulkanTupleString<Tuple>(_ tuple: Tuple) -> String {
    withUnsafeBytes(of: tuple) { raw in
        let bytes = raw.bindMemory(to: UInt8.self)
        let end = bytes.firstIndex(of: 0) ?? bytes.count
        return String(decoding: bytes[..<end], as: UTF8.self)
    }
}
