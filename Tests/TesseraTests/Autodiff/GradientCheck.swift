import Foundation
import Testing
@testable import Tessera

/// A small deterministic random source for test inputs (SplitMix64).
struct TestRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [lo, hi).
    mutating func uniform(_ lo: Double, _ hi: Double) -> Double {
        lo + (hi - lo) * Double(next() >> 11) / Double(1 << 53)
    }
    mutating func doubles(_ n: Int, _ lo: Double = -2, _ hi: Double = 2) -> [Double] { (0..<n).map { _ in uniform(lo, hi) } }
    /// A float64 tensor of `shape` with elements uniform in [lo, hi).
    mutating func tensor(_ shape: [Int], _ lo: Double = -2, _ hi: Double = 2) -> Tensor {
        Tensor(doubles(shape.reduce(1, *), lo, hi), shape: shape)
    }
}

/// Finite-difference checks of forward and reverse mode (float64, central differences).
enum GradientCheck {
    static func inner(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

    /// `xs + scale * vs` on the floating-point inputs (others unchanged).
    static func shifted(_ xs: [Tensor], _ vs: [[Double]?], _ scale: Double) -> [Tensor] {
        zip(xs, vs).map { x, v in
            guard let v else { return x }
            let values = zip(x.doubles, v).map { $0 + scale * $1 }
            return Tensor(values, shape: x.shape, dtype: x.dtype)
        }
    }

    /// Checks, for random directions `v` and output cotangent `u`:
    /// 1. the JVP against central differences (f(x+εv) − f(x−εv)) / 2ε;
    /// 2. JVP/VJP agreement ⟨vjp(u), v⟩ == ⟨u, jvp(v)⟩ (unless `reverse` is false).
    static func check(_ name: String, inputs: [Tensor], seed: UInt64 = 7, eps: Double = 1e-6,
                      rtol: Double = 1e-5, atol: Double = 1e-7, agreement: Double = 1e-9, reverse: Bool = true, sourceLocation: SourceLocation = #_sourceLocation,
                      _ f: @escaping @Sendable ([Tensor]) -> Tensor) {
        var rng = TestRandom(seed: seed)
        let directions: [[Double]?] = inputs.map { $0.dtype.isFloatingPoint ? rng.doubles($0.count, -1, 1) : nil }
        let tangents = zip(inputs, directions).map { x, v in
            v.map { Tensor($0, shape: x.shape, dtype: x.dtype) } ?? x
        }
        let (y, ty) = jvp(f, primals: inputs, tangents: tangents)
        let plus = f(shifted(inputs, directions, eps)).doubles
        let minus = f(shifted(inputs, directions, -eps)).doubles
        let fd = zip(plus, minus).map { ($0 - $1) / (2 * eps) }
        let jvpValues = ty.doubles
        expectClose(y.doubles, f(inputs).doubles, rtol: 1e-12, atol: 1e-12, "\(name): primal under jvp", sourceLocation: sourceLocation)
        expectClose(jvpValues, fd, rtol: rtol, atol: atol, "\(name): jvp vs finite differences", sourceLocation: sourceLocation)

        guard reverse else { return }
        let u = rng.doubles(y.count, -1, 1)
        let (y2, pullback) = vjp(f, inputs)
        expectClose(y2.doubles, y.doubles, rtol: 1e-12, atol: 1e-12, "\(name): primal under vjp", sourceLocation: sourceLocation)
        let cts = pullback(Tensor(u, shape: y.shape, dtype: y.dtype))
        var lhs = 0.0
        for (k, (c, v)) in zip(cts, directions).enumerated() {
            #expect(c.shape == inputs[k].shape, "\(name): cotangent \(k) has shape \(c.shape), input has \(inputs[k].shape)",
                    sourceLocation: sourceLocation)
            guard let v else { continue }
            lhs += inner(c.doubles, v)
        }
        let rhs = inner(u, jvpValues)
        #expect(isClose(lhs, rhs, rtol: agreement, atol: agreement),
                "\(name): <vjp(u), v> = \(lhs) but <u, jvp(v)> = \(rhs)", sourceLocation: sourceLocation)
    }
}
