import Testing
@testable import Tessera

/// Long float32 sums keep their precision on every backend: a sum of 17,000,000 ones is
/// 17,000,000 (a running float32 sum stops at 2^24 = 16,777,216), and a sum of many small
/// values matches the float64 sum to a relative 1e-6 (NumPy's pairwise sum does the same).
@Suite("Long float32 sums")
struct LongSumTests {
    static let count = 17_000_000

    @Test(arguments: TestDevices.backendNames)
    func aSumOfOnesPastTwoToTheTwentyFourIsExact(_ backend: String) {
        guard let device = TestDevices.device(backend) else { return }
        let ones = Device.withDefault(device) { Tensor.ones([Self.count], dtype: .float32) }
        #expect(ones.sum().item(Float.self) == Float(Self.count))
        // Under jit too (the fused reduction).
        let jitted = jit({ (x: Tensor) in x.sum() })
        #expect(jitted(ones).item(Float.self) == Float(Self.count))
    }

    @Test(arguments: TestDevices.backendNames)
    func aSumOfSmallValuesMatchesTheFloat64Sum(_ backend: String) {
        guard let device = TestDevices.device(backend) else { return }
        let n = 4_000_000
        let values = (0..<n).map { Float(($0 * 7919) % 1000) * 1e-3 + 0.1 }
        let exact = values.reduce(0.0) { $0 + Double($1) }
        let x = Tensor(values, shape: [n]).to(device)
        let total = Double(x.sum().item(Float.self))
        #expect(abs(total - exact) / exact < 1e-6, "\(backend): \(total) vs \(exact)")
    }
}
