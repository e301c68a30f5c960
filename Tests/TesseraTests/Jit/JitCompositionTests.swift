import Testing
@testable import Tessera

/// jit composed with grad and vmap, in both orders, and differentiation through the
/// control flow built on scan.
@Suite("Jit: composition with grad and vmap")
struct JitCompositionTests {
    @Sendable static func seed(_ x: Tensor) -> Tensor { -4 * x * x * x + 9 * x * x + 6 * x - 3 }

    @Test func gradOfJitAndJitOfGrad() {
        // f'(x) = -12x^2 + 18x + 6: f'(1) = 12, f''(1) = -6 (DESIGN.md).
        let x = Tensor(Float(1))
        #expect(grad(jit(JitCompositionTests.seed))(x).item(Float.self) == 12)
        let fastGrad = jit(grad(JitCompositionTests.seed))
        #expect(fastGrad(x).item(Float.self) == 12)
        #expect(fastGrad.traceCount == 1)
        #expect(jit(grad(grad(JitCompositionTests.seed)))(x).item(Float.self) == -6)
        let xs = Tensor([0, 0.5, 2] as [Float])
        let jitted = jit { (x: Tensor) in grad { (x: Tensor) in JitCompositionTests.seed(x).sum() }(x) }
        #expect(jitted(xs).asArray(Float.self) == [6, 12, -6])
    }

    @Test func vmapOfJitAndJitOfVmap() {
        let m = Tensor((0..<6).map { Float($0) }, shape: [3, 2])
        let rowNorm: @Sendable (Tensor) -> Tensor = { ($0 * $0).sum() }
        let expected: [Float] = [1, 13, 41]
        #expect(vmap(jit(rowNorm))(m).asArray(Float.self) == expected)
        let fast = jit(vmap(rowNorm))
        #expect(fast(m).asArray(Float.self) == expected)
        #expect(fast.lower(m).kernelCount == 1)
    }

    @Test func gradThroughForLoopAndScanUnderJit() {
        // g(x) = x^(2^3) by repeated squaring in a forLoop: g'(x) = 8 x^7.
        @Sendable func g(_ x: Tensor) -> Tensor { forLoop(0, 3, body: { _, c in c * c }, initial: x) }
        let x = Tensor(Float(1.5))
        let expected = 8 * Float(1.5) * 1.5 * 1.5 * 1.5 * 1.5 * 1.5 * 1.5
        #expect(abs(grad(g)(x).item(Float.self) - expected) <= 1e-4 * expected)
        #expect(abs(jit(grad(g))(x).item(Float.self) - expected) <= 1e-4 * expected)
        // Sum of a scan's outputs: d/dx sum_i (x * i) = sum_i i.
        @Sendable func h(_ x: Tensor) -> Tensor {
            scan({ (c: Tensor, i: Tensor) in (c, c * i) }, initial: x, xs: Tensor([1, 2, 3, 4] as [Float])).1.sum()
        }
        #expect(jit(grad(h))(Tensor(Float(2))).item(Float.self) == 10)
    }
}
