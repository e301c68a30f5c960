import CVulkan
import Foundation
import Testing
@testable import Tessera
@testable import VulkanBackend

/// Timing figures (printed; run with `swift test --filter VulkanDispatchBenchmarkTests`):
/// a fused 10^6-float element-wise kernel through Tessera against a minimal hand-written
/// Vulkan program doing the same dispatch in the same process, and the first dispatch of a
/// kernel (compile or disk cache, pipeline, dispatch) in this process.
@Suite("Vulkan dispatch benchmark", .serialized)
struct VulkanDispatchBenchmarkTests {
    static let n = 1_000_000
    static let source = """
    #version 450
    layout(local_size_x = 128) in;
    layout(std430, set = 0, binding = 0) readonly buffer A { float a[]; };
    layout(std430, set = 0, binding = 1) readonly buffer B { float b[]; };
    layout(std430, set = 0, binding = 2) writeonly buffer C { float c[]; };
    layout(push_constant) uniform PC { uint n; } pc;
    void main() { uint i = gl_GlobalInvocationID.x; if (i < pc.n) c[i] = a[i] * b[i] + 1.0; }
    """

    static func median(_ xs: [Duration]) -> Duration { xs.sorted()[xs.count / 2] }

    @Test("fused 10^6-float element-wise dispatch vs a hand-written Vulkan program")
    func elementwise() throws {
        guard let device = TestDevices.device("vulkan") else { return }
        let context = try VulkanBackend.shared.context(device)
        let a = Tensor((0..<Self.n).map { Float($0) }, shape: [Self.n]).to(device)
        let b = Tensor([Float](repeating: 2, count: Self.n), shape: [Self.n]).to(device)
        let f = jit { (x: Tensor, y: Tensor) in x * y + 1 }
        #expect(f.lower(a, b).kernelCount == 1)
        let check = f(a, b).asArray(Float.self)
        #expect(check[12345] == 24691)
        // Interleaved rounds, so that load from other processes hits both alike.
        var tessera: [Duration] = []
        var peer: [Duration] = []
        let handWritten = HandWrittenPeer(context: context, n: Self.n)
        for _ in 0..<10 {
            for _ in 0..<5 {
                let start = ContinuousClock.now
                f(a, b).blockUntilReady()
                tessera.append(ContinuousClock.now - start)
            }
            peer += try handWritten.run(iterations: 5)
        }
        let ratio = Double(Self.median(tessera).components.attoseconds) / Double(Self.median(peer).components.attoseconds)
        print("vulkan benchmark: 10^6-float fused element-wise: tessera median \(Self.median(tessera)), hand-written median \(Self.median(peer)), ratio \(String(format: "%.2f", ratio))")
        #expect(ratio < 1.5, "Tessera's dispatch should cost about what a hand-written one does")
    }

    @Test("first dispatch of a kernel in this process (run twice: the second process finds the disk caches warm)")
    func firstDispatch() throws {
        guard let device = TestDevices.device("vulkan") else { return }
        let x = Tensor([1, 2, 3, 4] as [Float], shape: [4]).to(device)
        x.blockUntilReady()
        let compiler = try VulkanBackend.shared.context(device).pipelines.compiler.statistics
        let compilesBefore = compiler.compiles
        let start = ContinuousClock.now
        let f = jit { (x: Tensor) in x * 3 + 0.25 }
        let lowered = f.lower(x)
        let compiled = ContinuousClock.now
        let y = f(x)
        y.blockUntilReady()
        let end = ContinuousClock.now
        print("vulkan benchmark: first dispatch of a known kernel in a new process: \(end - start) (trace, fuse and build the pipeline \(compiled - start), run \(end - compiled)); shaderc compiles: \(compiler.compiles - compilesBefore)")
        #expect(lowered.kernelCount == 1)
        #expect(y.asArray(Float.self).count == 4)
    }
}

/// The minimal hand-written Vulkan program: three buffers, one pipeline, one descriptor set,
/// and per iteration a recorded command buffer, a submit and a fence wait.
final class HandWrittenPeer {
    let context: VulkanDeviceContext
    let n: Int
    init(context: VulkanDeviceContext, n: Int) {
        self.context = context
        self.n = n
    }

    func check(_ r: VkResult) throws { try VulkanResult.check(r, "peer", device: "peer") }

    func run(iterations: Int) throws -> [Duration] {
        let device = context.device
        let words = try ShaderCompiler(cacheDirectory: nil, deviceName: "peer").compile(VulkanDispatchBenchmarkTests.source, name: "peer")
        let buffers = try (0..<3).map { _ in try context.makeBuffer(byteCount: n * 4) }
        var module: VkShaderModule?
        try words.withUnsafeBufferPointer { code in
            var ci = VkShaderModuleCreateInfo()
            ci.sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO
            ci.codeSize = code.count * 4
            ci.pCode = code.baseAddress
            try check(vkCreateShaderModule(device, &ci, nil, &module))
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
            var ci = VkDescriptorSetLayoutCreateInfo()
            ci.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO
            ci.bindingCount = 3
            ci.pBindings = bp.baseAddress
            try check(vkCreateDescriptorSetLayout(device, &ci, nil, &setLayout))
        }
        defer { vkDestroyDescriptorSetLayout(device, setLayout, nil) }
        var layout: VkPipelineLayout?
        var range = VkPushConstantRange(stageFlags: VK_SHADER_STAGE_COMPUTE_BIT.rawValue, offset: 0, size: 4)
        try withUnsafePointer(to: &setLayout) { sl in
            try withUnsafePointer(to: &range) { rp in
                var ci = VkPipelineLayoutCreateInfo()
                ci.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO
                ci.setLayoutCount = 1
                ci.pSetLayouts = sl
                ci.pushConstantRangeCount = 1
                ci.pPushConstantRanges = rp
                try check(vkCreatePipelineLayout(device, &ci, nil, &layout))
            }
        }
        defer { vkDestroyPipelineLayout(device, layout, nil) }
        var pipeline: VkPipeline?
        try "main".withCString { entry in
            var ci = VkComputePipelineCreateInfo()
            ci.sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO
            ci.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO
            ci.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT
            ci.stage.module = module
            ci.stage.pName = entry
            ci.layout = layout
            try check(vkCreateComputePipelines(device, nil, 1, &ci, nil, &pipeline))
        }
        defer { vkDestroyPipeline(device, pipeline, nil) }
        var poolSize = VkDescriptorPoolSize(type: VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, descriptorCount: 3)
        var pool: VkDescriptorPool?
        try withUnsafePointer(to: &poolSize) { ps in
            var ci = VkDescriptorPoolCreateInfo()
            ci.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO
            ci.maxSets = 1
            ci.poolSizeCount = 1
            ci.pPoolSizes = ps
            try check(vkCreateDescriptorPool(device, &ci, nil, &pool))
        }
        defer { vkDestroyDescriptorPool(device, pool, nil) }
        var set: VkDescriptorSet?
        try withUnsafePointer(to: &setLayout) { sl in
            var ai = VkDescriptorSetAllocateInfo()
            ai.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO
            ai.descriptorPool = pool
            ai.descriptorSetCount = 1
            ai.pSetLayouts = sl
            try check(vkAllocateDescriptorSets(device, &ai, &set))
        }
        let infos = buffers.map { VkDescriptorBufferInfo(buffer: $0.vkBuffer, offset: VkDeviceSize($0.offset), range: VkDeviceSize(n * 4)) }
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
            vkUpdateDescriptorSets(device, 3, writes, 0, nil)
        }
        var cmdPool: VkCommandPool?
        var cpci = VkCommandPoolCreateInfo()
        cpci.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO
        cpci.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT.rawValue
        cpci.queueFamilyIndex = context.info.queueFamily
        try check(vkCreateCommandPool(device, &cpci, nil, &cmdPool))
        defer { vkDestroyCommandPool(device, cmdPool, nil) }
        var cbai = VkCommandBufferAllocateInfo()
        cbai.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO
        cbai.commandPool = cmdPool
        cbai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY
        cbai.commandBufferCount = 1
        var cmd: VkCommandBuffer?
        try check(vkAllocateCommandBuffers(device, &cbai, &cmd))
        var fence: VkFence?
        var fci = VkFenceCreateInfo()
        fci.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO
        try check(vkCreateFence(device, &fci, nil, &fence))
        defer { vkDestroyFence(device, fence, nil) }
        var times: [Duration] = []
        for _ in 0..<(iterations + 1) {
            let start = ContinuousClock.now
            var begin = VkCommandBufferBeginInfo()
            begin.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO
            begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT.rawValue
            try check(vkBeginCommandBuffer(cmd, &begin))
            vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline)
            vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, layout, 0, 1, &set, 0, nil)
            var count = UInt32(n)
            vkCmdPushConstants(cmd, layout, VK_SHADER_STAGE_COMPUTE_BIT.rawValue, 0, 4, &count)
            vkCmdDispatch(cmd, UInt32((n + 127) / 128), 1, 1)
            try check(vkEndCommandBuffer(cmd))
            // The queue is shared with the backend: submit under its lock.
            try context.withLock {
                try withUnsafePointer(to: &cmd) { cp in
                    var submit = VkSubmitInfo()
                    submit.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO
                    submit.commandBufferCount = 1
                    submit.pCommandBuffers = cp
                    try check(vkQueueSubmit(context.queue, 1, &submit, fence))
                }
            }
            try check(vkWaitForFences(device, 1, &fence, VkBool32(VK_TRUE), UInt64.max))
            try check(vkResetFences(device, 1, &fence))
            try check(vkResetCommandBuffer(cmd, 0))
            times.append(ContinuousClock.now - start)
        }
        return Array(times.dropFirst())
    }
}
