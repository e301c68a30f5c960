/// The element type of a tensor.
///
/// The set follows JAX's: booleans, signed and unsigned integers, and IEEE floats.
/// ```swift
/// Tensor.zeros([2], dtype: .float64).dtype   // .float64
/// ```
public enum DType: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible, Codable {
    /// Booleans, stored as one byte (0 or 1).
    case bool
    /// 32-bit signed integers: the default integer type (JAX with x64 off).
    case int32
    /// 64-bit signed integers.
    case int64
    /// 32-bit unsigned integers (the type of PRNG keys and random bits).
    case uint32
    /// IEEE 754 binary16.
    case float16
    /// 32-bit floats: the default floating-point type.
    case float32
    /// 64-bit floats.
    case float64

    /// Size of one element in bytes.
    public var byteSize: Int {
        switch self {
        case .bool: return 1
        case .float16: return 2
        case .int32, .uint32, .float32: return 4
        case .int64, .float64: return 8
        }
    }

    /// Whether the type is a floating-point type.
    public var isFloatingPoint: Bool {
        switch self {
        case .float16, .float32, .float64: return true
        case .bool, .int32, .int64, .uint32: return false
        }
    }

    /// Whether the type is a signed or unsigned integer type (not bool).
    public var isInteger: Bool {
        switch self {
        case .int32, .int64, .uint32: return true
        case .bool, .float16, .float32, .float64: return false
        }
    }

    /// Whether the type is an unsigned integer type.
    public var isUnsigned: Bool { self == .uint32 }

    /// The short name used in jaxprs: `f32`, `i32`, `bool`, ...
    public var shortName: String {
        switch self {
        case .bool: return "bool"
        case .int32: return "i32"
        case .int64: return "i64"
        case .uint32: return "u32"
        case .float16: return "f16"
        case .float32: return "f32"
        case .float64: return "f64"
        }
    }

    /// The NumPy name: `float32`, `int32`, `bool`, ...
    public var description: String {
        switch self {
        case .bool: return "bool"
        case .int32: return "int32"
        case .int64: return "int64"
        case .uint32: return "uint32"
        case .float16: return "float16"
        case .float32: return "float32"
        case .float64: return "float64"
        }
    }

    /// Parses a NumPy-style name (`"float32"`, `"f32"`, `"<f4"`-less forms).
    public init?(name: String) {
        for d in DType.allCases where d.description == name || d.shortName == name {
            self = d
            return
        }
        return nil
    }
}
