import TesseraCore

/// The helper functions a program needs (integer division, shifts, NaN-propagating max,
/// saturating conversions, special functions), each emitted once, in C syntax with the
/// dialect's type names.
///
/// Helpers are named `tz_<what>_<type>` (`tz_div_int`, `tz_max_float`) and implement the
/// reference backend's semantics of the primitives (see `ScalarExpressions`).
public struct SourceHelpers: Sendable {
    /// The definitions so far (a reference: copies of a `SourceHelpers` share it).
    private final class Store: @unchecked Sendable {
        var order: [String] = []
        var bodies: [String: String] = [:]
    }
    private let store = Store()
    let dialect: any KernelSourceDialect
    /// Whether special functions may compute in double.
    let hasFloat64: Bool

    init(dialect: any KernelSourceDialect, hasFloat64: Bool) {
        self.dialect = dialect
        self.hasFloat64 = hasFloat64
    }

    /// The definitions, in the order first requested.
    var source: String { store.order.map { store.bodies[$0]! }.joined(separator: "\n") }

    private func define(_ name: String, _ body: () -> String) -> String {
        if store.bodies[name] == nil {
            store.bodies[name] = body()
            store.order.append(name)
        }
        return name
    }

    private var q: String { dialect.helperQualifier.isEmpty ? "" : dialect.helperQualifier + " " }

    /// The unsigned type of the same width as an integer dtype.
    func unsignedType(_ dtype: DType) -> String { dtype == .int64 ? "ulong" : "uint" }

    // MARK: integers

    /// Truncating division; x/0 is all ones (-1 signed), MIN / -1 is MIN.
    mutating func div(_ dtype: DType) -> String {
        let t = dialect.registerType(dtype), u = unsignedType(dtype)
        return define("tz_div_\(t)") {
            let minCase = dtype.isUnsigned ? "" : "if (b == (\(t))-1 && a == (\(t))(((\(u))1) << \(dtype.byteSize * 8 - 1))) return a; "
            return "\(q)\(t) tz_div_\(t)(\(t) a, \(t) b) { if (b == 0) return (\(t))(~(\(u))0); \(minCase)return a / b; }"
        }
    }

    /// Truncating remainder; x%0 is x, MIN % -1 is 0.
    mutating func rem(_ dtype: DType) -> String {
        let t = dialect.registerType(dtype)
        return define("tz_rem_\(t)") {
            let minCase = dtype.isUnsigned ? "" : "if (b == (\(t))-1) return 0; "
            return "\(q)\(t) tz_rem_\(t)(\(t) a, \(t) b) { if (b == 0) return a; \(minCase)return a % b; }"
        }
    }

    /// Wrapping power by squaring; negative exponents give 0 except for bases 1 and -1.
    mutating func pow(_ dtype: DType) -> String {
        let t = dialect.registerType(dtype), u = unsignedType(dtype)
        return define("tz_pow_\(t)") {
            let negative = dtype.isUnsigned ? "" : """
              if (e < 0) { if (x == 1) return 1; if (x == -1) return (e & 1) == 0 ? 1 : -1; return 0; }

            """
            return """
            \(q)\(t) tz_pow_\(t)(\(t) x, \(t) e) {
            \(negative)  \(u) r = 1, b = (\(u))x, k = ((\(u))e) & 63u;
              while (k != 0) { if (k & 1) r = r * b; b = b * b; k >>= 1; }
              return (\(t))r;
            }
            """
        }
    }

    /// Shift left; amounts (as unsigned) at or over the width give 0.
    mutating func shiftLeft(_ dtype: DType) -> String {
        let t = dialect.registerType(dtype), u = unsignedType(dtype), w = dtype.byteSize * 8
        return define("tz_shl_\(t)") {
            "\(q)\(t) tz_shl_\(t)(\(t) a, \(t) b) { return ((\(u))b >= \(w)u) ? (\(t))0 : (\(t))((\(u))a << (\(u))b); }"
        }
    }

    /// Logical shift right; amounts at or over the width give 0.
    mutating func shiftRightLogical(_ dtype: DType) -> String {
        let t = dialect.registerType(dtype), u = unsignedType(dtype), w = dtype.byteSize * 8
        return define("tz_shrl_\(t)") {
            "\(q)\(t) tz_shrl_\(t)(\(t) a, \(t) b) { return ((\(u))b >= \(w)u) ? (\(t))0 : (\(t))((\(u))a >> (\(u))b); }"
        }
    }

    /// Arithmetic shift right (the top bit is the sign, for unsigned types too); amounts at
    /// or over the width give the sign fill.
    mutating func shiftRightArithmetic(_ dtype: DType) -> String {
        let t = dialect.registerType(dtype), u = unsignedType(dtype), w = dtype.byteSize * 8
        let s = dtype == .int64 ? "long" : "int"
        return define("tz_shra_\(t)") {
            "\(q)\(t) tz_shra_\(t)(\(t) a, \(t) b) { \(s) sa = (\(s))a; \(u) n = (\(u))b; if (n >= \(w)u) return (\(t))(sa < 0 ? -1 : 0); return (\(t))(sa >> n); }"
        }
    }

    // MARK: floats

    /// max with NaN propagation; max(-0, +0) is +0.
    mutating func floatMax(_ dtype: DType) -> String {
        let t = dialect.registerType(dtype)
        return define("tz_max_\(t)") {
            "\(q)\(t) tz_max_\(t)(\(t) a, \(t) b) { if (isnan(a) || isnan(b)) return a + b; if (a > b) return a; if (b > a) return b; return (a == 0 && !signbit(a)) ? a : b; }"
        }
    }

    /// min with NaN propagation; min(-0, +0) is -0.
    mutating func floatMin(_ dtype: DType) -> String {
        let t = dialect.registerType(dtype)
        return define("tz_min_\(t)") {
            "\(q)\(t) tz_min_\(t)(\(t) a, \(t) b) { if (isnan(a) || isnan(b)) return a + b; if (a < b) return a; if (b < a) return b; return (a == 0 && signbit(a)) ? a : b; }"
        }
    }

    /// sign: NaN stays NaN, ±0 stay.
    mutating func floatSign(_ dtype: DType) -> String {
        let t = dialect.registerType(dtype)
        return define("tz_sign_\(t)") {
            "\(q)\(t) tz_sign_\(t)(\(t) x) { if (isnan(x)) return x; return x > 0 ? (\(t))1 : (x < 0 ? (\(t))-1 : x); }"
        }
    }

    /// The compute type of special functions: double when available.
    private func specialType(_ dtype: DType) -> String {
        hasFloat64 ? "double" : dialect.registerType(dtype)
    }

    /// erf⁻¹ as the reference (Giles' approximation then three Newton steps).
    mutating func erfInv(_ dtype: DType) -> String {
        let t = dialect.registerType(dtype), c = specialType(dtype)
        return define("tz_erfinv_\(t)") {
            """
            \(q)\(t) tz_erfinv_\(t)(\(t) yv) {
              \(c) y = (\(c))yv;
              if (isnan(y) || y < -1 || y > 1) return (\(t))NAN;
              if (y == 1) return (\(t))INFINITY;
              if (y == -1) return -(\(t))INFINITY;
              if (y == 0) return yv;
              \(c) a = fabs(y);
              \(c) w = -log((1 - a) * (1 + a));
              \(c) p;
              if (w < 5) {
                w = w - (\(c))2.5;
                p = (\(c))2.81022636e-08;
                p = (\(c))3.43273939e-07 + p * w; p = (\(c))-3.5233877e-06 + p * w; p = (\(c))-4.39150654e-06 + p * w;
                p = (\(c))0.00021858087 + p * w; p = (\(c))-0.00125372503 + p * w; p = (\(c))-0.00417768164 + p * w;
                p = (\(c))0.246640727 + p * w; p = (\(c))1.50140941 + p * w;
              } else {
                w = sqrt(w) - 3;
                p = (\(c))-0.000200214257;
                p = (\(c))0.000100950558 + p * w; p = (\(c))0.00134934322 + p * w; p = (\(c))-0.00367342844 + p * w;
                p = (\(c))0.00573950773 + p * w; p = (\(c))-0.0076224613 + p * w; p = (\(c))0.00943887047 + p * w;
                p = (\(c))1.00167406 + p * w; p = (\(c))2.83297682 + p * w;
              }
              \(c) x = p * a;
              for (int i = 0; i < 3; i++) {
                \(c) residual = a > (\(c))0.5 ? (1 - a) - erfc(x) : erf(x) - a;
                \(c) derivative = (\(c))1.1283791670955126 * exp(-x * x);
                if (derivative == 0) break;
                x = x - residual / derivative;
              }
              return (\(t))(y < 0 ? -x : x);
            }
            """
        }
    }

    /// The digamma function as the reference (reflection, recurrence, asymptotic series).
    mutating func digamma(_ dtype: DType) -> String {
        let t = dialect.registerType(dtype), c = specialType(dtype)
        return define("tz_digamma_\(t)") {
            """
            \(q)\(t) tz_digamma_\(t)(\(t) xv) {
              \(c) x = (\(c))xv;
              if (isnan(x) || x == -(\(c))INFINITY) return (\(t))NAN;
              if (x == (\(c))INFINITY) return (\(t))INFINITY;
              if (x <= 0 && x == floor(x)) return (\(t))NAN;
              \(c) result = 0;
              if (x < (\(c))0.5) { result = -(\(c))M_PI / tan((\(c))M_PI * x); x = 1 - x; }
              while (x < 10) { result -= 1 / x; x += 1; }
              \(c) z2 = 1 / (x * x);
              \(c) series = z2 * ((\(c))(1.0 / 12) - z2 * ((\(c))(1.0 / 120) - z2 * ((\(c))(1.0 / 252) - z2 * ((\(c))(1.0 / 240) - z2 * ((\(c))(1.0 / 132) - z2 * ((\(c))(691.0 / 32760) - z2 / 12))))));
              return (\(t))(result + log(x) - (\(c))0.5 / x - series);
            }
            """
        }
    }

    // MARK: conversions

    /// Float -> integer: truncate toward zero, saturate at the bounds, NaN -> 0.
    mutating func saturatingConvert(from source: DType, to destination: DType) -> String {
        let f = dialect.registerType(source), t = dialect.registerType(destination)
        let (lo, hi): (String, String)
        switch destination {
        case .int32: (lo, hi) = ("(-2147483647-1)", "2147483647")
        case .int64: (lo, hi) = ("(-9223372036854775807L-1L)", "9223372036854775807L")
        case .uint32: (lo, hi) = ("0u", "4294967295u")
        case .bool, .float16, .float32, .float64: (lo, hi) = ("0", "0")
        }
        return define("tz_cvt_\(f)_\(t)") {
            "\(q)\(t) tz_cvt_\(f)_\(t)(\(f) x) { if (isnan(x)) return 0; if (x <= (\(f))\(lo)) return \(lo); if (x >= (\(f))\(hi)) return \(hi); return (\(t))x; }"
        }
    }
}
