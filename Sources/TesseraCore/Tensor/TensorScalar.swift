/// A Swift type that can be an element of a tensor on the host side.
///
/// `Int` maps to int32 (JAX's default integer type); the others map to their own dtype.
public protocol TensorScalar: Sendable {
    /// The dtype a `[Self]` becomes.
    static var dtype: DType { get }
    /// Converts an element stored as `dtype` at `pointer` to `Self` (C-like conversion).
    static func load(from pointer: UnsafeRawPointer, dtype: DType) -> Self
    /// Writes `self` converted to `dtype` at `pointer`.
    func store(to pointer: UnsafeMutableRawPointer, dtype: DType)
}

/// Reads one element of `dtype` as a Double / Int64 / UInt64 (exact for every dtype's range
/// where the target can hold it).
enum RawElement {
    case bool(Bool), int(Int64), uint(UInt64), float(Double)

    static func load(_ p: UnsafeRawPointer, _ dtype: DType) -> RawElement {
        switch dtype {
        case .bool: return .bool(p.load(as: UInt8.self) != 0)
        case .int32: return .int(Int64(p.loadUnaligned(as: Int32.self)))
        case .int64: return .int(p.loadUnaligned(as: Int64.self))
        case .uint32: return .uint(UInt64(p.loadUnaligned(as: UInt32.self)))
        case .float16: return .float(Double(p.loadUnaligned(as: Float16.self)))
        case .float32: return .float(Double(p.loadUnaligned(as: Float.self)))
        case .float64: return .float(p.loadUnaligned(as: Double.self))
        }
    }

    var asDouble: Double {
        switch self {
        case .bool(let b): return b ? 1 : 0
        case .int(let i): return Double(i)
        case .uint(let u): return Double(u)
        case .float(let d): return d
        }
    }

    var asInt64: Int64 { ScalarLiteral.Value(self).asInt64 }

    func store(_ p: UnsafeMutableRawPointer, _ dtype: DType) {
        let lit = ScalarLiteral(ScalarLiteral.Value(self), dtype: dtype)
        lit.withUnsafeBytes { p.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
    }
}

extension ScalarLiteral.Value {
    init(_ e: RawElement) {
        switch e {
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(i)
        case .uint(let u): self = .uint(u)
        case .float(let d): self = .float(d)
        }
    }
}

extension Bool: TensorScalar {
    public static var dtype: DType { .bool }
    public static func load(from p: UnsafeRawPointer, dtype: DType) -> Bool { RawElement.load(p, dtype).asDouble != 0 }
    public func store(to p: UnsafeMutableRawPointer, dtype: DType) { RawElement.bool(self).store(p, dtype) }
}
extension Int32: TensorScalar {
    public static var dtype: DType { .int32 }
    public static func load(from p: UnsafeRawPointer, dtype: DType) -> Int32 { Int32(truncatingIfNeeded: RawElement.load(p, dtype).asInt64) }
    public func store(to p: UnsafeMutableRawPointer, dtype: DType) { RawElement.int(Int64(self)).store(p, dtype) }
}
extension Int64: TensorScalar {
    public static var dtype: DType { .int64 }
    public static func load(from p: UnsafeRawPointer, dtype: DType) -> Int64 { RawElement.load(p, dtype).asInt64 }
    public func store(to p: UnsafeMutableRawPointer, dtype: DType) { RawElement.int(self).store(p, dtype) }
}
extension Int: TensorScalar {
    public static var dtype: DType { .int32 }
    public static func load(from p: UnsafeRawPointer, dtype: DType) -> Int { Int(RawElement.load(p, dtype).asInt64) }
    public func store(to p: UnsafeMutableRawPointer, dtype: DType) { RawElement.int(Int64(self)).store(p, dtype) }
}
extension UInt32: TensorScalar {
    public static var dtype: DType { .uint32 }
    public static func load(from p: UnsafeRawPointer, dtype: DType) -> UInt32 { UInt32(truncatingIfNeeded: RawElement.load(p, dtype).asInt64) }
    public func store(to p: UnsafeMutableRawPointer, dtype: DType) { RawElement.uint(UInt64(self)).store(p, dtype) }
}
extension Float16: TensorScalar {
    public static var dtype: DType { .float16 }
    public static func load(from p: UnsafeRawPointer, dtype: DType) -> Float16 { Float16(RawElement.load(p, dtype).asDouble) }
    public func store(to p: UnsafeMutableRawPointer, dtype: DType) { RawElement.float(Double(self)).store(p, dtype) }
}
extension Float: TensorScalar {
    public static var dtype: DType { .float32 }
    public static func load(from p: UnsafeRawPointer, dtype: DType) -> Float { Float(RawElement.load(p, dtype).asDouble) }
    public func store(to p: UnsafeMutableRawPointer, dtype: DType) { RawElement.float(Double(self)).store(p, dtype) }
}
extension Double: TensorScalar {
    public static var dtype: DType { .float64 }
    public static func load(from p: UnsafeRawPointer, dtype: DType) -> Double { RawElement.load(p, dtype).asDouble }
    public func store(to p: UnsafeMutableRawPointer, dtype: DType) { RawElement.float(self).store(p, dtype) }
}
