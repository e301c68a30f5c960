import Testing
@testable import Tessera

/// Finite-difference and JVP/VJP-agreement checks of every elementwise primitive.
@Suite("Autodiff: elementwise rules")
struct AutodiffElementwiseTests {
    static let shapes: [[Int]] = [[], [5], [2, 3]]

    /// Input range per unary op, away from singularities and discontinuities.
    static func domain(_ op: UnaryOp) -> (Double, Double) {
        switch op {
        case .log, .sqrt, .rsqrt, .lgamma, .digamma: return (0.3, 3)
        case .log1p: return (-0.5, 2)
        case .erfInv: return (-0.9, 0.9)
        case .tan: return (-1.2, 1.2)
        case .floor, .ceil, .round, .sign: return (0.1, 0.4)
        case .neg, .abs, .exp, .exp2, .expm1, .sin, .cos, .tanh, .logistic, .erf, .not, .isFinite: return (-2, 2)
        }
    }

    @Test(arguments: UnaryOp.allCases.filter { $0 != .not && $0 != .isFinite })
    func unary(_ op: UnaryOp) {
        var rng = TestRandom(seed: UInt64(op.rawValue.hashValue & 0xFFFF))
        for shape in Self.shapes {
            let (lo, hi) = Self.domain(op)
            let x = rng.tensor(shape, lo, hi)
            GradientCheck.check("\(op.rawValue) \(shape)", inputs: [x]) { Lax.unary(op, $0[0]) }
        }
    }

    @Test func gammaFunctionsOnNegativeArguments() {
        // lgamma' = digamma and digamma' = trigamma (reflection formula) for x < 0.
        let x = Tensor([-0.3, -1.4, -2.6, -3.2] as [Double], shape: [4])
        GradientCheck.check("lgamma negative", inputs: [x]) { Lax.unary(.lgamma, $0[0]) }
        GradientCheck.check("digamma negative", inputs: [x], rtol: 1e-4) { Lax.unary(.digamma, $0[0]) }
    }

    @Test func trigammaMatchesKnownValues() {
        // ψ₁(1) = π²/6, ψ₁(1/2) = π²/2, ψ₁(5) = π²/6 − (1 + 1/4 + 1/9 + 1/16).
        let x = Tensor([1, 0.5, 5] as [Double], shape: [3])
        let d = grad({ (x: Tensor) in Lax.reduce(.sum, Lax.unary(.digamma, x), axes: [0]) })(x).doubles
        let pi2 = Double.pi * Double.pi
        expectClose(d, [pi2 / 6, pi2 / 2, pi2 / 6 - (1 + 0.25 + 1.0 / 9 + 1.0 / 16)], rtol: 1e-9, atol: 1e-9, "trigamma")
    }

    @Test func logicalAndFiniteOpsHaveZeroDerivatives() {
        let x = Tensor([0.5, -1.5, 2.5] as [Double], shape: [3])
        let g = grad({ (x: Tensor) in
            let mask = Lax.convert(Lax.unary(.isFinite, x), to: .float64)
            let bits = Lax.convert(Lax.unary(.not, Lax.convert(x, to: .int32)), to: .float64)
            return Lax.reduce(.sum, Lax.binary(.mul, Lax.binary(.add, mask, bits), x), axes: [0])
        })(x)
        // d/dx (mask + bits) * x = mask + bits, with mask = 1 and bits = ~trunc(x).
        expectClose(g.doubles, [1 + -1, 1 + 0, 1 + -3], "not/is_finite")
    }

    @Test(arguments: [BinaryOp.add, .sub, .mul, .div, .rem, .pow, .max, .min, .atan2])
    func binary(_ op: BinaryOp) {
        var rng = TestRandom(seed: UInt64(op.rawValue.count * 31))
        for shape in Self.shapes {
            let lo = op == .pow || op == .rem || op == .div ? 0.5 : -2.0
            let x = rng.tensor(shape, lo, 2), y = rng.tensor(shape, lo, 2)
            GradientCheck.check("\(op.rawValue) \(shape)", inputs: [x, y]) { Lax.binary(op, $0[0], $0[1]) }
        }
    }

    @Test func maxAndMinSplitTiesEqually() {
        let x = Tensor([1, 2, 3] as [Double], shape: [3])
        let (_, pb) = vjp({ (xs: [Tensor]) in Lax.binary(.max, xs[0], xs[1]) }, [x, x])
        let cts = pb(Tensor([1, 1, 1] as [Double], shape: [3]))
        #expect(cts[0].doubles == [0.5, 0.5, 0.5])
        #expect(cts[1].doubles == [0.5, 0.5, 0.5])
    }

    @Test func powHandlesZeroBaseAndExponent() {
        // d/dx x^0 = 0 and d/dy 0^y = 0 (no NaN), as JAX.
        let zero = Tensor([0.0] as [Double], shape: [1])
        let two = Tensor([2.0] as [Double], shape: [1])
        let (_, pb) = vjp({ (xs: [Tensor]) in Lax.binary(.pow, xs[0], xs[1]) }, [two, zero])
        #expect(pb(Tensor([1.0] as [Double], shape: [1]))[0].doubles == [0])
        let (_, pb2) = vjp({ (xs: [Tensor]) in Lax.binary(.pow, xs[0], xs[1]) }, [zero, two])
        #expect(pb2(Tensor([1.0] as [Double], shape: [1]))[1].doubles == [0])
    }

    @Test func integerAndBitwiseOpsHaveNoDerivative() {
        // Integer arithmetic between float-derived values: zero derivative (JAX's float0).
        let x = Tensor([1.5, 2.5] as [Double], shape: [2])
        let g = grad({ (x: Tensor) in
            let i = Lax.convert(x, to: .int32)
            var k = Lax.binary(.xor, Lax.binary(.shiftLeft, i, i), Lax.binary(.and, i, Lax.binary(.or, i, i)))
            k = Lax.binary(.shiftRightArithmetic, Lax.binary(.add, k, Lax.binary(.shiftRightLogical, k, i)), i)
            return Lax.reduce(.sum, Lax.binary(.mul, Lax.convert(k, to: .float64), x), axes: [0])
        })(x)
        let i: [Int32] = [1, 2]
        let k = zip(i, i).map { a, b -> Double in
            let v = (a << b) ^ (a & (a | a))
            return Double((v &+ Int32(bitPattern: UInt32(bitPattern: v) >> UInt32(b))) >> b)
        }
        expectClose(g.doubles, k, "integer ops")
    }

    @Test func comparisonsAndSelect() {
        var rng = TestRandom(seed: 3)
        for shape in Self.shapes {
            let a = rng.tensor(shape), b = rng.tensor(shape)
            GradientCheck.check("select \(shape)", inputs: [a, b]) { xs in
                Lax.select(Lax.compare(.gt, xs[0], xs[1]), onTrue: Lax.unary(.sin, xs[0]), onFalse: Lax.binary(.mul, xs[1], xs[1]))
            }
        }
        let a = rng.tensor([4]), b = rng.tensor([4])
        GradientCheck.check("select with scalar predicate", inputs: [a, b]) { xs in
            Lax.select(Tensor(true), onTrue: xs[0], onFalse: xs[1])
        }
    }

    @Test func convertElementType() {
        var rng = TestRandom(seed: 5)
        let x = rng.tensor([3, 2])
        GradientCheck.check("convert f64->f32->f64", inputs: [x], eps: 1e-2, rtol: 1e-3, atol: 1e-4, agreement: 1e-6) { xs in
            Lax.convert(Lax.binary(.mul, Lax.convert(xs[0], to: .float32), Lax.convert(xs[0], to: .float32)), to: .float64)
        }
        // Through an integer: zero tangent, so d/dx (trunc(x) * x) = trunc(x).
        let y = Tensor([1.3, -2.6, 3.2] as [Double], shape: [3])
        let g = grad({ (x: Tensor) in
            Lax.reduce(.sum, Lax.binary(.mul, Lax.convert(Lax.convert(x, to: .int32), to: .float64), x), axes: [0])
        })(y)
        expectClose(g.doubles, [1, -2, 3], "convert through int32")
        let (_, t) = jvp({ (x: Tensor) in Lax.convert(x, to: .int32) }, primals: y, tangents: y)
        #expect(t.dtype == .int32)
        #expect(t.asArray(Int32.self) == [0, 0, 0])
    }

    @Test func primitivesWithoutDerivatives() {
        // iota, bitcast, argmax, threefry, stop_gradient contribute nothing.
        let x = Tensor([0.5, 2.0, -1.0] as [Double], shape: [3])
        let g = grad({ (x: Tensor) in
            let idx = Lax.convert(Lax.argReduce(.argmax, x, axis: 0), to: .float64)
            let bits = Lax.convert(Lax.bitcast(Lax.bitcast(x, to: .int64), to: .float64), to: .float64)
            let iota = Lax.iota(.float64, shape: [3])
            let key = Lax.convert(x, to: .uint32)
            let (r0, _) = Lax.threefry2x32(key, key, key, key)
            let noise = Lax.convert(Lax.binary(.and, r0, Lax.full(1, shape: [3], dtype: .uint32)), to: .float64)
            let s = Lax.binary(.add, Lax.binary(.add, Lax.stopGradient(x), iota), Lax.binary(.add, noise, Lax.stopGradient(bits)))
            return Lax.reduce(.sum, Lax.binary(.mul, Lax.binary(.add, s, Lax.broadcastInDim(idx, shape: [3], dims: [])), x), axes: [0])
        })(x)
        // d/dx sum(c * x) with c treated as constant is c:
        // c = stop(x) + iota + noise + stop(bits(x) == x) + argmax (= 1).
        let k = Lax.convert(x, to: .uint32)
        let r0 = Lax.threefry2x32(k, k, k, k).0
        let noise = Lax.convert(Lax.binary(.and, r0, Lax.full(1, shape: [3], dtype: .uint32)), to: .float64).doubles
        let xs: [Double] = [0.5, 2.0, -1.0]
        var expected: [Double] = []
        for i in 0..<3 { expected.append(2 * xs[i] + Double(i) + noise[i] + 1) }
        expectClose(g.doubles, expected, "zero-derivative primitives")
    }
}
