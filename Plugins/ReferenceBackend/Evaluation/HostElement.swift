import TesseraCore

/// How an element type converts to others (`convert_element_type`).
enum ElementKind {
    /// bool, stored as one byte 0/1.
    case bool
    case signed
    case unsigned
    case float
}

/// A Swift type used as the storage of one dtype on the host:
/// bool -> `UInt8` (0/1), int32 -> `Int32`, int64 -> `Int64`, uint32 -> `UInt32`,
/// float16 -> `Float16`, float32 -> `Float`, float64 -> `Double`.
///
/// The conversions implement `convert_element_type` as XLA on CPU: floats to integers
/// truncate toward zero, saturate at the bounds and send NaN to 0; integers wrap; anything
/// to bool is `!= 0`; integers and floats round to the nearest float.
protocol HostElement {
    static var kind: ElementKind { get }
    /// The value of a float source converted to this type.
    static func from(float x: Double) -> Self
    /// The value of a signed integer (or bool) source converted to this type.
    static func from(signed x: Int64) -> Self
    /// The value of an unsigned integer source converted to this type.
    static func from(unsigned x: UInt64) -> Self
    /// The value as a Double (exact for floats; integers round).
    var doubleValue: Double { get }
    /// The value's bits widened as an integer (floats: meaningless, unused).
    var int64Value: Int64 { get }
    var uint64Value: UInt64 { get }
}

/// Float -> integer conversion as XLA on CPU: truncates toward zero, saturates at the
/// bounds (`lower`/`upper` are the integer type's bounds as Doubles), and sends NaN to 0.
@inline(__always)
func saturatingTruncation(_ x: Double, lower: Double, upper: Double) -> Double? {
    if x.isNaN { return nil }
    if x <= lower { return lower }
    if x >= upper { return upper }
    return x.rounded(.towardZero)
}

extension UInt8: HostElement {
    static var kind: ElementKind { .bool }
    static func from(float x: Double) -> UInt8 { x != 0 ? 1 : 0 }
    static func from(signed x: Int64) -> UInt8 { x != 0 ? 1 : 0 }
    static func from(unsigned x: UInt64) -> UInt8 { x != 0 ? 1 : 0 }
    var doubleValue: Double { self != 0 ? 1 : 0 }
    var int64Value: Int64 { self != 0 ? 1 : 0 }
    var uint64Value: UInt64 { self != 0 ? 1 : 0 }
}

extension Int32: HostElement {
    static var kind: ElementKind { .signed }
    static func from(float x: Double) -> Int32 {
        guard let t = saturatingTruncation(x, lower: -2147483648, upper: 2147483647) else { return 0 }
        return Int32(t)
    }
    static func from(signed x: Int64) -> Int32 { Int32(truncatingIfNeeded: x) }
    static func from(unsigned x: UInt64) -> Int32 { Int32(truncatingIfNeeded: x) }
    var doubleValue: Double { Double(self) }
    var int64Value: Int64 { Int64(self) }
    var uint64Value: UInt64 { UInt64(truncatingIfNeeded: self) }
}

extension Int64: HostElement {
    static var kind: ElementKind { .signed }
    static func from(float x: Double) -> Int64 {
        // 2^63 is the first Double above Int64.max.
        if x.isNaN { return 0 }
        if x >= 9223372036854775808.0 { return .max }
        if x <= -9223372036854775808.0 { return .min }
        return Int64(x.rounded(.towardZero))
    }
    static func from(signed x: Int64) -> Int64 { x }
    static func from(unsigned x: UInt64) -> Int64 { Int64(truncatingIfNeeded: x) }
    var doubleValue: Double { Double(self) }
    var int64Value: Int64 { self }
    var uint64Value: UInt64 { UInt64(truncatingIfNeeded: self) }
}

extension UInt32: HostElement {
    static var kind: ElementKind { .unsigned }
    static func from(float x: Double) -> UInt32 {
        guard let t = saturatingTruncation(x, lower: 0, upper: 4294967295) else { return 0 }
        return UInt32(t)
    }
    static func from(signed x: Int64) -> UInt32 { UInt32(truncatingIfNeeded: x) }
    static func from(unsigned x: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: x) }
    var doubleValue: Double { Double(self) }
    var int64Value: Int64 { Int64(self) }
    var uint64Value: UInt64 { UInt64(self) }
}

extension Float16: HostElement {
    static var kind: ElementKind { .float }
    static func from(float x: Double) -> Float16 { Float16(x) }
    static func from(signed x: Int64) -> Float16 { Float16(Float(x)) }
    static func from(unsigned x: UInt64) -> Float16 { Float16(Float(x)) }
    var doubleValue: Double { Double(self) }
    var int64Value: Int64 { 0 }
    var uint64Value: UInt64 { 0 }
}

extension Float: HostElement {
    static var kind: ElementKind { .float }
    static func from(float x: Double) -> Float { Float(x) }
    static func from(signed x: Int64) -> Float { Float(x) }
    static func from(unsigned x: UInt64) -> Float { Float(x) }
    var doubleValue: Double { Double(self) }
    var int64Value: Int64 { 0 }
    var uint64Value: UInt64 { 0 }
}

extension Double: HostElement {
    static var kind: ElementKind { .float }
    static func from(float x: Double) -> Double { x }
    static func from(signed x: Int64) -> Double { Double(x) }
    static func from(unsigned x: UInt64) -> Double { Double(x) }
    var doubleValue: Double { self }
    var int64Value: Int64 { 0 }
    var uint64Value: UInt64 { 0 }
}

/// A computation generic over the host element type of a dtype; `DType.visit` calls it
/// with the storage type of the dtype (one switch, outside any loop).
protocol ElementVisitor {
    associatedtype Result
    func visit<T: HostElement>(_ type: T.Type) throws -> Result
}

extension DType {
    /// Calls `visitor` with this dtype's host storage type.
    func visit<V: ElementVisitor>(_ visitor: V) throws -> V.Result {
        switch self {
        case .bool: return try visitor.visit(UInt8.self)
        case .int32: return try visitor.visit(Int32.self)
        case .int64: return try visitor.visit(Int64.self)
        case .uint32: return try visitor.visit(UInt32.self)
        case .float16: return try visitor.visit(Float16.self)
        case .float32: return try visitor.visit(Float.self)
        case .float64: return try visitor.visit(Double.self)
        }
    }
}
