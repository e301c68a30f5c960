import CVulkan
import TesseraCore

/// What one physical device offers, read from the driver (never assumed).
struct VulkanDeviceInfo: @unchecked Sendable {
    let physicalDevice: VkPhysicalDevice
    let name: String
    let kind: DeviceKind
    let apiVersion: UInt32
    let driverVersion: UInt32
    /// `pipelineCacheUUID`, as hex: keys the on-disk pipeline cache.
    let pipelineCacheUUID: String
    let queueFamily: UInt32
    var shaderFloat64: Bool
    var shaderInt64: Bool
    let shaderInt16: Bool
    var shaderFloat16: Bool
    let shaderInt8: Bool
    let storageBuffer8Bit: Bool
    var storageBuffer16Bit: Bool
    let bufferDeviceAddress: Bool
    let maxStorageBufferRange: Int
    let maxMemoryAllocationSize: Int
    let maxPushConstantsSize: Int
    let maxComputeWorkGroupInvocations: Int
    let maxComputeWorkGroupCountX: Int
    let maxComputeSharedMemorySize: Int
    let minStorageBufferOffsetAlignment: Int
    let subgroupSize: Int
    /// Subgroup arithmetic is supported in compute shaders.
    let subgroupArithmetic: Bool
    let memoryHeapBytes: [Int]
    let memoryTypes: [VkMemoryType]

    /// Reads the properties and features of `pd`; nil when it has no compute queue.
    init?(_ pd: VkPhysicalDevice) {
        var qfCount: UInt32 = 0
        vkGetPhysicalDeviceQueueFamilyProperties(pd, &qfCount, nil)
        var families = [VkQueueFamilyProperties](repeating: VkQueueFamilyProperties(), count: Int(qfCount))
        vkGetPhysicalDeviceQueueFamilyProperties(pd, &qfCount, &families)
        guard let family = families.firstIndex(where: { $0.queueFlags & VK_QUEUE_COMPUTE_BIT.rawValue != 0 }) else { return nil }
        physicalDevice = pd
        queueFamily = UInt32(family)

        var subgroup = VkPhysicalDeviceSubgroupProperties()
        subgroup.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES
        var maint3 = VkPhysicalDeviceMaintenance3Properties()
        maint3.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MAINTENANCE_3_PROPERTIES
        var props2 = VkPhysicalDeviceProperties2()
        props2.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2
        withUnsafeMutablePointer(to: &maint3) { m3 in
            subgroup.pNext = UnsafeMutableRawPointer(m3)
            withUnsafeMutablePointer(to: &subgroup) { sg in
                props2.pNext = UnsafeMutableRawPointer(sg)
                vkGetPhysicalDeviceProperties2(pd, &props2)
                sg.pointee.pNext = nil
            }
        }
        let p = props2.properties
        let l = p.limits
        name = vulkanTupleString(p.deviceName)
        switch p.deviceType {
        case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU, VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU, VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
            kind = .gpu
        default:
            kind = .cpu
        }
        apiVersion = p.apiVersion
        driverVersion = p.driverVersion
        pipelineCacheUUID = vulkanTupleElements(p.pipelineCacheUUID, as: UInt8.self, count: 16)
            .map { String(format2: $0) }.joined()
        maxStorageBufferRange = Int(l.maxStorageBufferRange)
        maxMemoryAllocationSize = Int(maint3.maxMemoryAllocationSize)
        maxPushConstantsSize = Int(l.maxPushConstantsSize)
        maxComputeWorkGroupInvocations = Int(l.maxComputeWorkGroupInvocations)
        maxComputeWorkGroupCountX = Int(vulkanTupleElements(l.maxComputeWorkGroupCount, as: UInt32.self, count: 3)[0])
        maxComputeSharedMemorySize = Int(l.maxComputeSharedMemorySize)
        minStorageBufferOffsetAlignment = Int(l.minStorageBufferOffsetAlignment)
        subgroupSize = Int(subgroup.subgroupSize)
        subgroupArithmetic = subgroup.supportedOperations & VK_SUBGROUP_FEATURE_ARITHMETIC_BIT.rawValue != 0
            && subgroup.supportedStages & VK_SHADER_STAGE_COMPUTE_BIT.rawValue != 0

        var v12 = VkPhysicalDeviceVulkan12Features()
        v12.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES
        var v11 = VkPhysicalDeviceVulkan11Features()
        v11.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES
        var features2 = VkPhysicalDeviceFeatures2()
        features2.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2
        let is12 = tessera_vk_api_version_minor(p.apiVersion) >= 2 || tessera_vk_api_version_major(p.apiVersion) > 1
        if is12 {
            withUnsafeMutablePointer(to: &v11) { p11 in
                v12.pNext = UnsafeMutableRawPointer(p11)
                withUnsafeMutablePointer(to: &v12) { p12 in
                    features2.pNext = UnsafeMutableRawPointer(p12)
                    vkGetPhysicalDeviceFeatures2(pd, &features2)
                    p12.pointee.pNext = nil
                }
            }
        } else {
            vkGetPhysicalDeviceFeatures2(pd, &features2)
        }
        let f = features2.features
        shaderFloat64 = f.shaderFloat64 != 0
        shaderInt64 = f.shaderInt64 != 0
        shaderInt16 = f.shaderInt16 != 0
        shaderFloat16 = v12.shaderFloat16 != 0
        shaderInt8 = v12.shaderInt8 != 0
        storageBuffer8Bit = v12.storageBuffer8BitAccess != 0
        storageBuffer16Bit = v11.storageBuffer16BitAccess != 0
        bufferDeviceAddress = v12.bufferDeviceAddress != 0

        var mem = VkPhysicalDeviceMemoryProperties()
        vkGetPhysicalDeviceMemoryProperties(pd, &mem)
        memoryHeapBytes = vulkanTupleElements(mem.memoryHeaps, as: VkMemoryHeap.self, count: Int(mem.memoryHeapCount)).map { Int($0.size) }
        memoryTypes = vulkanTupleElements(mem.memoryTypes, as: VkMemoryType.self, count: Int(mem.memoryTypeCount))
    }

    /// The dtypes the device can store and compute with (bool needs 8-bit storage, float16
    /// needs shaderFloat16 and 16-bit storage, float64 shaderFloat64, int64 shaderInt64).
    var dtypes: Set<DType> {
        var s: Set<DType> = [.int32, .uint32, .float32]
        if storageBuffer8Bit && shaderInt8 { s.insert(.bool) }
        if shaderFloat16 && storageBuffer16Bit { s.insert(.float16) }
        if shaderFloat64 { s.insert(.float64) }
        if shaderInt64 { s.insert(.int64) }
        return s
    }

    /// Why a dtype is missing, in the device's own terms.
    func missingFeature(for dtype: DType) -> String {
        switch dtype {
        case .bool: return "storageBuffer8BitAccess and shaderInt8"
        case .float16: return "shaderFloat16 and storageBuffer16BitAccess"
        case .float64: return "shaderFloat64"
        case .int64: return "shaderInt64"
        case .int32, .uint32, .float32: return "(always supported)"
        }
    }

    /// The capability record shown to users.
    var capabilities: DeviceCapabilities {
        let version = "\(tessera_vk_api_version_major(apiVersion)).\(tessera_vk_api_version_minor(apiVersion)).\(tessera_vk_api_version_patch(apiVersion))"
        return DeviceCapabilities(
            dtypes: dtypes,
            maxBufferBytes: bufferDeviceAddress ? maxMemoryAllocationSize : maxStorageBufferRange,
            memoryBytes: memoryHeapBytes.max(),
            computeUnits: nil,
            details: [
                "api": version,
                "subgroupSize": String(subgroupSize),
                "maxStorageBufferRange": String(maxStorageBufferRange),
                "maxMemoryAllocationSize": String(maxMemoryAllocationSize),
                "maxComputeWorkGroupInvocations": String(maxComputeWorkGroupInvocations),
                "maxComputeSharedMemorySize": String(maxComputeSharedMemorySize),
                "bufferDeviceAddress": String(bufferDeviceAddress),
                "shaderFloat16": String(shaderFloat16),
                "shaderFloat64": String(shaderFloat64),
                "shaderInt64": String(shaderInt64),
                "memoryHeaps": memoryHeapBytes.map { "\($0 >> 20) MiB" }.joined(separator: ","),
            ])
    }
}

extension String {
    /// Two lowercase hex digits.
    init(format2 byte: UInt8) {
        let s = String(byte, radix: 16)
        self = s.count == 1 ? "0" + s : s
    }
}
