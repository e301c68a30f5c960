import CVulkan
import TesseraCore

/// A tensor's storage on a Vulkan device: a range of a pooled memory block.
///
/// `producer` is the batch of queued work that writes the buffer (nil once it is known
/// complete, or for uploads); `VulkanDeviceContext.wait` submits and waits for it.
/// Queued batches retain the buffers they use, so a buffer returns its memory to the
/// pool only when no queued work refers to it.
public final class VulkanBuffer: DeviceBuffer, @unchecked Sendable {
    /// Size in bytes (as requested).
    public let byteCount: Int
    let allocation: VulkanAllocation
    unowned let context: VulkanDeviceContext
    /// Guarded by the context's lock.
    var producer: VulkanBatch?
    /// Set when the producing work failed (guarded by the context's lock).
    var failure: TesseraError?

    init(byteCount: Int, allocation: VulkanAllocation, context: VulkanDeviceContext) {
        self.byteCount = byteCount
        self.allocation = allocation
        self.context = context
    }

    deinit { context.pool.free(allocation) }

    var vkBuffer: VkBuffer { allocation.block.buffer }
    var offset: Int { allocation.offset }
    var deviceAddress: UInt64 { allocation.block.deviceAddress + UInt64(allocation.offset) }
    /// The host pointer when the memory is host-visible.
    var mapped: UnsafeMutableRawPointer? { allocation.block.mapped.map { $0 + allocation.offset } }
}
