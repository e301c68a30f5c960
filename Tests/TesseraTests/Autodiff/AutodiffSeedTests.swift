import Foundation
import Testing
@testable import Tessera

/// The seed polynomial f(x) = -4x³ + 9x² + 6x - 3 and its derivatives at 1:
/// f = 8, f' = 12, f'' = -6, f''' = -24.
@Sendable func seedPolynomial(_ x: Tensor) -> Tensor { -4 * x * x * x + 9 * x * x + 6 * x - 3 }

@Suite("Autodiff: seed polynomial")
struct AutodiffSeedTests {
    @Test func valuesAndDerivativesEagerly() {
        #expect(seedPolynomial(1.0).item(Float.self) == 8)
        #expect(grad(seedPolynomial)(1.0).item(Float.self) == 12)
        #expect(grad(grad(seedPolynomial))(1.0).item(Float.self) == -6)
        #expect(grad(grad(grad(seedPolynomial)))(1.0).item(Float.self) == -24)
    }

    @Test func gradKeepsTheInputType() {
        let g = grad(seedPolynomial)(1.0)
        #expect(g.dtype == .float32)
        #expect(g.isWeaklyTyped)   // as jax.grad(f)(1.0)
        #expect(!grad(seedPolynomial)(Tensor(Float(1))).isWeaklyTyped)
        #expect(g.shape == [])
        let g64 = grad(seedPolynomial)(Tensor(Double(2)))
        #expect(g64.dtype == .float64)
        #expect(g64.item(Double.self) == -12 * 4 + 18 * 2 + 6)
    }

    @Test func halfPrecisionGradient() {
        let g = grad(seedPolynomial)(Tensor(Float16(1)))
        #expect(g.dtype == .float16)
        #expect(g.item(Float.self) == 12)
    }

    @Test func valueAndGradReturnsBoth() {
        let (v, g) = valueAndGrad(seedPolynomial)(1.0)
        #expect(v.item(Float.self) == 8)
        #expect(g.item(Float.self) == 12)
    }

    @Test func jvpAndVjpOfThePolynomial() {
        let (y, dy) = jvp(seedPolynomial, primals: Tensor(1.0), tangents: Tensor(2.0))
        #expect(y.item(Double.self) == 8)
        #expect(dy.item(Double.self) == 24)
        let (y2, pullback) = vjp(seedPolynomial, Tensor(1.0))
        #expect(y2.item(Double.self) == 8)
        #expect(pullback(Tensor(3.0)).item(Double.self) == 36)
    }

    @Test func forwardOverReverseAndReverseOverForward() {
        // d/dx of jvp tangent and jvp of grad: both f''(1) = -6.
        let gradOfJVP = grad({ (x: Tensor) in jvp(seedPolynomial, primals: x, tangents: Tensor(1.0)).1 })(Tensor(1.0))
        #expect(gradOfJVP.item(Double.self) == -6)
        let jvpOfGrad = jvp(grad(seedPolynomial), primals: Tensor(1.0), tangents: Tensor(1.0)).1
        #expect(jvpOfGrad.item(Double.self) == -6)
        let third = jvp({ (x: Tensor) in jvp(grad(seedPolynomial), primals: x, tangents: Tensor(1.0)).1 },
                        primals: Tensor(1.0), tangents: Tensor(1.0)).1
        #expect(third.item(Double.self) == -24)
    }

    @Test func valuesCanBeReadUnderGrad() {
        // Swift control flow on a concrete value under eager grad, as Python's under jax.grad.
        let f: @Sendable (Tensor) -> Tensor = { x in x.item(Double.self) > 0 ? x * x : -x }
        #expect(grad(f)(Tensor(3.0)).item(Double.self) == 6)
        #expect(grad(f)(Tensor(-3.0)).item(Double.self) == -1)
        #expect(grad(f)(3.0).item(Float.self) == 6)
    }

    @Test func stopGradientBlocksTheDerivative() {
        #expect(grad({ (x: Tensor) in x * stopGradient(x) })(Tensor(3.0)).item(Double.self) == 3)
        #expect(grad(grad({ (x: Tensor) in x * x * stopGradient(x) }))(Tensor(3.0)).item(Double.self) == 6)
    }

    @Test func unusedInputHasZeroGradient() {
        #expect(grad({ (_: Tensor) in Tensor(5.0) })(Tensor(3.0)).item(Double.self) == 0)
        let g = grad({ (x: Tensor) in (x * 0).sum() })(Tensor([1, 2, 3] as [Double], shape: [3]))
        #expect(g.doubles == [0, 0, 0])
    }

    @Test func eagerGradIsCheap() {
        let dfdx = grad(seedPolynomial)
        for _ in 0..<20 { _ = dfdx(1.0).item(Float.self) }
        let n = 2000
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<n { _ = dfdx(1.0) }
        let perCall = Double(DispatchTime.now().uptimeNanoseconds - start) / Double(n) / 1000
        let start2 = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<n { _ = seedPolynomial(1.0) }
        let forward = Double(DispatchTime.now().uptimeNanoseconds - start2) / Double(n) / 1000
        print("eager grad of the seed polynomial: \(String(format: "%.1f", perCall)) µs per call, forward \(String(format: "%.1f", forward)) µs")
        #expect(perCall < 5000)
    }
}

@Suite("Autodiff: seed polynomial under jit")
struct AutodiffJitTests {
    @Test func derivativesUnderJit() {
        #expect(jit(seedPolynomial)(1.0).item(Float.self) == 8)
        #expect(jit(grad(seedPolynomial))(1.0).item(Float.self) == 12)
        #expect(jit(grad(grad(seedPolynomial)))(1.0).item(Float.self) == -6)
        #expect(jit(grad(grad(grad(seedPolynomial))))(1.0).item(Float.self) == -24)
        // grad of a jitted function (jit inlines under grad).
        #expect(grad(jit(seedPolynomial))(1.0).item(Float.self) == 12)
        #expect(grad(grad(jit(seedPolynomial)))(1.0).item(Float.self) == -6)
    }

    @Test func gradJaxprIsStaged() {
        let text = makeJaxpr(grad(seedPolynomial))(Tensor(Float(1))).description
        #expect(text.contains("mul"))
        #expect(text.hasPrefix("{ lambda"))
    }
}
