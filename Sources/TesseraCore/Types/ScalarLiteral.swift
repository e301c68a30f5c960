/// A scalar constant known on the host: the value of a Swift literal or of a scalar
/// `Tensor(3)`, printed inline in jaxprs and materialised on a device only when needed.
///
/// The value is stored exactly: integers as `Int64` or `UInt64` bits, floats as `Double`.
public struct ScalarLiteral: Hashable, Sendable, CustomStringConvertible {
    /// Storage of the value.
    public enum Value: Hashable, Sendable {
        case bool(Bool)
        case int(Int64)
        case uint(UInt64)
        case float(Double)
    }

    /// The value.
    public let value: Value
    /// The abstract type (always rank 0).
    public let type: ShapedType

    /// Creates a literal of `dtype`, converting `value` as `convert_element_type` would.
    public init(_ value: Value, dtype: DType, weak: Bool = false) {
        self.type = ShapedType([], dtype, weak: weak)
        switch dtype {
        case .bool: self.value = .bool(value.asDouble != 0)
        case .int32: self.value = .int(Int64(truncatingIfNeeded: Int32(truncatingIfNeeded: value.asInt64)))
        case .int64: self.value = .int(value.asInt64)
        case .uint32: self.value = .uint(UInt64(UInt32(truncatingIfNeeded: value.asInt64)))
        // A weak float literal keeps its exact value (as a Python float in JAX): it is
        // rounded only when it takes a concrete dtype, so `0.044715 * x_f64` is exact.
        case .float16: self.value = .float(weak ? value.asDouble : Double(Float16(value.asDouble)))
        case .float32: self.value = .float(weak ? value.asDouble : Double(Float(value.asDouble)))
        case .float64: self.value = .float(value.asDouble)
        }
    }

    /// The value as a Double (exact for every integer up to 2^53).
    public var doubleValue: Double { value.asDouble }
    /// The value as an Int64 (floats truncate toward zero; NaN gives 0).
    public var int64Value: Int64 { value.asInt64 }
    /// The dtype.
    public var dtype: DType { type.dtype }

    /// Printed as JAX prints literals: `3`, `-4`, `2.5`, `1.0`, `True`.
    public var description: String {
        switch value {
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .uint(let u): return String(u)
        case .float(let d):
            if d.isNaN { return "nan" }
            if d.isInfinite { return d > 0 ? "inf" : "-inf" }
            switch dtype {
            case .float32: return formatShortest(Float(d))
            case .float16: return formatShortest(Float(Float16(d)))
            default: return formatShortest(d)
            }
        }
    }
}

extension ScalarLiteral.Value {
    var asDouble: Double {
        switch self {
        case .bool(let b): return b ? 1 : 0
        case .int(let i): return Double(i)
        case .uint(let u): return Double(u)
        case .float(let d): return d
        }
    }
    var asInt64: Int64 {
        switch self {
        case .bool(let b): return b ? 1 : 0
        case .int(let i): return i
        case .uint(let u): return Int64(bitPattern: u)
        case .float(let d):
            if d.isNaN { return 0 }
            if d >= 9.2e18 { return Int64.max }
            if d <= -9.2e18 { return Int64.min }
            return Int64(d)
        }
    }
}

/// Shortest round-trip decimal of a float, with a `.0` for integral values (`1.0`, `2.5`).
func formatShortest<F: BinaryFloatingPoint & LosslessStringConvertible>(_ x: F) -> String {
    var s = x.description
    if let e = s.firstIndex(of: "e") {
        // Swift prints 1e-05; Python prints 1e-05 too: keep.
        _ = e
        return s
    }
    if !s.contains(".") && !s.contains("n") && !s.contains("i") { s += ".0" }
    return s
}
