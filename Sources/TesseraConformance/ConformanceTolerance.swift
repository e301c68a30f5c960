import Tessera

/// How closely a backend's floating-point result must match the expected one.
///
/// - `exact`: bit-for-bit value equality, also for the sign of zero (NaN matches any NaN).
///   Integer and bool results are always compared exactly. Exact: movement, gather,
///   select, convert, compare, sort, iota, threefry, max/min, and the correctly rounded
///   IEEE operations (add, sub, mul, div, rem, sqrt, neg, abs, sign, floor, ceil, round).
/// - `ulps(n)`: within `n` units in the last place of the expected value in the result's
///   dtype, for the elementary and special functions (the references are libm-quality;
///   XLA's CPU code uses its own polynomial approximations). lgamma and digamma use
///   `relative`: XLA's Lanczos approximation is off by up to ~5e-7 in float32 near
///   their zeros (lgamma(1) is 4.8e-7 there), far more than a few ulp.
/// - `relative(r)`: within `r * max(1, |expected|)` (in the result's dtype), for sums
///   and products whose rounding depends on the order of accumulation (reductions,
///   scans, dot_general, conv_general_dilated, scatter-add/mul) and for the linalg
///   decompositions (cholesky, triangular_solve, lu, qr, eigh, svd on well-conditioned
///   inputs; qr/eigh/svd after `LinalgSigns` normalises vector signs). r is 4e-3 for
///   float16, 2e-6 for float32 and 1e-14 for float64 (1e-12 for the float64 linalg
///   decompositions: their vectors move by about eps * ||A|| / eigenvalue gap between
///   algorithms, e.g. LAPACK's syevd against the reference backend's Jacobi sweeps, seen at
///   3.5e-14 on a 5x5 eigh). The sign of a zero result is not compared. (Worst errors seen here: conv float32 ~2.4e3 ulp of values near zero,
///   qr float32 608 ulp, eigh 370 ulp, all inside the relative bound.)
public enum ConformanceTolerance: Equatable, Sendable, CustomStringConvertible {
    /// Bit-for-bit value equality (also the sign of zero).
    case exact
    /// Within n units in the last place.
    case ulps(Double)
    /// Within r * max(1, |expected|).
    case relative(Double)

    /// `exact`, `4.0 ulp` or `relative 2e-06`.
    public var description: String {
        switch self {
        case .exact: return "exact"
        case .ulps(let n): return "\(n) ulp"
        case .relative(let r): return "relative \(r)"
        }
    }

    /// The tolerance for a primitive's floating-point output of `dtype`.
    public static func of(_ primitive: Primitive, dtype: DType) -> ConformanceTolerance {
        let accumulation: ConformanceTolerance = .relative(dtype == .float16 ? 4e-3 : dtype == .float32 ? 2e-6 : 1e-14)
        switch primitive {
        case .unary(let op):
            switch op {
            case .neg, .abs, .sign, .floor, .ceil, .round, .sqrt, .not, .isFinite: return .exact
            case .exp, .exp2, .log, .log1p, .expm1, .sin, .cos, .tan, .tanh, .logistic, .rsqrt, .erf:
                return .ulps(4)
            case .erfInv:
                return .ulps(16)
            case .lgamma, .digamma:
                // XLA's Lanczos-based lgamma/digamma err by ~4e-7 (float32) near their zeros.
                return accumulation
            }
        case .binary(let op):
            switch op {
            case .pow, .atan2: return .ulps(4)
            case .add, .sub, .mul, .div, .rem, .max, .min, .and, .or, .xor, .shiftLeft, .shiftRightLogical,
                 .shiftRightArithmetic:
                return .exact
            }
        case .reduce(let op, _):
            return op == .sum || op == .prod ? accumulation : .exact
        case .cumulative(let op, _, _):
            return op == .cumsum || op == .cumprod ? accumulation : .exact
        case .dotGeneral:
            return accumulation
        case .convGeneralDilated: return accumulation
        case .linalg:
            // Eigen-, singular and Householder vectors move by about eps * ||A|| / gap between
            // algorithms (LAPACK's divide and conquer vs the reference's Jacobi sweeps).
            return dtype == .float64 ? .relative(1e-12) : accumulation
        case .scatter(_, let mode):
            return mode == .add || mode == .mul ? accumulation : .exact
        case .compare, .select, .convertElementType, .bitcastConvertType, .iota, .broadcastInDim, .reshape,
             .transpose, .slice, .dynamicSlice, .dynamicUpdateSlice, .pad, .concatenate, .rev, .gather,
             .argReduce, .sort, .threefry2x32, .stopGradient, .cond, .whileLoop, .scan, .collective:
            return .exact
        }
    }

    /// Whether `actual` is acceptable for `expected` (both values of `dtype`).
    public func accepts(_ actual: Double, _ expected: Double, dtype: DType) -> Bool {
        if expected.isNaN || actual.isNaN { return expected.isNaN && actual.isNaN }
        if expected.isInfinite || actual.isInfinite { return actual == expected }
        switch self {
        case .exact:
            return actual == expected && actual.sign == expected.sign
        case .ulps(let n):
            return Swift.abs(actual - expected) <= n * ConformanceTolerance.ulp(of: expected, dtype)
        case .relative(let r):
            return Swift.abs(actual - expected) <= r * Swift.max(1, Swift.abs(expected))
        }
    }

    /// One unit in the last place of `x` in `dtype` (the smallest normal's ulp near zero).
    public static func ulp(of x: Double, _ dtype: DType) -> Double {
        switch dtype {
        case .float16: return Double(Swift.max(Float16(Swift.abs(x)), Float16.leastNormalMagnitude).ulp)
        case .float32: return Double(Swift.max(Float(Swift.abs(x)), Float.leastNormalMagnitude).ulp)
        default: return Swift.max(Swift.abs(x), Double.leastNormalMagnitude).ulp
        }
    }

    /// The distance between `actual` and `expected` in units in the last place of the
    /// expected value (0 for matching NaNs, infinities and equal values; infinity when one
    /// side is NaN or infinite and the other is not).
    public static func ulpDistance(_ actual: Double, _ expected: Double, dtype: DType) -> Double {
        if expected.isNaN || actual.isNaN { return expected.isNaN && actual.isNaN ? 0 : .infinity }
        if expected.isInfinite || actual.isInfinite { return actual == expected ? 0 : .infinity }
        return Swift.abs(actual - expected) / ulp(of: expected, dtype)
    }
}
