import Foundation
@testable import Tessera
@testable import TesseraCore

/// Decoding of the element lists our generator scripts write: bools and integers as JSON
/// numbers, floats as hex bit patterns (`"0x3ff0000000000000"`) so that values survive
/// JSON exactly.
enum HostValues {
    /// Row-major little-endian element bytes of `dtype` for a JSON value list.
    static func bytes(_ values: [Any], dtype: DType) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: values.count * dtype.byteSize)
        out.withUnsafeMutableBytes { raw in
            for (i, v) in values.enumerated() {
                let p = raw.baseAddress! + i * dtype.byteSize
                switch dtype {
                case .bool: RawElement.bool(v as! Bool).store(p, dtype)
                case .uint32: RawElement.uint(UInt64(v as! Int)).store(p, dtype)
                case .int32, .int64: RawElement.int(Int64(v as! Int)).store(p, dtype)
                case .float16, .float32, .float64:
                    var bits = bitPattern(v)
                    withUnsafeBytes(of: &bits) { p.copyMemory(from: $0.baseAddress!, byteCount: dtype.byteSize) }
                }
            }
        }
        return out
    }

    /// The integer a `"0x..."` string (or a JSON integer) spells.
    static func bitPattern(_ v: Any) -> UInt64 {
        if let s = v as? String, s.hasPrefix("0x") { return UInt64(s.dropFirst(2), radix: 16)! }
        if let i = v as? Int { return UInt64(bitPattern: Int64(i)) }
        fatalError("not a bit pattern: \(v)")
    }
}
