import Foundation
import Testing
@testable import Tessera
@testable import VulkanBackend

/// Tensors over lavapipe's 128 MiB maxStorageBufferRange (bound by buffer device address),
/// the seed polynomial under jit as one dispatch, and a 4096x4096 matmul.
@Suite("Vulkan large tensors", .serialized)
struct VulkanLargeTensorTests {
    static func f(_ x: Tensor) -> Tensor { -4 * x * x * x + 9 * x * x + 6 * x - 3 }

    /// `iota(shape, dimension) * scale` made on `device`.
    static func ramp(_ shape: [Int], dimension: Int, scale: Float, on device: Device) throws -> Tensor {
        let p = Primitive.iota(dtype: .float32, shape: shape, dimension: dimension)
        let t = ShapedType(shape, .float32)
        let b = try device.backend.execute(p, inputs: [], inputTypes: [], outputTypes: [t], on: device)
        return Tensor(base: DeviceArray(type: t, device: device, buffer: b[0])) * Tensor(scale).to(device)
    }

    @Test("10000x10000 float32 polynomial under jit: one dispatch over 400 MB, equal to the reference")
    func polynomial() throws {
        guard let device = TestDevices.device("vulkan") else { return }
        let context = try VulkanBackend.shared.context(device)
        let n = 10_000
        let x = try Self.ramp([n, n], dimension: 1, scale: 1e-4, on: device)
        #expect(x.type.byteCount > context.info.maxStorageBufferRange)
        let fast = jit(Self.f)
        #expect(fast.lower(x).kernelCount == 1)
        x.blockUntilReady()
        // One fused kernel is one dispatch on Vulkan (the device-wide dispatch counter is not
        // checked here: other suites dispatch on the same device concurrently).
        let y = fast(x)
        y.blockUntilReady()
        let values = y.asArray(Float.self)
        #expect(values.count == n * n)
        // Every row holds f(0), f(1e-4), ..., computed with float32 rounding of each operation.
        let xs = x[0].asArray(Float.self)
        for i in stride(from: 0, to: n * n, by: 9_973) {
            let v = xs[i % n]
            let expected: Float = -4 * v * v * v + 9 * v * v + 6 * v - 3
            if values[i] != expected {
                Issue.record("y[\(i)] = \(values[i]), expected \(expected)")
                break
            }
        }
        // The same program on the reference backend gives the same bits (checked on row 7).
        let reference = TestDevices.reference
        let row = x[7]
        let onReference = jit(Self.f)(row.to(reference)).asArray(Float.self)
        #expect(Array(values[(7 * n)..<(8 * n)]) == onReference)
        // An eager reduction over the large tensor.
        let total = x.sum().item(Float.self)
        let exactRowSum = (0..<n).reduce(0.0) { $0 + Double(xs[$1]) } * Double(n)
        #expect(abs(Double(total) - exactRowSum) <= 1e-4 * exactRowSum)
    }

    @Test("4096x4096 float32 matmul")
    func matmul4096() throws {
        guard let device = TestDevices.device("vulkan") else { return }
        let n = 4096
        let a = try Self.ramp([n, n], dimension: 1, scale: 1.0 / 4096, on: device)
        let b = try Self.ramp([n, n], dimension: 0, scale: 1.0 / 4096, on: device)
        let start = ContinuousClock.now
        let c = TesseraCore.matmul(a, b)
        c.blockUntilReady()
        print("vulkan: 4096x4096 float32 matmul took \(ContinuousClock.now - start)")
        // a[i, k] = k/4096 and b[k, j] = k/4096, so every c[i, j] = sum_k (k/4096)^2.
        let expected = (0..<n).reduce(0.0) { $0 + Double($1) * Double($1) } / Double(n * n)
        let sample = c[123].asArray(Float.self)
        #expect(sample.count == n)
        for v in sample.prefix(64) { #expect(abs(Double(v) - expected) <= 1e-4 * expected) }
    }
}
