import CVulkan
import Foundation
import TesseraCore

/// One logical Vulkan device: queue, memory pool, pipelines and the batch being recorded.
///
/// Thread safety: every Vulkan call that needs external synchronisation (the queue, the
/// command pool and its command buffers, the batches' descriptor pools and fences) runs
/// under `lock`, held only while recording or submitting (never while compiling or
/// waiting). Threads wait on fences without the lock; a batch being waited on is never
/// recycled (see `VulkanBatch.waiters`). The memory pool and the pipelines have locks of
/// their own. Work is recorded into the current batch and submitted when it is full or
/// when someone waits.
final class VulkanDeviceContext: @unchecked Sendable {
    let info: VulkanDeviceInfo
    let label: String
    let device: VkDevice
    let queue: VkQueue
    let commandPool: VkCommandPool
    let pool: VulkanMemoryPool
    let pipelines: VulkanPipelines
    let lock = NSLock()
    private var recording: VulkanBatch?
    private var inFlight: [VulkanBatch] = []
    private var spare: [VulkanBatch] = []
    /// Dispatches recorded so far (tests check that a fused program is one dispatch).
    private(set) var dispatchCount = 0
    /// Whether buffers live in host-visible memory (else uploads and downloads stage).
    var hostVisible: Bool { pool.hostVisible }

    init(info: VulkanDeviceInfo, label: String) throws {
        self.info = info
        self.label = label
        // Logical device with every feature the dtypes need.
        var v12 = VkPhysicalDeviceVulkan12Features()
        v12.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES
        v12.shaderFloat16 = VkBool32(info.shaderFloat16 ? 1 : 0)
        v12.shaderInt8 = VkBool32(info.shaderInt8 ? 1 : 0)
        v12.storageBuffer8BitAccess = VkBool32(info.storageBuffer8Bit ? 1 : 0)
        v12.bufferDeviceAddress = VkBool32(info.bufferDeviceAddress ? 1 : 0)
        var v11 = VkPhysicalDeviceVulkan11Features()
        v11.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES
        v11.storageBuffer16BitAccess = VkBool32(info.storageBuffer16Bit ? 1 : 0)
        var features = VkPhysicalDeviceFeatures2()
        features.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2
        features.features.shaderFloat64 = VkBool32(info.shaderFloat64 ? 1 : 0)
        features.features.shaderInt64 = VkBool32(info.shaderInt64 ? 1 : 0)
        features.features.shaderInt16 = VkBool32(info.shaderInt16 ? 1 : 0)
        var device: VkDevice?
        var priority: Float = 1
        let result: VkResult = withUnsafePointer(to: &priority) { prio in
            var qci = VkDeviceQueueCreateInfo()
            qci.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO
            qci.queueFamilyIndex = info.queueFamily
            qci.queueCount = 1
            qci.pQueuePriorities = prio
            return withUnsafePointer(to: &qci) { q in
                withUnsafeMutablePointer(to: &v11) { p11 in
                    v12.pNext = UnsafeMutableRawPointer(p11)
                    return withUnsafeMutablePointer(to: &v12) { p12 in
                        features.pNext = UnsafeMutableRawPointer(p12)
                        return withUnsafePointer(to: &features) { f in
                            var dci = VkDeviceCreateInfo()
                            dci.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO
                            dci.pNext = UnsafeRawPointer(f)
                            dci.queueCreateInfoCount = 1
                            dci.pQueueCreateInfos = q
                            return vkCreateDevice(info.physicalDevice, &dci, nil, &device)
                        }
                    }
                }
            }
        }
        try VulkanResult.check(result, "vkCreateDevice", device: label)
        self.device = device!
        var queue: VkQueue?
        vkGetDeviceQueue(device, info.queueFamily, 0, &queue)
        self.queue = queue!
        var cpci = VkCommandPoolCreateInfo()
        cpci.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO
        cpci.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT.rawValue
        cpci.queueFamilyIndex = info.queueFamily
        var commandPool: VkCommandPool?
        try VulkanResult.check(vkCreateCommandPool(device, &cpci, nil, &commandPool), "vkCreateCommandPool", device: label)
        self.commandPool = commandPool!

        // Memory: device-local where it exists; host-visible if that memory is (no staging).
        let local = VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT.rawValue
        let visible = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT.rawValue | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT.rawValue
        let types = info.memoryTypes
        let typeIndex: Int
        let hostVisible: Bool
        if let i = types.indices.first(where: { types[$0].propertyFlags & (local | visible) == local | visible }) {
            (typeIndex, hostVisible) = (i, true)
        } else if let i = types.indices.first(where: { types[$0].propertyFlags & local == local }) {
            (typeIndex, hostVisible) = (i, false)
        } else if let i = types.indices.first(where: { types[$0].propertyFlags & visible == visible }) {
            (typeIndex, hostVisible) = (i, true)
        } else {
            throw TesseraError(.unavailable, "\(label): no usable memory type")
        }
        var usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT.rawValue | VK_BUFFER_USAGE_TRANSFER_SRC_BIT.rawValue
            | VK_BUFFER_USAGE_TRANSFER_DST_BIT.rawValue
        if info.bufferDeviceAddress { usage |= VK_BUFFER_USAGE_SHADER_DEVICE_ADDRESS_BIT.rawValue }
        pool = VulkanMemoryPool(device: self.device, deviceName: label, info: info, memoryTypeIndex: UInt32(typeIndex),
                                hostVisible: hostVisible, useDeviceAddress: info.bufferDeviceAddress, usage: usage)
        pipelines = try VulkanPipelines(device: self.device, info: info, label: label, queueLock: lock)
    }

    // MARK: buffers

    /// A new (uninitialised) buffer; on out-of-memory, waits for queued work to release
    /// memory and retries once.
    func makeBuffer(byteCount: Int) throws -> VulkanBuffer {
        do {
            return VulkanBuffer(byteCount: byteCount, allocation: try pool.allocate(byteCount), context: self)
        } catch let e as TesseraError where e.kind == .outOfMemory {
            try synchronize()
            pool.trim()
            return VulkanBuffer(byteCount: byteCount, allocation: try pool.allocate(byteCount), context: self)
        }
    }

    /// A ready buffer holding a copy of `bytes`.
    func upload(_ bytes: UnsafeRawBufferPointer) throws -> VulkanBuffer {
        let buffer = try makeBuffer(byteCount: bytes.count)
        guard bytes.count > 0 else { return buffer }
        if let p = buffer.mapped {
            p.copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
            return buffer
        }
        let staging = try VulkanStagingBuffer(context: self, byteCount: bytes.count)
        staging.mapped.copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        try withLock {
            let batch = try currentBatchLocked()
            var region = VkBufferCopy(srcOffset: 0, dstOffset: VkDeviceSize(buffer.offset), size: VkDeviceSize(bytes.count))
            vkCmdCopyBuffer(batch.commandBuffer, staging.buffer, buffer.vkBuffer, 1, &region)
            barrierLocked(batch)
            batch.retained.append(staging)
            batch.retained.append(buffer)
            batch.outputs.append(buffer)
            buffer.producer = batch
        }
        return buffer
    }

    /// Waits for `buffer` and copies `count` bytes of it into `destination`.
    func download(_ buffer: VulkanBuffer, into destination: UnsafeMutableRawPointer, count: Int) throws {
        try wait(buffer)
        guard count > 0 else { return }
        if let p = buffer.mapped {
            destination.copyMemory(from: p, byteCount: count)
            return
        }
        let staging = try VulkanStagingBuffer(context: self, byteCount: count)
        let batch: VulkanBatch = try withLock {
            let batch = try currentBatchLocked()
            var region = VkBufferCopy(srcOffset: VkDeviceSize(buffer.offset), dstOffset: 0, size: VkDeviceSize(count))
            vkCmdCopyBuffer(batch.commandBuffer, buffer.vkBuffer, staging.buffer, 1, &region)
            batch.retained.append(buffer)
            batch.retained.append(staging)
            try submitLocked()
            return batch
        }
        try waitFor(batch, registered: withLock { registerWaiterLocked(batch) })
        destination.copyMemory(from: staging.mapped, byteCount: count)
    }

    // MARK: recording

    func withLock<R>(_ body: () throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// Records one dispatch of `pipeline` over `buffers` (binding order) with push-constant
    /// `words`; `outputs` become pending on this batch.
    func dispatch(_ program: ShaderProgram, buffers: [VulkanBuffer], words: [UInt32], groups: Int,
                  outputs: [VulkanBuffer]) throws {
        precondition(buffers.count == program.bindings.count, "vulkan: \(program.name) binds \(program.bindings.count) buffers, got \(buffers.count)")
        guard groups > 0 else { return }
        let deviceAddress = buffers.contains { $0.byteCount > info.maxStorageBufferRange }
        if deviceAddress && !info.bufferDeviceAddress {
            throw TesseraError(.unsupported, "\(label): \(program.name) needs a buffer of \(buffers.map(\.byteCount).max()!) bytes, over maxStorageBufferRange (\(info.maxStorageBufferRange)), and the device has no bufferDeviceAddress; use smaller tensors")
        }
        let pipeline = try pipelines.pipeline(for: program, deviceAddress: deviceAddress)
        try withLock {
            var batch = try currentBatchLocked()
            if !batch.fits(bindings: buffers.count) {
                try submitLocked()
                batch = try currentBatchLocked()
            }
            let cb = batch.commandBuffer
            vkCmdBindPipeline(cb, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline.pipeline)
            var push = [UInt32]()
            if deviceAddress {
                for b in buffers {
                    let a = b.deviceAddress
                    push.append(UInt32(truncatingIfNeeded: a))
                    push.append(UInt32(truncatingIfNeeded: a >> 32))
                }
            } else if !buffers.isEmpty {
                var set = try allocateSetLocked(batch, layout: pipeline.setLayout!)
                let infos = buffers.map {
                    VkDescriptorBufferInfo(buffer: $0.vkBuffer, offset: VkDeviceSize($0.offset),
                                           range: VkDeviceSize(Swift.max($0.byteCount, 4)))
                }
                infos.withUnsafeBufferPointer { ip in
                    let writes = (0..<infos.count).map { i -> VkWriteDescriptorSet in
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
                vkCmdBindDescriptorSets(cb, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline.layout, 0, 1, &set, 0, nil)
                batch.descriptorsUsed += buffers.count
            }
            push += words
            if push.isEmpty { push = [0] }
            push.withUnsafeBytes { raw in
                vkCmdPushConstants(cb, pipeline.layout, VK_SHADER_STAGE_COMPUTE_BIT.rawValue, 0, UInt32(raw.count), raw.baseAddress)
            }
            vkCmdDispatch(cb, UInt32(groups), 1, 1)
            barrierLocked(batch)
            batch.dispatches += 1
            dispatchCount += 1
            batch.retained.append(contentsOf: buffers as [AnyObject])
            for o in outputs {
                o.producer = batch
                o.failure = nil
            }
            batch.outputs.append(contentsOf: outputs)
            if batch.dispatches >= VulkanBatch.maxDispatches { try submitLocked() }
        }
    }

    private func barrierLocked(_ batch: VulkanBatch) {
        var barrier = VkMemoryBarrier()
        barrier.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER
        barrier.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT.rawValue | VK_ACCESS_TRANSFER_WRITE_BIT.rawValue
        barrier.dstAccessMask = VK_ACCESS_SHADER_READ_BIT.rawValue | VK_ACCESS_SHADER_WRITE_BIT.rawValue
            | VK_ACCESS_TRANSFER_READ_BIT.rawValue | VK_ACCESS_TRANSFER_WRITE_BIT.rawValue
        let stages = VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT.rawValue | VK_PIPELINE_STAGE_TRANSFER_BIT.rawValue
        vkCmdPipelineBarrier(batch.commandBuffer, stages, stages, 0, 1, &barrier, 0, nil, 0, nil)
    }

    private func allocateSetLocked(_ batch: VulkanBatch, layout: VkDescriptorSetLayout) throws -> VkDescriptorSet? {
        var set: VkDescriptorSet?
        var layout: VkDescriptorSetLayout? = layout
        try withUnsafePointer(to: &layout) { lp in
            var ai = VkDescriptorSetAllocateInfo()
            ai.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO
            ai.descriptorPool = batch.descriptorPool
            ai.descriptorSetCount = 1
            ai.pSetLayouts = lp
            try VulkanResult.check(vkAllocateDescriptorSets(device, &ai, &set), "vkAllocateDescriptorSets", device: label)
        }
        batch.setsUsed += 1
        return set
    }

    /// The batch being recorded (begun on demand).
    private func currentBatchLocked() throws -> VulkanBatch {
        if let b = recording { return b }
        retireLocked()
        let batch: VulkanBatch
        if let b = spare.popLast() {
            batch = b
        } else {
            batch = try newBatchLocked()
        }
        var begin = VkCommandBufferBeginInfo()
        begin.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO
        begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT.rawValue
        try VulkanResult.check(vkBeginCommandBuffer(batch.commandBuffer, &begin), "vkBeginCommandBuffer", device: label)
        batch.state = .recording
        recording = batch
        return batch
    }

    private func newBatchLocked() throws -> VulkanBatch {
        var ai = VkCommandBufferAllocateInfo()
        ai.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO
        ai.commandPool = commandPool
        ai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY
        ai.commandBufferCount = 1
        var cb: VkCommandBuffer?
        try VulkanResult.check(vkAllocateCommandBuffers(device, &ai, &cb), "vkAllocateCommandBuffers", device: label)
        var fci = VkFenceCreateInfo()
        fci.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO
        var fence: VkFence?
        try VulkanResult.check(vkCreateFence(device, &fci, nil, &fence), "vkCreateFence", device: label)
        var size = VkDescriptorPoolSize(type: VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, descriptorCount: UInt32(VulkanBatch.maxDescriptors))
        var pool: VkDescriptorPool?
        try withUnsafePointer(to: &size) { sp in
            var dpci = VkDescriptorPoolCreateInfo()
            dpci.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO
            dpci.maxSets = UInt32(VulkanBatch.maxDispatches)
            dpci.poolSizeCount = 1
            dpci.pPoolSizes = sp
            try VulkanResult.check(vkCreateDescriptorPool(device, &dpci, nil, &pool), "vkCreateDescriptorPool", device: label)
        }
        return VulkanBatch(commandBuffer: cb!, fence: fence!, descriptorPool: pool!)
    }

    /// Ends and submits the batch being recorded (if any).
    func submitLocked() throws {
        guard let batch = recording else { return }
        recording = nil
        var result = vkEndCommandBuffer(batch.commandBuffer)
        if result == VK_SUCCESS {
            var cb: VkCommandBuffer? = batch.commandBuffer
            result = withUnsafePointer(to: &cb) { cp in
                var submit = VkSubmitInfo()
                submit.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO
                submit.commandBufferCount = 1
                submit.pCommandBuffers = cp
                return vkQueueSubmit(queue, 1, &submit, batch.fence)
            }
        }
        batch.state = .submitted
        if result != VK_SUCCESS {
            let e = VulkanResult.error(result, "vkQueueSubmit of \(batch.dispatches) dispatches", device: label)
            fail(batch, e)
            throw e
        }
        inFlight.append(batch)
    }

    private func fail(_ batch: VulkanBatch, _ e: TesseraError) {
        batch.error = e
        for o in batch.outputs where o.producer === batch {
            o.failure = e
            o.producer = nil
        }
        batch.outputs.removeAll()
        batch.retained.removeAll()
        batch.state = .complete
    }

    /// Retires every submitted batch whose fence has signalled (in order).
    private func retireLocked() {
        while let batch = inFlight.first {
            let status = vkGetFenceStatus(device, batch.fence)
            if status == VK_NOT_READY { return }
            inFlight.removeFirst()
            if status == VK_SUCCESS {
                for o in batch.outputs where o.producer === batch { o.producer = nil }
                batch.outputs.removeAll()
                batch.retained.removeAll()
                batch.state = .complete
                if batch.waiters == 0 { recycleLocked(batch) } else { batch.recycleWhenUnwaited = true }
            } else {
                fail(batch, VulkanResult.error(status, "queued work", device: label))
            }
        }
    }

    private func recycleLocked(_ batch: VulkanBatch) {
        var fence: VkFence? = batch.fence
        vkResetFences(device, 1, &fence)
        vkResetCommandBuffer(batch.commandBuffer, 0)
        vkResetDescriptorPool(device, batch.descriptorPool, 0)
        batch.dispatches = 0
        batch.descriptorsUsed = 0
        batch.setsUsed = 0
        batch.error = nil
        spare.append(batch)
    }

    // MARK: waiting

    /// Under the lock: registers the caller as a waiter on a submitted batch (so that no
    /// other thread recycles it meanwhile); false when there is nothing to wait for.
    private func registerWaiterLocked(_ batch: VulkanBatch) -> Bool {
        guard batch.state == .submitted else { return false }
        batch.waiters += 1
        return true
    }

    /// Waits until the work writing `buffer` is done; rethrows its error.
    func wait(_ buffer: VulkanBuffer) throws {
        let pending: (VulkanBatch, Bool)? = try withLock {
            if let f = buffer.failure { throw f }
            // A producer is set only until its batch retires, so it cannot have been recycled.
            guard let b = buffer.producer else { return nil }
            if b.state == .recording { try submitLocked() }
            return (b, registerWaiterLocked(b))
        }
        if let (batch, registered) = pending { try waitFor(batch, registered: registered) }
        try withLock { if let f = buffer.failure { throw f } }
    }

    /// Waits for a batch's fence (when `registered` by `registerWaiterLocked`), retires
    /// finished batches, and rethrows the batch's error.
    private func waitFor(_ batch: VulkanBatch, registered: Bool) throws {
        var waitError: TesseraError?
        if registered {
            var fence: VkFence? = batch.fence
            let r = vkWaitForFences(device, 1, &fence, VkBool32(VK_TRUE), UInt64.max)
            if r != VK_SUCCESS && r != VK_TIMEOUT { waitError = VulkanResult.error(r, "vkWaitForFences", device: label) }
        }
        try withLock {
            if registered {
                batch.waiters -= 1
                if let e = waitError, batch.state != .complete { fail(batch, e) }
            }
            retireLocked()
            let error = batch.error ?? waitError
            if batch.waiters == 0 && batch.recycleWhenUnwaited {
                batch.recycleWhenUnwaited = false
                recycleLocked(batch)
            }
            if let error { throw error }
        }
    }

    /// Submits everything recorded and waits for all queued work.
    func synchronize() throws {
        let last: (VulkanBatch, Bool)? = try withLock {
            try submitLocked()
            return inFlight.last.map { ($0, registerWaiterLocked($0)) }
        }
        if let (batch, registered) = last { try waitFor(batch, registered: registered) }
    }
}

/// A temporary host-visible buffer for uploads and downloads to memory the host cannot map.
final class VulkanStagingBuffer: @unchecked Sendable {
    let device: VkDevice
    let buffer: VkBuffer
    let memory: VkDeviceMemory
    let mapped: UnsafeMutableRawPointer

    init(context: VulkanDeviceContext, byteCount: Int) throws {
        device = context.device
        let visible = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT.rawValue | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT.rawValue
        var bci = VkBufferCreateInfo()
        bci.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO
        bci.size = VkDeviceSize(byteCount)
        bci.usage = VK_BUFFER_USAGE_TRANSFER_SRC_BIT.rawValue | VK_BUFFER_USAGE_TRANSFER_DST_BIT.rawValue
        bci.sharingMode = VK_SHARING_MODE_EXCLUSIVE
        var buffer: VkBuffer?
        try VulkanResult.check(vkCreateBuffer(device, &bci, nil, &buffer), "vkCreateBuffer(staging)", device: context.label)
        var req = VkMemoryRequirements()
        vkGetBufferMemoryRequirements(device, buffer, &req)
        let types = context.info.memoryTypes
        guard let typeIndex = types.indices.first(where: {
            req.memoryTypeBits & (1 << UInt32($0)) != 0 && types[$0].propertyFlags & visible == visible
        }) else {
            vkDestroyBuffer(device, buffer, nil)
            throw TesseraError(.unavailable, "\(context.label): no host-visible memory for staging")
        }
        var mai = VkMemoryAllocateInfo()
        mai.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO
        mai.allocationSize = req.size
        mai.memoryTypeIndex = UInt32(typeIndex)
        var memory: VkDeviceMemory?
        let r = vkAllocateMemory(device, &mai, nil, &memory)
        if r != VK_SUCCESS {
            vkDestroyBuffer(device, buffer, nil)
            throw VulkanResult.error(r, "vkAllocateMemory(staging, \(byteCount) bytes)", device: context.label)
        }
        vkBindBufferMemory(device, buffer, memory, 0)
        var p: UnsafeMutableRawPointer?
        vkMapMemory(device, memory, 0, VK_WHOLE_SIZE, 0, &p)
        self.buffer = buffer!
        self.memory = memory!
        self.mapped = p!
    }

    deinit {
        vkUnmapMemory(device, memory)
        vkDestroyBuffer(device, buffer, nil)
        vkFreeMemory(device, memory, nil)
    }
}
