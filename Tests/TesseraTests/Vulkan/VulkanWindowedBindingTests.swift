import Foundation
import Testing
@testable import Tessera
@testable import VulkanBackend

/// The fallback for devices without bufferDeviceAddress, forced on lavapipe (which has it)
/// for the dispatches of this thread: element-wise kernels over a tensor larger than
/// maxStorageBufferRange run in chunks over windows of their buffers.
@Suite("Vulkan without buffer device addresses", .serialized)
struct VulkanWindowedBindingTests {
    @Test("a 144 MB element-wise kernel (jit and eager) runs in windows of maxStorageBufferRange")
    func windows() throws {
        guard let device = TestDevices.device("vulkan") else { return }
        let context = try VulkanBackend.shared.context(device)
        let shape = [9000, 4000]
        // Made with device addresses (iota computes coordinates, it is not windowed).
        let x = try VulkanLargeTensorTests.ramp(shape, dimension: 1, scale: 1e-3, on: device)
        x.blockUntilReady()
        #expect(x.type.byteCount > context.info.maxStorageBufferRange)
        let dispatchesBefore = context.dispatchCount
        let (y, z) = VulkanDeviceContext.withoutDeviceAddress { () -> (Tensor, Tensor) in
            #expect(!context.usesDeviceAddress)
            let y = jit(VulkanLargeTensorTests.f)(x)
            let z = x + x
            y.blockUntilReady()
            z.blockUntilReady()
            return (y, z)
        }
        // Two kernels of 144 MB in windows of at most 128 MiB: at least four dispatches
        // (other suites may dispatch on the device meanwhile, so no upper bound).
        #expect(context.dispatchCount - dispatchesBefore >= 4)
        let xs = x.asArray(Float.self), ys = y.asArray(Float.self), zs = z.asArray(Float.self)
        let chunk = context.info.maxStorageBufferRange / 4
        var indices = [0, 1, chunk - 1, chunk, chunk + 1, 2 * chunk - 1, 2 * chunk, xs.count - 1]
        indices += Array(stride(from: 7, to: xs.count, by: 99_991))
        var bad: [String] = []
        for i in indices where i < xs.count {
            let v = xs[i]
            let expected: Float = -4 * v * v * v + 9 * v * v + 6 * v - 3
            if ys[i] != expected { bad.append("f at \(i): \(ys[i]) != \(expected)") }
            if zs[i] != v + v { bad.append("x + x at \(i): \(zs[i]) != \(v + v)") }
        }
        #expect(bad.isEmpty, "\(bad.prefix(8))")
    }
}
