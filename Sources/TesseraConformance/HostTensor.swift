import Foundation
import Tessera

/// A tensor's dtype, shape and row-major elements on the host, with the exact bytes.
public struct HostTensor: Sendable {
    /// Shape and dtype.
    public let type: ShapedType
    /// Little-endian element bytes.
    public let bytes: [UInt8]

    /// Wraps bytes of `type`.
    public init(type: ShapedType, bytes: [UInt8]) {
        self.type = type
        self.bytes = bytes
    }

    /// From `{"dtype", "shape", "values"}`: floats are decimal strings ("-0.0", "nan",
    /// "inf"), int64 values are strings, other integers numbers, bools JSON booleans.
    public init(json: [String: Any]) {
        let dtype = DType(name: json["dtype"] as! String)!
        let shape = (json["shape"] as! [Any]).map { ($0 as! NSNumber).intValue }
        type = ShapedType(shape, dtype)
        var out: [UInt8] = []
        out.reserveCapacity(type.byteCount)
        for v in json["values"] as! [Any] {
            func append<T>(_ x: T) { withUnsafeBytes(of: x) { out.append(contentsOf: $0) } }
            switch dtype {
            case .bool: append(UInt8((v as? Bool ?? ((v as! NSNumber).intValue != 0)) ? 1 : 0))
            case .int32: append(Int32((v as! NSNumber).int64Value))
            case .uint32: append(UInt32((v as! NSNumber).int64Value))
            case .int64: append(v is String ? Int64(v as! String)! : (v as! NSNumber).int64Value)
            case .float16: append(Float16(HostTensor.double(v)))
            case .float32: append(Float(HostTensor.double(v)))
            case .float64: append(HostTensor.double(v))
            }
        }
        precondition(out.count == type.byteCount, "values do not fill \(type)")
        bytes = out
    }

    /// A JSON number or "nan"/"inf"/"-inf" as a Double.
    public static func double(_ v: Any) -> Double {
        if let s = v as? String {
            switch s {
            case "nan": return .nan
            case "inf": return .infinity
            case "-inf": return -.infinity
            default: return Double(s)!
            }
        }
        return (v as! NSNumber).doubleValue
    }

    /// The element at `i` as a Double (floats exactly; integers exactly up to 2^53).
    public func double(at i: Int) -> Double {
        bytes.withUnsafeBytes { p in
            switch type.dtype {
            case .bool: return Double(p.load(fromByteOffset: i, as: UInt8.self))
            case .int32: return Double(p.loadUnaligned(fromByteOffset: i * 4, as: Int32.self))
            case .uint32: return Double(p.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self))
            case .int64: return Double(p.loadUnaligned(fromByteOffset: i * 8, as: Int64.self))
            case .float16: return Double(p.loadUnaligned(fromByteOffset: i * 2, as: Float16.self))
            case .float32: return Double(p.loadUnaligned(fromByteOffset: i * 4, as: Float.self))
            case .float64: return p.loadUnaligned(fromByteOffset: i * 8, as: Double.self)
            }
        }
    }

    /// The element at `i` printed in its dtype (exact, for messages).
    public func text(at i: Int) -> String {
        if type.dtype == .int64 {
            return String(bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: i * 8, as: Int64.self) })
        }
        if type.dtype == .bool { return bytes[i] != 0 ? "true" : "false" }
        let d = double(at: i)
        return type.dtype.isFloatingPoint ? "\(d)" : String(Int64(d))
    }

    /// The tensor on `device`.
    public func tensor(on device: Device) -> Tensor {
        Tensor(bytes: bytes, type: type, on: device)
    }
}

extension HostTensor {
    /// Reads a tensor back to the host (waits for it; a device error is thrown).
    public init(_ tensor: Tensor) throws {
        self.init(type: tensor.type, bytes: try tensor.bytes())
    }
}
