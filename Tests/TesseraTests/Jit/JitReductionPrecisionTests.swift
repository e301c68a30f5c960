import Testing
@testable import Tessera

/// Fused float16 reductions accumulate in float32 (as XLA and the eager reductions do) and
/// round once per output element.
@Suite("Jit: float16 reductions accumulate in float32")
struct JitReductionPrecisionTests {
    static let ones = Tensor([Float](repeating: 1, count: 4096), shape: [4096]).asType(.float16).to(TestDevices.reference)
    static let tenths = Tensor([Float](repeating: 0.1, count: 4096), shape: [2, 2048]).asType(.float16).to(TestDevices.reference)

    @Test func sumOfFloat16OnesIsExact() {
        let fast = jit({ (x: Tensor) in x.sum() }, name: "f16 sum")
        // In float16, 2048 + 1 rounds back to 2048: a float16 accumulator stops there.
        #expect(fast(JitReductionPrecisionTests.ones).asType(.float32).item(Float.self) == 4096)
        let kernel = fast.lower(JitReductionPrecisionTests.ones).kernels.first
        #expect(kernel?.reduction?.accumulatorDType == .float32, "\(String(describing: kernel))")
        #expect(kernel?.outputs.map(\.dtype) == [.float16])
    }

    @Test func fusedFloat16ReductionsMatchEager() {
        let x = JitReductionPrecisionTests.tenths
        // Plain reductions, a prologue, and epilogues reading the accumulator (mean, sum + max).
        expectJitMatchesEager("f16 sum", [x]) { [$0[0].sum(axes: [1])] }
        expectJitMatchesEager("f16 prologue sum", [x]) { [(exp($0[0]) * 2).sum(axes: [1])] }
        expectJitMatchesEager("f16 mean", [x]) { [$0[0].mean(axes: [1])] }
        expectJitMatchesEager("f16 prod", [x]) { [Lax.reduce(.prod, $0[0] * 0.1 + 1, axes: [0])] }
        expectJitMatchesEager("f16 max epilogue", [x]) { args in
            let s = args[0].sum(axes: [1], keepDims: true)
            return [s + args[0].max(axes: [1], keepDims: true), s * 0.5]
        }
        // 409.5 in float16 (JAX: 408.25 from its pairwise order; a float16 accumulator gives 256).
        let total = jit({ (x: Tensor) in x.sum() })(x).asType(.float32).item(Float.self)
        #expect(abs(total - 409.5) <= 2, "float16 sum of 4096 tenths: \(total)")
    }
}
