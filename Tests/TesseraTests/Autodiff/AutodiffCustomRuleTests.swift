import Foundation
import Testing
@testable import Tessera

/// customVJP and customJVP: the rules are used under the transformations, and a stable
/// logsumexp is built on customVJP.
@Suite("Autodiff: custom rules")
struct AutodiffCustomRuleTests {
    /// log Σ exp(x) along the last axis, computed stably (shifted by the max), with a
    /// custom VJP whose backward pass is softmax(x) * ct.
    static let logsumexp: @Sendable (Tensor) -> Tensor = customVJP(
        forward: { (x: Tensor) -> (Tensor, Tensor) in
            let axis = x.rank - 1
            let m = stopGradient(x.max(axes: [axis], keepDims: true))
            let shifted = exp(x - m)
            let total = shifted.sum(axes: [axis], keepDims: true)
            let y = (log(total) + m).reshaped(Array(x.shape.dropLast()))
            return (y, shifted / total)
        },
        backward: { softmax, ct in softmax * ct.reshaped(ct.shape + [1]) })

    @Test func stableLogsumexpGradients() {
        // Large inputs where the naive exp overflows in float32.
        let x = Tensor([1000, 1001, 1002, -5, 0, 5] as [Float], shape: [2, 3])
        let y = Self.logsumexp(x)
        let expectedY: [Double] = [1002 + Foundation.log(1 + exp(-1.0) + exp(-2.0)), 5 + Foundation.log(1 + exp(-5.0) + exp(-10.0))]
        expectClose(y.doubles, expectedY, rtol: 1e-6, atol: 1e-4, "logsumexp value")
        let g = grad({ (x: Tensor) in Self.logsumexp(x).sum() })(x)
        let s0 = [exp(-2.0), exp(-1.0), 1.0], s1 = [exp(-10.0), exp(-5.0), 1.0]
        let n0 = s0.reduce(0, +), n1 = s1.reduce(0, +)
        expectClose(g.doubles, s0.map { $0 / n0 } + s1.map { $0 / n1 }, rtol: 1e-5, atol: 1e-6, "logsumexp grad")
        #expect(!g.doubles.contains { $0.isNaN })
    }

    @Test func customVJPRuleIsTheOneUsed() {
        // A deliberately "wrong" rule proves the custom backward is what grad runs.
        let f: @Sendable (Tensor) -> Tensor = customVJP(
            forward: { (x: Tensor) in (x * x, x) },
            backward: { x, ct in ct * 10 * x })
        #expect(grad(f)(Tensor(Double(3))).item(Double.self) == 30)
        #expect(f(Tensor(Double(3))).item(Double.self) == 9)
        // Higher order: the backward pass is differentiated (d/dx 10x = 10).
        #expect(grad(grad(f))(Tensor(Double(3))).item(Double.self) == 10)
    }

    @Test func customJVPRuleInBothModes() {
        let f: @Sendable (Tensor) -> Tensor = customJVP({ (x: Tensor) in sin(x) }, jvp: { x, t in (sin(x), t * 2) })
        let x = Tensor([0.5, 1.5] as [Double], shape: [2])
        let (_, t) = jvp(f, primals: x, tangents: Tensor([1, 3] as [Double], shape: [2]))
        #expect(t.doubles == [2, 6])
        let g = grad({ (x: Tensor) in f(x).sum() })(x)
        #expect(g.doubles == [2, 2])
    }

    @Test func gradientCheckDetectsAWrongRule() {
        let wrong: @Sendable (Tensor) -> Tensor = customJVP({ (x: Tensor) in exp(x) }, jvp: { x, t in (exp(x), t * 1.5) })
        withKnownIssue("a wrong custom JVP must fail the finite-difference check") {
            GradientCheck.check("wrong rule", inputs: [Tensor([0.3, 0.7] as [Double], shape: [2])]) { wrong($0[0]) }
        }
    }

    @Test func forwardModeOfCustomVJPStops() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let f: @Sendable (Tensor) -> Tensor = customVJP(forward: { (x: Tensor) in (x * x, x) }, backward: { x, ct in ct * 2 * x })
            _ = jvp(f, primals: Tensor(Double(1)), tangents: Tensor(Double(1)))
        }.map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("can't apply forward-mode autodiff (jvp, jacfwd, hessian) to a customVJP function"))
        }
    }

    @Test func customRulesUnderJit() {
        let g = jit(grad({ (x: Tensor) in Self.logsumexp(x).sum() }))
        let x = Tensor([0, 1, 2] as [Double], shape: [1, 3])
        let e = [1.0, exp(1.0), exp(2.0)], n = e.reduce(0, +)
        expectClose(g(x).doubles, e.map { $0 / n }, rtol: 1e-12, atol: 1e-12, "logsumexp grad under jit")
    }
}
