import Foundation
import Testing
@testable import Tessera

/// Derivatives through cond, scan, forLoop and whileLoop, eagerly and under jit.
@Suite("Autodiff: control flow")
struct AutodiffControlFlowTests {
    @Test func condBothBranches() {
        var rng = TestRandom(seed: 21)
        let x = rng.tensor([3]), y = rng.tensor([3])
        for flag in [true, false] {
            GradientCheck.check("cond \(flag)", inputs: [x, y]) { xs in
                cond(Tensor(flag), { (ops: [Tensor]) in sin(ops[0]) * ops[1] }, { ops in ops[0] * ops[0] + exp(ops[1]) }, xs)
            }
        }
        // A branch that ignores an operand and one returning a constant.
        GradientCheck.check("cond constant branch", inputs: [x]) { xs in
            cond(xs[0].sum() .> 100, { (v: Tensor) in v * 0 + 1 }, { v in v * v }, xs[0])
        }
    }

    @Test func condIndexDependsOnTheValue() {
        // |x| written with cond: derivative is sign(x) on both sides.
        let absViaCond: @Sendable (Tensor) -> Tensor = { x in cond(x .> 0, { $0 }, { -$0 }, x) }
        #expect(grad(absViaCond)(Tensor(Double(2))).item(Double.self) == 1)
        #expect(grad(absViaCond)(Tensor(Double(-2))).item(Double.self) == -1)
        #expect(jit(grad(absViaCond))(Tensor(Double(-3))).item(Double.self) == -1)
        #expect(grad(grad({ (x: Tensor) in cond(x .> 0, { $0 * $0 * $0 }, { $0 }, x) }))(Tensor(Double(2))).item(Double.self) == 12)
    }

    @Test func scanForwardAndReverse() {
        var rng = TestRandom(seed: 22)
        let w = rng.tensor([2]), c0 = rng.tensor([2]), xs = rng.tensor([4, 2])
        for reverse in [false, true] {
            GradientCheck.check("scan reverse \(reverse)", inputs: [w, c0, xs]) { a in
                let weight = a[0]
                let (carry, ys) = scan({ (c: Tensor, x: Tensor) in
                    let next = tanh(c * weight + x)
                    return (next, next * x)
                }, initial: a[1], xs: a[2], reverse: reverse)
                return concatenate([carry, ys.reshaped([8])], axis: 0)
            }
        }
    }

    @Test func forLoopReverseMode() {
        // x^5 by repeated multiplication, plus the loop index in the body.
        let f: @Sendable (Tensor) -> Tensor = { x in
            forLoop(0, 5, body: { i, c in c * x + i.asType(.float64) }, initial: Tensor(Double(1)))
        }
        // f(x) = x^5 + 0x^4 + 1x^3 + 2x^2 + 3x + 4 ... computed as Horner: ((((1*x+0)*x+1)*x+2)*x+3)*x+4.
        let x = 1.5
        let expected = 5 * pow(x, 4) + 0 * 4 * pow(x, 3) + 1 * 3 * pow(x, 2) + 2 * 2 * x + 3
        #expect(isClose(grad(f)(Tensor(x)).item(Double.self), expected, rtol: 1e-12))
        let second = 20 * pow(x, 3) + 6 * x + 4
        #expect(isClose(grad(grad(f))(Tensor(x)).item(Double.self), second, rtol: 1e-12))
        #expect(isClose(jit(grad(f))(Tensor(x)).item(Double.self), expected, rtol: 1e-12))
    }

    @Test func emptyLoopsDifferentiateToIdentity() {
        let f: @Sendable (Tensor) -> Tensor = { x in forLoop(3, 3, body: { _, c in c * c }, initial: x) }
        #expect(grad(f)(Tensor(Double(2))).item(Double.self) == 1)
        #expect(jvp(f, primals: Tensor(Double(2)), tangents: Tensor(Double(5))).1.item(Double.self) == 5)
    }

    @Test func whileLoopForwardMode() {
        // Doubles x until it exceeds 10: y = x * 2^k, dy/dx = 2^k.
        let f: @Sendable (Tensor) -> Tensor = { x in
            whileLoop(cond: { (c: Tensor) in c .< 10 }, body: { $0 * 2 }, initial: x)
        }
        let (y, t) = jvp(f, primals: Tensor(Double(1.5)), tangents: Tensor(Double(1)))
        #expect(y.item(Double.self) == 12)
        #expect(t.item(Double.self) == 8)
        let jf = jacfwd(f)(Tensor(Double(3)))
        #expect(jf.doubles == [4])
        // A loop whose carry does not depend on the input differentiates to zero in reverse mode too.
        let g = grad({ (x: Tensor) in x * whileLoop(cond: { (c: Tensor) in c .< 10 }, body: { $0 + 3 }, initial: Tensor(Double(0))) })
        #expect(g(Tensor(Double(2))).item(Double.self) == 12)
    }

    @Test func whileLoopForwardModeFiniteDifferences() {
        // A fixed trip count decided by an integer counter in the carry; the float carry is
        // updated nonlinearly with a captured weight (a body constant with a tangent).
        var rng = TestRandom(seed: 23)
        GradientCheck.check("while jvp", inputs: [rng.tensor([3]), rng.tensor([3])], reverse: false) { a in
            let w = a[1]
            let out = whileLoop(cond: { (c: [Tensor]) in c[0] .< 4 },
                                body: { c in [c[0] + 1, sin(c[1] * w) + c[1]] },
                                initial: [Tensor(Int32(0)), a[0]])
            return out[1]
        }
    }

    @Test func whileLoopReverseModeStopsWithJAXsMessage() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let f: @Sendable (Tensor) -> Tensor = { x in
                whileLoop(cond: { (c: Tensor) in c .< 10 }, body: { $0 * 2 }, initial: x)
            }
            _ = grad(f)(Tensor(Double(1.5)))
        }.map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("Reverse-mode differentiation does not work for whileLoop or forLoop with dynamic start/stop values. Try using scan, or using forLoop with static start/stop."))
        }
    }

    @Test func gradOfNonScalarStops() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = grad({ (x: Tensor) in x * 2 })(Tensor([1, 2, 3] as [Float], shape: [3]))
        }.map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("grad requires real-valued scalar output, got f32[3]; use vjp or jacrev for non-scalar outputs"))
        }
    }
}
