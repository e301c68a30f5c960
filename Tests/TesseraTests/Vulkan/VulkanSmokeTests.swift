import Foundation
import Testing
@testable import Tessera
@testable import VulkanBackend

@Suite("Vulkan basics")
struct VulkanBasicsTests {
    @Test("discovery reads capabilities from the device")
    func discovery() throws {
        let backend = VulkanBackend.shared
        guard let device = TestDevices.device("vulkan") else { return }
        #expect(backend.availability == .available)
        let caps = device.capabilities
        #expect(caps.dtypes.contains(.float32))
        #expect(caps.details["maxStorageBufferRange"] != nil)
        print("vulkan device: \(device) caps \(caps)")
    }

    @Test("elementwise add and a reduction on the device")
    func addAndSum() throws {
        guard let device = TestDevices.device("vulkan") else { return }
        let a = Tensor([1, 2, 3, 4] as [Float], shape: [2, 2]).to(device)
        let b = Tensor([10, 20, 30, 40] as [Float], shape: [2, 2]).to(device)
        let c = a + b
        #expect(c.asArray(Float.self) == [11, 22, 33, 44])
        #expect(c.sum().item(Float.self) == 110)
        #expect(c.sum(axes: [1]).asArray(Float.self) == [33, 77])
        #expect(exp(a).asArray(Float.self) == [1, 2, 3, 4].map { Float(Foundation.exp(Double($0))) })
    }
}
