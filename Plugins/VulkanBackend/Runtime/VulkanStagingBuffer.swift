import CVulkan
import TesseraCore

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
