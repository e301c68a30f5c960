import Foundation
import Testing
@testable import Tessera
@testable import VulkanBackend

/// Shaders whose threads loop along a long axis (scans, argmax, long reductions) give the
/// whole answer: lavapipe stops a shader invocation after 65535 loop iterations in all, so
/// these run past that.
@Suite("Vulkan long loops")
struct VulkanLongLoopTests {
    @Test("cumsum, argmax and sum along an axis of 300000 elements")
    func longAxis() throws {
        guard let device = TestDevices.device("vulkan") else { return }
        let n = 300_000
        let values = (0..<n).map { Int32($0 % 7) }
        let x = Tensor(values, shape: [n]).to(device)
        let c = bind(.cumulative(.cumsum, axis: 0, reverse: false), [x])[0].asArray(Int32.self)
        var running: Int32 = 0
        var expected = [Int32](repeating: 0, count: n)
        for i in 0..<n { running &+= values[i]; expected[i] = running }
        #expect(c.last == expected.last)
        let same = c == expected
        #expect(same, "cumsum differs from the host scan")
        var withPeak = values
        withPeak[n - 5] = 100
        let peak = Tensor(withPeak, shape: [n]).to(device)
        #expect(bind(.argReduce(.argmax, axis: 0, indexDType: .int32), [peak])[0].item(Int32.self) == Int32(n - 5))
        let total = bind(.reduce(.sum, axes: [0]), [x])[0].item(Int32.self)
        #expect(total == values.reduce(0, &+))
    }

    @Test("cumsum along an axis of 1.5 million elements (the unroll factor grows with the length)")
    func longerAxis() throws {
        guard let device = TestDevices.device("vulkan") else { return }
        let n = 1_500_000
        #expect(DeviceShaders.unrollFactor(tripCount: n) * 8192 >= n)
        let values = (0..<n).map { Int32($0 % 3) }
        let c = bind(.cumulative(.cumsum, axis: 0, reverse: true), [Tensor(values, shape: [n]).to(device)])[0].asArray(Int32.self)
        var running: Int32 = 0
        var expected = [Int32](repeating: 0, count: n)
        for i in (0..<n).reversed() { running &+= values[i]; expected[i] = running }
        #expect(c.first == expected.first)
        #expect(c == expected, "reverse cumsum differs from the host scan")
    }
}
