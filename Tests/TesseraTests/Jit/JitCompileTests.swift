import Testing
@testable import Tessera

@Suite("Jit: compile pipeline")
struct JitCompileTests {
    @Sendable static func seed(_ x: Tensor) -> Tensor { -4 * x * x * x + 9 * x * x + 6 * x - 3 }

    @Test func seedPolynomialIsOneKernel() {
        let fast = jit(JitCompileTests.seed)
        let x = Tensor([0, 1, 2, 3, -5] as [Int32])
        let lowered = fast.lower(x)
        #expect(lowered.kernelCount == 1)
        #expect(lowered.kernels.count == 1)
        #expect(fast(x).asArray(Int32.self) == JitCompileTests.seed(x).asArray(Int32.self))
        #expect(fast(Tensor(3)).item(Int32.self) == -4 * 27 + 81 + 18 - 3)
        let xf = Tensor([0.5, 1.5, -2.25] as [Float])
        #expect(fast(xf).asArray(Float.self) == JitCompileTests.seed(xf).asArray(Float.self))
    }
}
