import CVulkan

private func vkCheck(_ r: VkResult, _ what: String) throws {
    if r != VK_SUCCESS { throw CheckError("\(what) failed with VkResult \(r.rawValue)") }
}

// VK_MAKE_API_VERSION & co. are function-like macros that do not import; the shim wraps them.
private func versionString(_ v: UInt32) -> String {
    "\(tessera_vk_api_version_major(v)).\(tessera_vk_api_version_minor(v)).\(tessera_vk_api_version_patch(v))"
}

/// Elements of a fixed-size C array (imported as a homogeneous tuple).
private func elements<Tuple, Element>(of tuple: Tuple, as: Element.Type, count: Int) -> [Element] {
    withUnsafeBytes(of: tuple) { Array($0.bindMemory(to: Element.self).prefix(count)) }
}

func checkVulkan(spirv: [UInt32]) throws {
    // Instance
    var instance: VkInstance?
    var appInfo = VkApplicationInfo()
    appInfo.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO
    appInfo.apiVersion = TESSERA_VK_API_VERSION_1_2
    try "tessera-native-check".withCString { name in
        appInfo.pApplicationName = name
        try withUnsafePointer(to: &appInfo) { app in
            var ci = VkInstanceCreateInfo()
            ci.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO
            ci.pApplicationInfo = app
            try vkCheck(vkCreateInstance(&ci, nil, &instance), "vkCreateInstance")
        }
    }
    defer { vkDestroyInstance(instance, nil) }
    var loaderVersion: UInt32 = 0
    vkEnumerateInstanceVersion(&loaderVersion)
    report("vulkan", "instance created (loader API \(versionString(loaderVersion)))")

    // Physical devices
    var count: UInt32 = 0
    try vkCheck(vkEnumeratePhysicalDevices(instance, &count, nil), "vkEnumeratePhysicalDevices")
    guard count > 0 else { throw CheckError("no Vulkan physical device (is mesa-vulkan-drivers installed?)") }
    var physicalDevices = [VkPhysicalDevice?](repeating: nil, count: Int(count))
    try vkCheck(vkEnumeratePhysicalDevices(instance, &count, &physicalDevices), "vkEnumeratePhysicalDevices")

    for case let pd? in physicalDevices {
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
        let typeName = p.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU ? "cpu" :
            p.deviceType == VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU ? "discrete-gpu" :
            p.deviceType == VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU ? "integrated-gpu" : "other(\(p.deviceType.rawValue))"
        report("vulkan", "device: \(string(fromCTuple: p.deviceName)) | type \(typeName) | API \(versionString(p.apiVersion)) | vendor 0x\(String(p.vendorID, radix: 16))")

        var v12 = VkPhysicalDeviceVulkan12Features()
        v12.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES
        var v11 = VkPhysicalDeviceVulkan11Features()
        v11.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES
        var features2 = VkPhysicalDeviceFeatures2()
        features2.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2
        withUnsafeMutablePointer(to: &v11) { p11 in
            v12.pNext = UnsafeMutableRawPointer(p11)
            withUnsafeMutablePointer(to: &v12) { p12 in
                features2.pNext = UnsafeMutableRawPointer(p12)
                vkGetPhysicalDeviceFeatures2(pd, &features2)
                p12.pointee.pNext = nil
            }
        }
        let f = features2.features
        report("vulkan", "  shaderFloat64=\(f.shaderFloat64 != 0) shaderInt64=\(f.shaderInt64 != 0) shaderInt16=\(f.shaderInt16 != 0) shaderFloat16=\(v12.shaderFloat16 != 0) shaderInt8=\(v12.shaderInt8 != 0) storageBuffer8BitAccess=\(v12.storageBuffer8BitAccess != 0) storageBuffer16BitAccess=\(v11.storageBuffer16BitAccess != 0) bufferDeviceAddress=\(v12.bufferDeviceAddress != 0)")
        report("vulkan", "  maxStorageBufferRange=\(l.maxStorageBufferRange) (\(l.maxStorageBufferRange >> 20) MiB) maxMemoryAllocationSize=\(maint3.maxMemoryAllocationSize >> 20) MiB maxPushConstantsSize=\(l.maxPushConstantsSize) maxPerStageDescriptorStorageBuffers=\(l.maxPerStageDescriptorStorageBuffers) maxBoundDescriptorSets=\(l.maxBoundDescriptorSets)")
        let wgCount = elements(of: l.maxComputeWorkGroupCount, as: UInt32.self, count: 3)
        let wgSize = elements(of: l.maxComputeWorkGroupSize, as: UInt32.self, count: 3)
        report("vulkan", "  maxComputeWorkGroupInvocations=\(l.maxComputeWorkGroupInvocations) maxComputeWorkGroupSize=\(wgSize) maxComputeWorkGroupCount=\(wgCount) maxComputeSharedMemorySize=\(l.maxComputeSharedMemorySize) minStorageBufferOffsetAlignment=\(l.minStorageBufferOffsetAlignment)")
        report("vulkan", "  subgroupSize=\(subgroup.subgroupSize) subgroupOps=0x\(String(subgroup.supportedOperations, radix: 16)) stages=0x\(String(subgroup.supportedStages, radix: 16))")
        var mem = VkPhysicalDeviceMemoryProperties()
        vkGetPhysicalDeviceMemoryProperties(pd, &mem)
        let heaps = elements(of: mem.memoryHeaps, as: VkMemoryHeap.self, count: Int(mem.memoryHeapCount))
        let types = elements(of: mem.memoryTypes, as: VkMemoryType.self, count: Int(mem.memoryTypeCount))
        report("vulkan", "  memory heaps: \(heaps.map { "\($0.size >> 20) MiB flags=0x\(String($0.flags, radix: 16))" }) types: \(types.map { "heap\($0.heapIndex)/0x\(String($0.propertyFlags, radix: 16))" })")
    }

    // Run the shaderc-compiled compute shader on the first device.
    guard !spirv.isEmpty else { throw CheckError("no SPIR-V (shaderc check failed), cannot dispatch") }
    try runComputeShader(physicalDevice: physicalDevices[0]!, spirv: spirv)
}

private func runComputeShader(physicalDevice pd: VkPhysicalDevice, spirv: [UInt32]) throws {
    // Compute queue family
    var qfCount: UInt32 = 0
    vkGetPhysicalDeviceQueueFamilyProperties(pd, &qfCount, nil)
    var families = [VkQueueFamilyProperties](repeating: VkQueueFamilyProperties(), count: Int(qfCount))
    vkGetPhysicalDeviceQueueFamilyProperties(pd, &qfCount, &families)
    guard let family = families.firstIndex(where: { $0.queueFlags & VK_QUEUE_COMPUTE_BIT.rawValue != 0 }) else {
        throw CheckError("no compute queue family")
    }
    report("vulkan", "  queue families: \(families.map { "flags=0x\(String($0.queueFlags, radix: 16)) count=\($0.queueCount)" }); using \(family)")

    // Logical device
    var device: VkDevice?
    var priority: Float = 1
    try withUnsafePointer(to: &priority) { prio in
        var qci = VkDeviceQueueCreateInfo()
        qci.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO
        qci.queueFamilyIndex = UInt32(family)
        qci.queueCount = 1
        qci.pQueuePriorities = prio
        try withUnsafePointer(to: &qci) { q in
            var dci = VkDeviceCreateInfo()
            dci.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO
            dci.queueCreateInfoCount = 1
            dci.pQueueCreateInfos = q
            try vkCheck(vkCreateDevice(pd, &dci, nil, &device), "vkCreateDevice")
        }
    }
    defer { vkDestroyDevice(device, nil) }
    var queue: VkQueue?
    vkGetDeviceQueue(device, UInt32(family), 0, &queue)

    // Host-visible buffers
    var memProps = VkPhysicalDeviceMemoryProperties()
    vkGetPhysicalDeviceMemoryProperties(pd, &memProps)
    let memTypes = elements(of: memProps.memoryTypes, as: VkMemoryType.self, count: Int(memProps.memoryTypeCount))
    let wanted = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT.rawValue | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT.rawValue

    let n = 1000
    let size = VkDeviceSize(n * MemoryLayout<Float>.stride)
    var buffers: [VkBuffer?] = []
    var memories: [VkDeviceMemory?] = []
    defer {
        for b in buffers { vkDestroyBuffer(device, b, nil) }
        for m in memories { vkFreeMemory(device, m, nil) }
    }
    for _ in 0..<3 {
        var bci = VkBufferCreateInfo()
        bci.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO
        bci.size = size
        bci.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT.rawValue
        bci.sharingMode = VK_SHARING_MODE_EXCLUSIVE
        var buffer: VkBuffer?
        try vkCheck(vkCreateBuffer(device, &bci, nil, &buffer), "vkCreateBuffer")
        buffers.append(buffer)
        var req = VkMemoryRequirements()
        vkGetBufferMemoryRequirements(device, buffer, &req)
        guard let typeIndex = memTypes.indices.first(where: {
            req.memoryTypeBits & (1 << UInt32($0)) != 0 && memTypes[$0].propertyFlags & wanted == wanted
        }) else { throw CheckError("no host-visible coherent memory type") }
        var mai = VkMemoryAllocateInfo()
        mai.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO
        mai.allocationSize = req.size
        mai.memoryTypeIndex = UInt32(typeIndex)
        var memory: VkDeviceMemory?
        try vkCheck(vkAllocateMemory(device, &mai, nil, &memory), "vkAllocateMemory")
        memories.append(memory)
        try vkCheck(vkBindBufferMemory(device, buffer, memory, 0), "vkBindBufferMemory")
    }
    func withMapped<R>(_ i: Int, _ body: (UnsafeMutableBufferPointer<Float>) throws -> R) throws -> R {
        var ptr: UnsafeMutableRawPointer?
        try vkCheck(vkMapMemory(device, memories[i], 0, size, 0, &ptr), "vkMapMemory")
        defer { vkUnmapMemory(device, memories[i]) }
        return try body(UnsafeMutableBufferPointer(start: ptr!.bindMemory(to: Float.self, capacity: n), count: n))
    }
    try withMapped(0) { a in for i in 0..<n { a[i] = Float(i) } }
    try withMapped(1) { b in for i in 0..<n { b[i] = 2 } }

    // Shader module, layouts, pipeline
    var module: VkShaderModule?
    try spirv.withUnsafeBufferPointer { code in
        var smci = VkShaderModuleCreateInfo()
        smci.sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO
        smci.codeSize = code.count * 4
        smci.pCode = code.baseAddress
        try vkCheck(vkCreateShaderModule(device, &smci, nil, &module), "vkCreateShaderModule")
    }
    defer { vkDestroyShaderModule(device, module, nil) }

    let bindings = (0..<3).map { i -> VkDescriptorSetLayoutBinding in
        var b = VkDescriptorSetLayoutBinding()
        b.binding = UInt32(i)
        b.descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER
        b.descriptorCount = 1
        b.stageFlags = VK_SHADER_STAGE_COMPUTE_BIT.rawValue
        return b
    }
    var setLayout: VkDescriptorSetLayout?
    try bindings.withUnsafeBufferPointer { bp in
        var dslci = VkDescriptorSetLayoutCreateInfo()
        dslci.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO
        dslci.bindingCount = UInt32(bp.count)
        dslci.pBindings = bp.baseAddress
        try vkCheck(vkCreateDescriptorSetLayout(device, &dslci, nil, &setLayout), "vkCreateDescriptorSetLayout")
    }
    defer { vkDestroyDescriptorSetLayout(device, setLayout, nil) }

    var pipelineLayout: VkPipelineLayout?
    var pushRange = VkPushConstantRange(stageFlags: VK_SHADER_STAGE_COMPUTE_BIT.rawValue, offset: 0, size: 4)
    try withUnsafePointer(to: &setLayout) { sl in
        try withUnsafePointer(to: &pushRange) { pr in
            var plci = VkPipelineLayoutCreateInfo()
            plci.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO
            plci.setLayoutCount = 1
            plci.pSetLayouts = sl
            plci.pushConstantRangeCount = 1
            plci.pPushConstantRanges = pr
            try vkCheck(vkCreatePipelineLayout(device, &plci, nil, &pipelineLayout), "vkCreatePipelineLayout")
        }
    }
    defer { vkDestroyPipelineLayout(device, pipelineLayout, nil) }

    var pipeline: VkPipeline?
    let pipelineTime = try ContinuousClock().measure {
        try "main".withCString { entry in
            var cpci = VkComputePipelineCreateInfo()
            cpci.sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO
            cpci.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO
            cpci.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT
            cpci.stage.module = module
            cpci.stage.pName = entry
            cpci.layout = pipelineLayout
            try vkCheck(vkCreateComputePipelines(device, nil, 1, &cpci, nil, &pipeline), "vkCreateComputePipelines")
        }
    }
    defer { vkDestroyPipeline(device, pipeline, nil) }

    // Descriptor set
    var poolSize = VkDescriptorPoolSize(type: VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, descriptorCount: 3)
    var pool: VkDescriptorPool?
    try withUnsafePointer(to: &poolSize) { ps in
        var dpci = VkDescriptorPoolCreateInfo()
        dpci.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO
        dpci.maxSets = 1
        dpci.poolSizeCount = 1
        dpci.pPoolSizes = ps
        try vkCheck(vkCreateDescriptorPool(device, &dpci, nil, &pool), "vkCreateDescriptorPool")
    }
    defer { vkDestroyDescriptorPool(device, pool, nil) }
    var set: VkDescriptorSet?
    try withUnsafePointer(to: &setLayout) { sl in
        var dsai = VkDescriptorSetAllocateInfo()
        dsai.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO
        dsai.descriptorPool = pool
        dsai.descriptorSetCount = 1
        dsai.pSetLayouts = sl
        try vkCheck(vkAllocateDescriptorSets(device, &dsai, &set), "vkAllocateDescriptorSets")
    }
    let infos = buffers.map { VkDescriptorBufferInfo(buffer: $0, offset: 0, range: VK_WHOLE_SIZE) }
    infos.withUnsafeBufferPointer { ip in
        let writes = (0..<3).map { i -> VkWriteDescriptorSet in
            var w = VkWriteDescriptorSet()
            w.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET
            w.dstSet = set
            w.dstBinding = UInt32(i)
            w.descriptorCount = 1
            w.descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER
            w.pBufferInfo = ip.baseAddress! + i
            return w
        }
        vkUpdateDescriptorSets(device, UInt32(writes.count), writes, 0, nil)
    }

    // Record, submit, wait
    var cmdPool: VkCommandPool?
    var cpci = VkCommandPoolCreateInfo()
    cpci.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO
    cpci.queueFamilyIndex = UInt32(family)
    try vkCheck(vkCreateCommandPool(device, &cpci, nil, &cmdPool), "vkCreateCommandPool")
    defer { vkDestroyCommandPool(device, cmdPool, nil) }
    var cbai = VkCommandBufferAllocateInfo()
    cbai.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO
    cbai.commandPool = cmdPool
    cbai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY
    cbai.commandBufferCount = 1
    var cmd: VkCommandBuffer?
    try vkCheck(vkAllocateCommandBuffers(device, &cbai, &cmd), "vkAllocateCommandBuffers")
    var begin = VkCommandBufferBeginInfo()
    begin.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO
    begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT.rawValue
    try vkCheck(vkBeginCommandBuffer(cmd, &begin), "vkBeginCommandBuffer")
    vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline)
    vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pipelineLayout, 0, 1, &set, 0, nil)
    var count = UInt32(n)
    vkCmdPushConstants(cmd, pipelineLayout, VK_SHADER_STAGE_COMPUTE_BIT.rawValue, 0, 4, &count)
    vkCmdDispatch(cmd, UInt32((n + 63) / 64), 1, 1)
    try vkCheck(vkEndCommandBuffer(cmd), "vkEndCommandBuffer")

    var fence: VkFence?
    var fci = VkFenceCreateInfo()
    fci.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO
    try vkCheck(vkCreateFence(device, &fci, nil, &fence), "vkCreateFence")
    defer { vkDestroyFence(device, fence, nil) }
    let dispatchTime = try ContinuousClock().measure {
        try withUnsafePointer(to: &cmd) { cp in
            var submit = VkSubmitInfo()
            submit.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO
            submit.commandBufferCount = 1
            submit.pCommandBuffers = cp
            try vkCheck(vkQueueSubmit(queue, 1, &submit, fence), "vkQueueSubmit")
        }
        try vkCheck(vkWaitForFences(device, 1, &fence, VkBool32(VK_TRUE), UInt64.max), "vkWaitForFences")
    }
    let c = try withMapped(2) { Array($0) }
    for i in 0..<n where c[i] != Float(i) * 2 + 1 {
        throw CheckError("compute result c[\(i)] = \(c[i]), expected \(Float(i) * 2 + 1)")
    }
    report("vulkan", "compute shader over \(n) floats: c[0...3] = \(Array(c[0..<4])), c[\(n - 1)] = \(c[n - 1]); pipeline create \(ms(pipelineTime)), first submit+wait \(ms(dispatchTime))")
}
