import Foundation

/// The decimal digits of a finite floating-point value: `0.d1 d2 d3 ... × 10^pointPosition`.
///
/// Built from the shortest digit string that round-trips in the value's own dtype (Swift's
/// `description` of `Float16`, `Float` or `Double`, like NumPy's Dragon4 in unique mode),
/// or, when a digit cutoff applies, from the exactly rounded value (as Dragon4 rounds the
/// exact binary value, half to even).
struct DecimalDigits: Equatable {
    /// Whether the sign bit is set (`-0.0` is negative).
    var negative: Bool
    /// Significant digits, no leading or trailing zeros; empty for zero.
    var digits: [UInt8]
    /// Where the decimal point goes: the value is `0.digits × 10^pointPosition`.
    var pointPosition: Int

    /// The shortest round-tripping digits of `value` read as `dtype` (a float dtype).
    static func shortest(_ value: Double, dtype: DType) -> DecimalDigits {
        let text: String
        switch dtype {
        case .float16: text = Float16(value).description
        case .float32: text = Float(value).description
        case .float64, .bool, .int32, .int64, .uint32: text = value.description
        }
        // Swift spells integral values with all their digits (`65504.0` for Float16), which
        // can be longer than the shortest round-tripping digits NumPy prints (`6.55e+04`).
        if text.hasSuffix(".0") && !text.contains("e") {
            let full = parse(text)
            for n in 1..<max(1, full.digits.count) {
                let candidate = String(format: "%.\(n - 1)e", value)
                if roundTrips(candidate, to: value, dtype: dtype) { return parse(candidate) }
            }
            return full
        }
        return parse(text)
    }

    /// Whether the decimal `text` reads back as exactly `value` in `dtype`.
    private static func roundTrips(_ text: String, to value: Double, dtype: DType) -> Bool {
        guard let d = Double(text) else { return false }
        switch dtype {
        case .float16: return Float16(d) == Float16(value)
        case .float32: return Float(text) == Float(value)
        case .float64, .bool, .int32, .int64, .uint32: return d == value
        }
    }

    /// Parses Swift's or C's decimal spelling: `-12.5`, `1e-05`, `1.5e+20`, `0.000`.
    static func parse(_ text: String) -> DecimalDigits {
        var s = Substring(text)
        var negative = false
        if s.first == "-" { negative = true; s = s.dropFirst() } else if s.first == "+" { s = s.dropFirst() }
        var exponent = 0
        if let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(s[s.index(after: e)...].replacingOccurrences(of: "+", with: "")) ?? 0
            s = s[..<e]
        }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        let intPart = parts[0], fracPart = parts.count > 1 ? parts[1] : ""
        var digits = (intPart + fracPart).map { UInt8($0.asciiValue! - 48) }
        var point = intPart.count + exponent
        while let f = digits.first, f == 0 { digits.removeFirst(); point -= 1 }
        while let l = digits.last, l == 0 { digits.removeLast() }
        if digits.isEmpty { point = 0 }
        return DecimalDigits(negative: negative, digits: digits, pointPosition: point)
    }

    /// Whether the value is zero.
    var isZero: Bool { digits.isEmpty }

    /// Number of digits after the decimal point in positional notation.
    var fractionalCount: Int { max(0, digits.count - pointPosition) }

    /// Integer and fractional digit strings in positional notation (no sign).
    var positionalParts: (int: String, frac: String) {
        let str = digits.map { String($0) }.joined()
        if isZero { return ("0", "") }
        if pointPosition <= 0 {
            return ("0", String(repeating: "0", count: -pointPosition) + str)
        }
        if pointPosition >= digits.count {
            return (str + String(repeating: "0", count: pointPosition - digits.count), "")
        }
        let i = str.index(str.startIndex, offsetBy: pointPosition)
        return (String(str[..<i]), String(str[i...]))
    }

    /// The leading digit, the following digits, and the decimal exponent in scientific notation.
    var scientificParts: (lead: String, frac: String, exponent: Int) {
        if isZero { return ("0", "", 0) }
        return (String(digits[0]), digits.dropFirst().map { String($0) }.joined(), pointPosition - 1)
    }
}

/// NumPy's `dragon4_positional` and `dragon4_scientific` for the options `str()` uses:
/// unique digits, an optional cutoff of `precision` digits, trailing zeros trimmed or padded.
enum Dragon4 {
    /// Digits of `value` (of `dtype`) in positional notation with at most `precision`
    /// fractional digits (nil: no cutoff): shortest digits, or the exactly rounded value
    /// with trailing zeros trimmed when the shortest digits are longer.
    static func positionalDigits(_ value: Double, dtype: DType, precision: Int?) -> DecimalDigits {
        let d = DecimalDigits.shortest(value, dtype: dtype)
        guard let p = precision, d.fractionalCount > p else { return d }
        var r = DecimalDigits.parse(String(format: "%.\(p)f", value))
        r.negative = d.negative
        return r
    }

    /// Digits of `value` for scientific notation with at most `precision` digits after the
    /// leading one (nil: no cutoff). With `minDigits`, shorter digit strings are extended
    /// with the exact value's further digits (rounded at `precision`), as Dragon4 does.
    static func scientificDigits(_ value: Double, dtype: DType, precision: Int?, minDigits: Int = 0) -> DecimalDigits {
        let d = DecimalDigits.shortest(value, dtype: dtype)
        guard let p = precision, d.digits.count - 1 > p || d.digits.count - 1 < minDigits else { return d }
        var r = DecimalDigits.parse(String(format: "%.\(p)e", value))
        r.negative = d.negative
        return r
    }

    /// Positional text: `-12.5`, `1.` (`trimDot` false keeps the point), padded with spaces to
    /// `padLeft` characters before the point and `padRight` after it.
    static func positional(_ d: DecimalDigits, minDigits: Int = 0, padLeft: Int = 0, padRight: Int = 0,
                           leaveOneZero: Bool = false) -> String {
        var (i, f) = d.positionalParts
        if f.count < minDigits { f += String(repeating: "0", count: minDigits - f.count) }
        if f.isEmpty && leaveOneZero { f = "0" }
        let sign = d.negative ? "-" : ""
        let left = sign + i
        return String(repeating: " ", count: max(0, padLeft - left.count)) + left + "." + f
            + String(repeating: " ", count: max(0, padRight - f.count))
    }

    /// Scientific text: `1.5e+20`, `1.e-05` (`dropDot` gives `1e-05`), the fraction padded
    /// with zeros to `minDigits`, the exponent to at least `expDigits` (and 2) digits.
    static func scientific(_ d: DecimalDigits, minDigits: Int = 0, padLeft: Int = 0, expDigits: Int = 2,
                           dropDot: Bool = false) -> String {
        var (lead, f, e) = d.scientificParts
        if f.count < minDigits { f += String(repeating: "0", count: minDigits - f.count) }
        let sign = d.negative ? "-" : ""
        let left = sign + lead
        let mag = String(abs(e))
        let exp = (e < 0 ? "-" : "+") + String(repeating: "0", count: max(0, max(2, expDigits) - mag.count)) + mag
        let dot = (dropDot && f.isEmpty) ? "" : "."
        return String(repeating: " ", count: max(0, padLeft - left.count)) + left + dot + f + "e" + exp
    }
}
