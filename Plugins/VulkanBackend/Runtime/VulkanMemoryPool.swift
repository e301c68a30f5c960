import CVulkan
import Foundation
import TesseraCore

/// One `VkDeviceMemory` allocation with a `VkBuffer` covering all of it; tensors are
/// sub-ranges of it.
final class VulkanMemoryBlock: @unchecked Sendable {
    let memory: VkDeviceMemory
    let buffer: VkBuffer
    let size: Int
    /// The persistent mapping when the memory is host-visible.
    let mapped: UnsafeMutableRawPointer?
    /// The buffer's device address when buffer device addresses are enabled.
    let deviceAddress: UInt64
    /// Whether the block holds one large tensor (returned to a size-keyed cache when freed).
    let dedicated: Bool
    /// Bump pointer for sub-allocation.
    var used = 0

    init(memory: VkDeviceMemory, buffer: VkBuffer, size: Int, mapped: UnsafeMutableRawPointer?,
         deviceAddress: UInt64, dedicated: Bool) {
        self.memory = memory
        self.buffer = buffer
        self.size = size
        self.mapped = mapped
        self.deviceAddress = deviceAddress
        self.dedicated = dedicated
    }
}

/// A sub-range of a memory block.
struct VulkanAllocation: @unchecked Sendable {
    let block: VulkanMemoryBlock
    let offset: Int
    /// Rounded size (the pool's size class).
    let size: Int
}

/// Sub-allocates device memory from large blocks, with a caching pool.
///
/// Requests are rounded up to a size class (a power of two of at least 256 bytes); freed
/// ranges go to a free list per class and are reused as they are. Requests of more than a
/// quarter block get a block of their own, cached by size when freed. When the device runs
/// out of memory the cached blocks are released and the allocation retried.
final class VulkanMemoryPool: @unchecked Sendable {
    private let device: VkDevice
    private let deviceName: String
    private let memoryTypeIndex: UInt32
    let hostVisible: Bool
    let useDeviceAddress: Bool
    let blockSize: Int
    let alignment: Int
    let maxAllocation: Int
    private let lock = NSLock()
    private var blocks: [VulkanMemoryBlock] = []
    private var freeLists: [Int: [VulkanAllocation]] = [:]
    private var dedicatedCache: [VulkanMemoryBlock] = []
    private var current: VulkanMemoryBlock?
    /// Bytes currently handed out (for tests and statistics).
    private(set) var liveBytes = 0
    private let usage: VkBufferUsageFlags

    init(device: VkDevice, deviceName: String, info: VulkanDeviceInfo, memoryTypeIndex: UInt32,
         hostVisible: Bool, useDeviceAddress: Bool, usage: VkBufferUsageFlags) {
        self.device = device
        self.deviceName = deviceName
        self.memoryTypeIndex = memoryTypeIndex
        self.hostVisible = hostVisible
        self.useDeviceAddress = useDeviceAddress
        self.maxAllocation = info.maxMemoryAllocationSize
        self.blockSize = Swift.min(64 << 20, info.maxMemoryAllocationSize)
        self.alignment = Swift.max(256, info.minStorageBufferOffsetAlignment)
        self.usage = usage
    }

    deinit {
        for b in blocks + dedicatedCache { destroy(b) }
    }

    /// The size class of a request.
    func sizeClass(_ bytes: Int) -> Int {
        let n = Swift.max(bytes, 1)
        if n > blockSize / 4 { return (n + (1 << 20) - 1) & ~((1 << 20) - 1) }
        var c = alignment
        while c < n { c <<= 1 }
        return c
    }

    /// Allocates at least `bytes` bytes.
    func allocate(_ bytes: Int) throws -> VulkanAllocation {
        let size = sizeClass(bytes)
        if size > maxAllocation {
            throw TesseraError(.outOfMemory, "\(deviceName): a buffer of \(bytes) bytes exceeds maxMemoryAllocationSize (\(maxAllocation) bytes); split the tensor")
        }
        lock.lock()
        defer { lock.unlock() }
        let a = try allocateLocked(size)
        liveBytes += size
        return a
    }

    private func allocateLocked(_ size: Int) throws -> VulkanAllocation {
        if size > blockSize / 4 {
            if let i = dedicatedCache.firstIndex(where: { $0.size == size }) {
                return VulkanAllocation(block: dedicatedCache.remove(at: i), offset: 0, size: size)
            }
            let block = try newBlockRetrying(size: size, dedicated: true)
            return VulkanAllocation(block: block, offset: 0, size: size)
        }
        if var list = freeLists[size], let a = list.popLast() {
            freeLists[size] = list
            return a
        }
        if current == nil || current!.used + size > current!.size {
            current = try newBlockRetrying(size: blockSize, dedicated: false)
            blocks.append(current!)
        }
        let block = current!
        let a = VulkanAllocation(block: block, offset: block.used, size: size)
        block.used += size
        return a
    }

    /// Returns an allocation to the pool (the caller guarantees no queued work uses it).
    func free(_ a: VulkanAllocation) {
        lock.lock()
        defer { lock.unlock() }
        liveBytes -= a.size
        if a.block.dedicated {
            dedicatedCache.append(a.block)
            // Keep at most a few large blocks cached: the heap is shared with everything else.
            while dedicatedCache.reduce(0, { $0 + $1.size }) > 1 << 30 || dedicatedCache.count > 8 {
                destroy(dedicatedCache.removeFirst())
            }
        } else {
            freeLists[a.size, default: []].append(a)
        }
    }

    /// Releases every cached large block.
    func trim() {
        lock.lock()
        defer { lock.unlock() }
        for b in dedicatedCache { destroy(b) }
        dedicatedCache.removeAll()
    }

    private func newBlockRetrying(size: Int, dedicated: Bool) throws -> VulkanMemoryBlock {
        do {
            return try newBlock(size: size, dedicated: dedicated)
        } catch let e as TesseraError where e.kind == .outOfMemory && !dedicatedCache.isEmpty {
            for b in dedicatedCache { destroy(b) }
            dedicatedCache.removeAll()
            return try newBlock(size: size, dedicated: dedicated)
        }
    }

    private func newBlock(size: Int, dedicated: Bool) throws -> VulkanMemoryBlock {
        var bci = VkBufferCreateInfo()
        bci.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO
        bci.size = VkDeviceSize(size)
        bci.usage = usage
        bci.sharingMode = VK_SHARING_MODE_EXCLUSIVE
        var buffer: VkBuffer?
        try VulkanResult.check(vkCreateBuffer(device, &bci, nil, &buffer), "vkCreateBuffer(\(size) bytes)", device: deviceName)
        var req = VkMemoryRequirements()
        vkGetBufferMemoryRequirements(device, buffer, &req)
        var flags = VkMemoryAllocateFlagsInfo()
        flags.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_FLAGS_INFO
        flags.flags = VK_MEMORY_ALLOCATE_DEVICE_ADDRESS_BIT.rawValue
        var mai = VkMemoryAllocateInfo()
        mai.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO
        mai.allocationSize = req.size
        mai.memoryTypeIndex = memoryTypeIndex
        var memory: VkDeviceMemory?
        let r = withUnsafePointer(to: &flags) { fp -> VkResult in
            if useDeviceAddress { mai.pNext = UnsafeRawPointer(fp) }
            return vkAllocateMemory(device, &mai, nil, &memory)
        }
        if r != VK_SUCCESS {
            vkDestroyBuffer(device, buffer, nil)
            throw VulkanResult.error(r, "vkAllocateMemory(\(size) bytes; \(liveBytes - 0) bytes in use)", device: deviceName)
        }
        let bindResult = vkBindBufferMemory(device, buffer, memory, 0)
        if bindResult != VK_SUCCESS {
            vkDestroyBuffer(device, buffer, nil)
            vkFreeMemory(device, memory, nil)
            throw VulkanResult.error(bindResult, "vkBindBufferMemory", device: deviceName)
        }
        var mapped: UnsafeMutableRawPointer?
        if hostVisible {
            try VulkanResult.check(vkMapMemory(device, memory, 0, VK_WHOLE_SIZE, 0, &mapped), "vkMapMemory", device: deviceName)
        }
        var address: UInt64 = 0
        if useDeviceAddress {
            var info = VkBufferDeviceAddressInfo()
            info.sType = VK_STRUCTURE_TYPE_BUFFER_DEVICE_ADDRESS_INFO
            info.buffer = buffer
            address = vkGetBufferDeviceAddress(device, &info)
        }
        return VulkanMemoryBlock(memory: memory!, buffer: buffer!, size: size, mapped: mapped,
                                 deviceAddress: address, dedicated: dedicated)
    }

    private func destroy(_ b: VulkanMemoryBlock) {
        vkDestroyBuffer(device, b.buffer, nil)
        if b.mapped != nil { vkUnmapMemory(device, b.memory) }
        vkFreeMemory(device, b.memory, nil)
    }
}
