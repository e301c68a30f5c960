#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Special functions the standard library and swift-numerics lack, in Double.
enum SpecialFunctions {
    /// The inverse error function: `erf(erfInv(y)) == y` for `-1 < y < 1`; ±inf at ±1,
    /// NaN outside [-1, 1].
    ///
    /// Giles' single-precision approximation ("Approximating the erfinv function", 2010)
    /// as a start, then Newton steps on `erf(x) - y`, written with `erfc` for |y| > 0.5
    /// so that the residual keeps its precision near ±1.
    static func erfInv(_ y: Double) -> Double {
        if y.isNaN || y < -1 || y > 1 { return .nan }
        if y == 1 { return .infinity }
        if y == -1 { return -.infinity }
        if y == 0 { return y }
        let a = Swift.abs(y)
        var w = -log((1 - a) * (1 + a))
        var p: Double
        if w < 5 {
            w -= 2.5
            p = 2.81022636e-08
            for c in [3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503,
                      -0.00417768164, 0.246640727, 1.50140941] { p = c + p * w }
        } else {
            w = w.squareRoot() - 3
            p = -0.000200214257
            for c in [0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613,
                      0.00943887047, 1.00167406, 2.83297682] { p = c + p * w }
        }
        var x = p * a
        let twoOverSqrtPi = 1.1283791670955126
        for _ in 0..<3 {
            let residual = a > 0.5 ? (1 - a) - erfc(x) : erf(x) - a
            let derivative = twoOverSqrtPi * exp(-x * x)
            if derivative == 0 { break }
            x -= residual / derivative
        }
        return y < 0 ? -x : x
    }

    /// The digamma function ψ(x) = d/dx log Γ(x); NaN at zero and the negative integers.
    ///
    /// Reflection `ψ(x) = ψ(1 - x) - π / tan(πx)` for x < 0.5, the recurrence
    /// `ψ(x) = ψ(x + 1) - 1/x` up to x >= 10, then the asymptotic series.
    static func digamma(_ x: Double) -> Double {
        if x.isNaN || x == -.infinity { return .nan }
        if x == .infinity { return .infinity }
        if x <= 0 && x == x.rounded(.down) { return .nan }
        if x < 0.5 {
            return digamma(1 - x) - Double.pi / tan(Double.pi * x)
        }
        var result = 0.0, z = x
        while z < 10 {
            result -= 1 / z
            z += 1
        }
        let z2 = 1 / (z * z)
        // Bernoulli-number coefficients B_2k / (2k).
        let series = z2 * (1.0 / 12 - z2 * (1.0 / 120 - z2 * (1.0 / 252 - z2 * (1.0 / 240 - z2 * (1.0 / 132 - z2 * (691.0 / 32760 - z2 / 12))))))
        return result + log(z) - 0.5 / z - series
    }
}
