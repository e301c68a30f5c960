import Testing
@testable import Tessera

/// The VJP rules are written with Lax ops, so they are differentiable again: these
/// checks apply the finite-difference and agreement checks to gradient functions
/// (reverse-over-reverse and forward-over-reverse).
@Suite("Autodiff: higher order")
struct AutodiffHigherOrderTests {
    /// The gradient of `sum(f(x) * weights)` as a function of `x`.
    static func gradientOf(_ f: @escaping @Sendable ([Tensor]) -> Tensor, weights: Tensor) -> @Sendable ([Tensor]) -> Tensor {
        { xs in grad({ (x: Tensor) in Lax.reduce(.sum, Lax.binary(.mul, f([x] + xs.dropFirst()), weights), axes: Array(0..<weights.rank)) })(xs[0]) }
    }

    @Test func secondDerivativesOfStructuralRules() {
        var rng = TestRandom(seed: 61)
        let x = rng.tensor([4, 3], 0.5, 2)
        let cases: [(String, [Int], @Sendable ([Tensor]) -> Tensor)] = [
            ("tanh of matmul", [4, 4], { xs in Lax.unary(.tanh, Lax.dotGeneral(xs[0], Lax.transpose(xs[0], [1, 0]), DotDimensionNumbers(lhsContracting: [1], rhsContracting: [0]))) }),
            ("prod reduction", [4], { xs in Lax.reduce(.prod, xs[0], axes: [1]) }),
            ("max reduction of squares", [3], { xs in Lax.reduce(.max, Lax.binary(.mul, xs[0], xs[0]), axes: [0]) }),
            ("cumprod", [4, 3], { xs in Lax.cumulative(.cumprod, xs[0], axis: 0) }),
            ("cummax of sin", [4, 3], { xs in Lax.cumulative(.cummax, Lax.unary(.sin, Lax.binary(.mul, xs[0], xs[0])), axis: 1) }),
            ("sort of cubes", [4, 3], { xs in Lax.sort([Lax.binary(.mul, xs[0], Lax.binary(.mul, xs[0], xs[0]))], dimension: 1)[0] }),
            ("gather of exp", [3, 3], { xs in
                Lax.gather(Lax.unary(.exp, xs[0]), Tensor([2, 0, 2] as [Int32], shape: [3, 1]),
                           GatherDimensionNumbers(offsetDims: [1], collapsedSliceDims: [0], startIndexMap: [0]), sliceSizes: [1, 3]) }),
            ("pad and slice", [3, 5], { xs in
                Lax.slice(Lax.pad(Lax.binary(.mul, xs[0], xs[0]), Lax.scalar(0, .float64), [PadConfig(low: 1, high: 0, interior: 1), PadConfig(low: 0, high: 2)]),
                          start: [2, 0], limit: [8, 5], strides: [2, 1]) }),
            ("logistic and pow", [4, 3], { xs in Lax.binary(.pow, Lax.unary(.logistic, xs[0]), xs[0]) }),
        ]
        for (name, outShape, f) in cases {
            let weights = rng.tensor(outShape)
            GradientCheck.check("d²: \(name)", inputs: [x], rtol: 1e-5, atol: 1e-6, Self.gradientOf(f, weights: weights))
        }
    }

    @Test func secondDerivativesThroughControlFlow() {
        var rng = TestRandom(seed: 62)
        let x = rng.tensor([3])
        let scanned: @Sendable ([Tensor]) -> Tensor = { xs in
            scan({ (c: Tensor, w: Tensor) in (sin(c * w), c * c) }, initial: xs[0], xs: Tensor([0.5, 1.5, -1.0, 2.0] as [Double], shape: [4])).0
        }
        GradientCheck.check("d²: scan", inputs: [x], Self.gradientOf(scanned, weights: rng.tensor([3])))
        let branched: @Sendable ([Tensor]) -> Tensor = { xs in
            cond(xs[0].sum() .> 0, { (v: Tensor) in exp(v) * v }, { v in v * v * v }, xs[0])
        }
        GradientCheck.check("d²: cond", inputs: [x], Self.gradientOf(branched, weights: rng.tensor([3])))
        let looped: @Sendable ([Tensor]) -> Tensor = { xs in
            forLoop(0, 3, body: { _, c in tanh(c) * xs[0] }, initial: xs[0])
        }
        GradientCheck.check("d²: forLoop", inputs: [x], Self.gradientOf(looped, weights: rng.tensor([3])))
    }
}
