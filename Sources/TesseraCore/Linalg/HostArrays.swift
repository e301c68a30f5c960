/// Conversions between raw row-major element bytes and `[Double]`, used by the host
/// (pure-Swift) implementations of convolution and linear algebra. Every dtype but bool
/// converts exactly to Double except int64/uint32 values beyond 2^53 (not used here).
enum HostArrays {
    /// The elements of `bytes`, read as `dtype`.
    static func doubles(_ bytes: UnsafeRawBufferPointer, _ dtype: DType, count: Int) -> [Double] {
        (0..<count).map { i in
            switch dtype {
            case .bool: return Double(bytes.load(fromByteOffset: i, as: UInt8.self))
            case .int32: return Double(bytes.loadUnaligned(fromByteOffset: i * 4, as: Int32.self))
            case .uint32: return Double(bytes.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self))
            case .int64: return Double(bytes.loadUnaligned(fromByteOffset: i * 8, as: Int64.self))
            case .float16: return Double(bytes.loadUnaligned(fromByteOffset: i * 2, as: Float16.self))
            case .float32: return Double(bytes.loadUnaligned(fromByteOffset: i * 4, as: Float.self))
            case .float64: return bytes.loadUnaligned(fromByteOffset: i * 8, as: Double.self)
            }
        }
    }

    /// Writes `values` into `bytes` as `dtype` (rounded to nearest for floats, truncated
    /// toward zero and wrapped for integers).
    static func store(_ values: [Double], _ dtype: DType, into bytes: UnsafeMutableRawBufferPointer) {
        for (i, v) in values.enumerated() {
            switch dtype {
            case .bool: bytes.storeBytes(of: v != 0 ? 1 : 0, toByteOffset: i, as: UInt8.self)
            case .int32: bytes.storeBytes(of: Int32(truncatingIfNeeded: Int64(v)), toByteOffset: i * 4, as: Int32.self)
            case .uint32: bytes.storeBytes(of: UInt32(truncatingIfNeeded: Int64(v)), toByteOffset: i * 4, as: UInt32.self)
            case .int64: bytes.storeBytes(of: Int64(v), toByteOffset: i * 8, as: Int64.self)
            case .float16: bytes.storeBytes(of: Float16(v), toByteOffset: i * 2, as: Float16.self)
            case .float32: bytes.storeBytes(of: Float(v), toByteOffset: i * 4, as: Float.self)
            case .float64: bytes.storeBytes(of: v, toByteOffset: i * 8, as: Double.self)
            }
        }
    }

    /// Row-major strides of `shape`.
    static func strides(_ shape: [Int]) -> [Int] {
        var s = [Int](repeating: 1, count: shape.count)
        var acc = 1
        for d in stride(from: shape.count - 1, through: 0, by: -1) {
            s[d] = acc
            acc *= shape[d]
        }
        return s
    }
}
