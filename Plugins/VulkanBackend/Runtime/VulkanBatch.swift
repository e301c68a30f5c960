import CVulkan
import TesseraCore

/// A command buffer of recorded dispatches and copies, submitted once with a fence.
///
/// The batch retains every buffer its commands use until the fence signals, and is
/// recycled (command buffer reset, descriptor pool reset) when it retires.
final class VulkanBatch: @unchecked Sendable {
    enum State { case recording, submitted, complete }
    let commandBuffer: VkCommandBuffer
    let fence: VkFence
    let descriptorPool: VkDescriptorPool
    var state = State.recording
    var retained: [AnyObject] = []
    var outputs: [VulkanBuffer] = []
    var dispatches = 0
    var descriptorsUsed = 0
    var setsUsed = 0
    /// Set when submission or execution failed.
    var error: TesseraError?
    /// Threads blocked in `vkWaitForFences` on this batch's fence. A retired batch is
    /// recycled (fence and command buffer reset, batch reused) only once this is zero:
    /// resetting a fence another thread waits on is undefined, and the waiter would then
    /// wait on the batch's next, unrelated submission.
    var waiters = 0
    /// Retired while threads were still waiting on it: the last of them recycles it.
    var recycleWhenUnwaited = false

    static let maxDispatches = 64
    static let maxDescriptors = 64 * 16

    init(commandBuffer: VkCommandBuffer, fence: VkFence, descriptorPool: VkDescriptorPool) {
        self.commandBuffer = commandBuffer
        self.fence = fence
        self.descriptorPool = descriptorPool
    }

    /// Whether `bindings` more descriptors and one more set fit.
    func fits(bindings: Int) -> Bool {
        dispatches < Self.maxDispatches && descriptorsUsed + bindings <= Self.maxDescriptors && setsUsed < Self.maxDispatches
    }
}
