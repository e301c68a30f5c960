/// One element of a host array, as read for printing.
enum PrintElement {
    case bool(Bool), int(Int64), uint(UInt64), float(Double)

    static func load(_ p: UnsafeRawPointer, _ dtype: DType) -> PrintElement {
        switch RawElement.load(p, dtype) {
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .uint(let u): return .uint(u)
        case .float(let d): return .float(d)
        }
    }

    var double: Double {
        switch self {
        case .bool(let b): return b ? 1 : 0
        case .int(let i): return Double(i)
        case .uint(let u): return Double(u)
        case .float(let d): return d
        }
    }

    /// The integer spelling of an integer or bool element.
    var integerText: String {
        switch self {
        case .bool(let b): return b ? "1" : "0"
        case .int(let i): return String(i)
        case .uint(let u): return String(u)
        case .float(let d): return String(d)
        }
    }
}

/// NumPy's per-dtype element formatters (`IntegerFormat`, `BoolFormat`, `FloatingFormat`
/// with the default options: precision 8, floatmode `maxprec`, no suppression, sign `-`),
/// configured from the elements that will be shown.
enum ElementFormat {
    case integer(width: Int)
    case bool(trueText: String)
    case float(FloatFormat)

    /// The formatter for `elements` of `dtype`; `isScalar` for a 0-d array (bools then
    /// print `True` without the aligning space).
    init(_ elements: [PrintElement], dtype: DType, isScalar: Bool) {
        switch dtype {
        case .bool:
            self = .bool(trueText: isScalar ? "True" : " True")
        case .int32, .int64, .uint32:
            let width = elements.map { $0.integerText.count }.max() ?? 0
            self = .integer(width: width)
        case .float16, .float32, .float64:
            self = .float(FloatFormat(elements.map(\.double), dtype: dtype))
        }
    }

    /// The text of one element.
    func callAsFunction(_ e: PrintElement) -> String {
        switch self {
        case .integer(let width):
            let t = e.integerText
            return String(repeating: " ", count: max(0, width - t.count)) + t
        case .bool(let trueText):
            return e.double != 0 ? trueText : "False"
        case .float(let f):
            return f.format(e.double)
        }
    }
}

/// NumPy's `FloatingFormat` (arrayprint.py) for `str()`'s defaults: chooses positional or
/// scientific notation from the finite non-zero values and pads every element to a common
/// width.
struct FloatFormat {
    let dtype: DType
    var precision: Int? = 8
    var expFormat = false
    var padLeft = 0
    var padRight = 0
    var expSize = -1
    var minDigits = 0

    /// Configures the format from the values that will be printed.
    init(_ values: [Double], dtype: DType) {
        self.dtype = dtype
        let finite = values.filter(\.isFinite)
        let absNonZero = finite.filter { $0 != 0 }.map(Swift.abs)
        if let maxVal = absNonZero.max(), let minVal = absNonZero.min() {
            // NumPy 2.x: the large-value cutoff is 10^min(8, finfo(dtype).precision).
            // NumPy compares in the array's dtype: float32(1e-4) is not below float32(0.0001).
            let inDType = { (x: Double) in FloatFormat.rounded(x, to: dtype) }
            if maxVal >= inDType(FloatFormat.expCutoffMax(dtype)) || minVal < inDType(0.0001)
                || inDType(maxVal / minVal) > 1000 {
                expFormat = true
            }
        }
        if finite.isEmpty {
            padLeft = 0; padRight = 0; expSize = -1; minDigits = 0
        } else if expFormat {
            let ds = finite.map { Dragon4.scientificDigits($0, dtype: dtype, precision: 8) }
            let parts = ds.map(\.scientificParts)
            expSize = parts.map { String(Swift.abs($0.exponent)).count }.max().map { Swift.max($0, 2) } ?? 2
            precision = parts.map(\.frac.count).max() ?? 0
            minDigits = precision ?? 0
            padLeft = zip(ds, parts).map { ($0.negative ? 1 : 0) + $1.lead.count }.max() ?? 0
            padRight = expSize + 2 + (precision ?? 0)
        } else {
            let ds = finite.map { Dragon4.positionalDigits($0, dtype: dtype, precision: 8) }
            let parts = ds.map(\.positionalParts)
            padLeft = zip(ds, parts).map { ($0.negative ? 1 : 0) + $1.int.count }.max() ?? 0
            padRight = parts.map(\.frac.count).max() ?? 0
            minDigits = 0
        }
        if finite.count != values.count {
            let negInf = values.contains { $0.isInfinite && $0 < 0 }
            let offset = padRight + 1
            padLeft = Swift.max(padLeft, 3 - offset, 3 + (negInf ? 1 : 0) - offset)
        }
    }

    /// `x` rounded to the precision of a float dtype.
    static func rounded(_ x: Double, to dtype: DType) -> Double {
        switch dtype {
        case .float16: return Double(Float16(x))
        case .float32: return Double(Float(x))
        case .float64, .bool, .int32, .int64, .uint32: return x
        }
    }

    /// The largest magnitude printed positionally in an array: 10^min(8, decimal precision).
    static func expCutoffMax(_ dtype: DType) -> Double {
        switch dtype {
        case .float16: return 1e3
        case .float32: return 1e6
        case .float64, .bool, .int32, .int64, .uint32: return 1e8
        }
    }

    /// One element's text.
    func format(_ x: Double) -> String {
        if !x.isFinite {
            let text = x.isNaN ? "nan" : (x < 0 ? "-inf" : "inf")
            return String(repeating: " ", count: Swift.max(0, padLeft + padRight + 1 - text.count)) + text
        }
        if expFormat {
            let d = Dragon4.scientificDigits(x, dtype: dtype, precision: precision, minDigits: minDigits)
            return Dragon4.scientific(d, minDigits: minDigits, padLeft: padLeft, expDigits: expSize)
        }
        let d = Dragon4.positionalDigits(x, dtype: dtype, precision: precision)
        return Dragon4.positional(d, minDigits: minDigits, padLeft: padLeft, padRight: padRight)
    }

    /// NumPy's `str()` of a float scalar: positional with at least one fractional digit
    /// (`1.0`) when `1e-4 <= |x| <` the dtype's cutoff (or zero), else scientific (`1e-05`).
    static func scalarText(_ x: Double, dtype: DType) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x < 0 ? "-inf" : "inf" }
        let cutoff: Double
        switch dtype {
        case .float16: cutoff = 1e3
        case .float32: cutoff = 1e6
        case .float64, .bool, .int32, .int64, .uint32: cutoff = 1e16
        }
        let a = Swift.abs(x)
        if a == 0 || (a >= 1e-4 && a < cutoff) {
            return Dragon4.positional(Dragon4.positionalDigits(x, dtype: dtype, precision: nil), leaveOneZero: true)
        }
        return Dragon4.scientific(Dragon4.scientificDigits(x, dtype: dtype, precision: nil), dropDot: true)
    }
}
