import CVulkan
import Foundation
import TesseraCore

/// A compute pipeline for one shader in one binding mode.
final class VulkanPipeline: @unchecked Sendable {
    let pipeline: VkPipeline
    let layout: VkPipelineLayout
    let setLayout: VkDescriptorSetLayout?
    init(pipeline: VkPipeline, layout: VkPipelineLayout, setLayout: VkDescriptorSetLayout?) {
        self.pipeline = pipeline
        self.layout = layout
        self.setLayout = setLayout
    }
}

/// Pipelines by shader source, one descriptor-set layout per arity, and a `VkPipelineCache`
/// persisted on disk (keyed by the device's pipeline-cache UUID and driver version).
final class VulkanPipelines: @unchecked Sendable {
    let device: VkDevice
    let info: VulkanDeviceInfo
    let label: String
    let compiler: ShaderCompiler
    private let lock = NSLock()
    /// Pipelines created by this object (tests count them).
    var pipelineCount: Int { lock.withLock { pipelines.count } }
    private var pipelines: [String: VulkanPipeline] = [:]
    private var setLayouts: [Int: VkDescriptorSetLayout] = [:]
    private var layouts: [String: VkPipelineLayout] = [:]
    private(set) var pipelineCache: VkPipelineCache?
    /// Whether the pipeline cache file was found corrupted and ignored (tests read this).
    private(set) var pipelineCacheWasRebuilt = false
    private(set) var pipelineCacheLoadedBytes = 0
    /// Size of the driver's cache data as last loaded or saved: a pipeline found in the
    /// cache leaves it unchanged, and a warm process then skips rewriting the file.
    private var pipelineCacheSavedBytes = 0
    let pushBytes: Int
    /// The device context's queue lock, held while a pipeline is created on a CPU device:
    /// lavapipe (Mesa 22) builds a compute pipeline's state on the same gallium context that
    /// executes queue submissions, without a lock of its own, and concurrent creation and
    /// submission crashed it. GPUs create pipelines without blocking the queue.
    private let queueLock: NSLock?

    init(device: VkDevice, info: VulkanDeviceInfo, label: String, queueLock: NSLock?,
         cacheDirectory: URL? = VulkanCacheDirectory.resolve()) throws {
        self.device = device
        self.info = info
        self.label = label
        self.queueLock = info.kind == .cpu ? queueLock : nil
        self.pushBytes = Swift.min(128, info.maxPushConstantsSize)
        compiler = ShaderCompiler(cacheDirectory: cacheDirectory, deviceName: label)
        pipelineCache = try createPipelineCache()
    }

    /// `pipeline-<uuid>-<driverVersion>.bin` in the cache directory.
    var pipelineCacheURL: URL? {
        compiler.cacheDirectory?.appendingPathComponent("pipeline-\(info.pipelineCacheUUID)-\(info.driverVersion).bin")
    }

    private func createPipelineCache() throws -> VkPipelineCache? {
        var initial = Data()
        if let url = pipelineCacheURL, let data = try? Data(contentsOf: url) {
            if let payload = Self.decodeCacheFile(data, uuid: info.pipelineCacheUUID) {
                initial = payload
                pipelineCacheLoadedBytes = payload.count
                pipelineCacheSavedBytes = payload.count
                VulkanLog.info("vulkan: loaded pipeline cache \(url.lastPathComponent) (\(payload.count) bytes)")
            } else {
                pipelineCacheWasRebuilt = true
                VulkanLog.info("vulkan: pipeline cache \(url.lastPathComponent) is corrupted; starting empty")
                try? FileManager.default.removeItem(at: url)
            }
        }
        var cache: VkPipelineCache?
        let r = initial.withUnsafeBytes { raw -> VkResult in
            var ci = VkPipelineCacheCreateInfo()
            ci.sType = VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO
            ci.initialDataSize = raw.count
            ci.pInitialData = raw.count > 0 ? raw.baseAddress : nil
            return vkCreatePipelineCache(device, &ci, nil, &cache)
        }
        try VulkanResult.check(r, "vkCreatePipelineCache", device: label)
        return cache
    }

    /// The file: `TSPC` + checksum (8 bytes) + the driver's cache data, whose own header
    /// (length, version, vendor, device, UUID) is checked too.
    static func decodeCacheFile(_ data: Data, uuid: String) -> Data? {
        guard data.count >= 12 + 32, data.prefix(4) == Data("TSPC".utf8) else { return nil }
        let stored = data.subdata(in: 4..<12).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        let payload = data.subdata(in: 12..<data.count)
        guard UInt64(littleEndian: stored) == ContentHash.checksum(payload) else { return nil }
        let headerSize = payload.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 0, as: UInt32.self) }
        let version = payload.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 4, as: UInt32.self) }
        let fileUUID = payload.subdata(in: 16..<32).map { String(format2: $0) }.joined()
        guard headerSize >= 32, Int(headerSize) <= payload.count, version == 1, fileUUID == uuid else { return nil }
        return payload
    }

    static func encodeCacheFile(_ payload: Data) -> Data {
        var data = Data("TSPC".utf8)
        withUnsafeBytes(of: ContentHash.checksum(payload).littleEndian) { data.append(contentsOf: $0) }
        data.append(payload)
        return data
    }

    /// Writes the pipeline cache to disk.
    func savePipelineCache() {
        guard let url = pipelineCacheURL, let cache = pipelineCache else { return }
        var size = 0
        let status = vkGetPipelineCacheData(device, cache, &size, nil)
        VulkanLog.debug("vulkan: pipeline cache data: \(VulkanResult.name(status)), \(size) bytes")
        guard status == VK_SUCCESS, size > 0, size != pipelineCacheSavedBytes else { return }
        var data = Data(count: size)
        let r = data.withUnsafeMutableBytes { vkGetPipelineCacheData(device, cache, &size, $0.baseAddress) }
        guard r == VK_SUCCESS else { return }
        VulkanCacheDirectory.write(Self.encodeCacheFile(data.prefix(size)), to: url)
        pipelineCacheSavedBytes = size
    }

    /// The pipeline of `program` in a binding mode (compiled, or from the caches).
    func pipeline(for program: ShaderProgram, deviceAddress: Bool) throws -> VulkanPipeline {
        let source = program.source(deviceAddress: deviceAddress, int64Available: info.shaderInt64)
        let key = source + "\n//local \(program.localSize)"
        if let p = lock.withLock({ pipelines[key] }) { return p }
        if program.pushBytes(deviceAddress: deviceAddress) > pushBytes {
            throw TesseraError(.unsupported, "\(label): \(program.name) needs \(program.pushBytes(deviceAddress: deviceAddress)) bytes of push constants, more than the \(pushBytes) available; it has too many operands for \(deviceAddress ? "buffer device addresses" : "this device")")
        }
        let start = ContinuousClock.now
        let words = try compiler.spirv(for: source, name: program.name)
        let spirvDone = ContinuousClock.now
        return try lock.withLock {
            if let p = pipelines[key] { return p }
            queueLock?.lock()
            defer { queueLock?.unlock() }
            let (layout, setLayout) = try layoutLocked(arity: deviceAddress ? 0 : program.bindings.count, deviceAddress: deviceAddress)
            var module: VkShaderModule?
            try words.withUnsafeBufferPointer { code in
                var ci = VkShaderModuleCreateInfo()
                ci.sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO
                ci.codeSize = code.count * 4
                ci.pCode = code.baseAddress
                try VulkanResult.check(vkCreateShaderModule(device, &ci, nil, &module), "vkCreateShaderModule(\(program.name))", device: label)
            }
            defer { vkDestroyShaderModule(device, module, nil) }
            var localSize = UInt32(program.localSize)
            var entry = VkSpecializationMapEntry(constantID: 0, offset: 0, size: 4)
            var pipeline: VkPipeline?
            let r = withUnsafePointer(to: &localSize) { lp in
                withUnsafePointer(to: &entry) { ep in
                    var spec = VkSpecializationInfo(mapEntryCount: 1, pMapEntries: ep, dataSize: 4, pData: UnsafeRawPointer(lp))
                    return withUnsafePointer(to: &spec) { sp in
                        "main".withCString { name in
                            var ci = VkComputePipelineCreateInfo()
                            ci.sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO
                            ci.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO
                            ci.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT
                            ci.stage.module = module
                            ci.stage.pName = name
                            ci.stage.pSpecializationInfo = sp
                            ci.layout = layout
                            return vkCreateComputePipelines(device, pipelineCache, 1, &ci, nil, &pipeline)
                        }
                    }
                }
            }
            try VulkanResult.check(r, "vkCreateComputePipelines(\(program.name))", device: label)
            let p = VulkanPipeline(pipeline: pipeline!, layout: layout, setLayout: setLayout)
            pipelines[key] = p
            let created = ContinuousClock.now
            savePipelineCache()
            VulkanLog.info("vulkan: pipeline \(program.name): SPIR-V \(spirvDone - start), vkCreateComputePipelines \(created - spirvDone), cache file \(ContinuousClock.now - created)")
            return p
        }
    }

    /// One descriptor-set layout per arity (storage buffers 0..<arity) and its pipeline
    /// layout with the push-constant range; device-address mode has no set.
    private func layoutLocked(arity: Int, deviceAddress: Bool) throws -> (VkPipelineLayout, VkDescriptorSetLayout?) {
        let key = deviceAddress ? "bda" : "set\(arity)"
        var setLayout: VkDescriptorSetLayout?
        if !deviceAddress {
            if let s = setLayouts[arity] {
                setLayout = s
            } else {
                let bindings = (0..<arity).map { i -> VkDescriptorSetLayoutBinding in
                    var b = VkDescriptorSetLayoutBinding()
                    b.binding = UInt32(i)
                    b.descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER
                    b.descriptorCount = 1
                    b.stageFlags = VK_SHADER_STAGE_COMPUTE_BIT.rawValue
                    return b
                }
                try bindings.withUnsafeBufferPointer { bp in
                    var ci = VkDescriptorSetLayoutCreateInfo()
                    ci.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO
                    ci.bindingCount = UInt32(bp.count)
                    ci.pBindings = bp.baseAddress
                    try VulkanResult.check(vkCreateDescriptorSetLayout(device, &ci, nil, &setLayout), "vkCreateDescriptorSetLayout", device: label)
                }
                setLayouts[arity] = setLayout
            }
        }
        if let l = layouts[key] { return (l, setLayout) }
        var range = VkPushConstantRange(stageFlags: VK_SHADER_STAGE_COMPUTE_BIT.rawValue, offset: 0, size: UInt32(pushBytes))
        var layout: VkPipelineLayout?
        try withUnsafePointer(to: &setLayout) { sl in
            try withUnsafePointer(to: &range) { rp in
                var ci = VkPipelineLayoutCreateInfo()
                ci.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO
                ci.setLayoutCount = deviceAddress ? 0 : 1
                ci.pSetLayouts = deviceAddress ? nil : sl
                ci.pushConstantRangeCount = 1
                ci.pPushConstantRanges = rp
                try VulkanResult.check(vkCreatePipelineLayout(device, &ci, nil, &layout), "vkCreatePipelineLayout", device: label)
            }
        }
        layouts[key] = layout!
        return (layout!, setLayout)
    }
}
