import TesseraCore

/// `sort` along one axis: stable, lexicographic over the first `numKeys` operands, every
/// operand permuted alike. Floats use the total order of `lax.sort`: -0.0 equals 0.0 and
/// every NaN sorts last (and equal to other NaNs).
///
/// Each key is first encoded as a `UInt64` whose unsigned order is that total order, so
/// the comparison is the same simple code for every dtype.
enum SortKernels {
    static func sort(dimension: Int, numKeys: Int, _ xs: [UnsafeRawBufferPointer], _ types: [ShapedType],
                     _ outs: [UnsafeMutableRawBufferPointer]) {
        let shape = types[0].shape
        let count = shape.reduce(1, *)
        guard count > 0 else { return }
        let n = shape[dimension]
        let inner = shape[(dimension + 1)...].reduce(1, *)
        let outer = shape[..<dimension].reduce(1, *)
        let keys = (0..<numKeys).map { orderKeys(xs[$0], types[$0].dtype, count: count) }
        var permutation = [Int](repeating: 0, count: n)
        for o in 0..<outer {
            for i in 0..<inner {
                let base = o * n * inner + i
                for j in 0..<n { permutation[j] = j }
                if numKeys == 1 {
                    keys[0].withUnsafeBufferPointer { k in
                        permutation.sort { a, b in
                            let ka = k[base + a * inner], kb = k[base + b * inner]
                            return ka != kb ? ka < kb : a < b
                        }
                    }
                } else {
                    permutation.sort { a, b in
                        for key in keys {
                            let ka = key[base + a * inner], kb = key[base + b * inner]
                            if ka != kb { return ka < kb }
                        }
                        return a < b  // stability
                    }
                }
                for (x, (t, out)) in zip(xs, zip(types, outs)) {
                    let size = t.dtype.byteSize
                    for (dst, src) in permutation.enumerated() {
                        (out.baseAddress! + (base + dst * inner) * size)
                            .copyMemory(from: x.baseAddress! + (base + src * inner) * size, byteCount: size)
                    }
                }
            }
        }
    }

    /// The elements encoded so that unsigned order is the sort order.
    static func orderKeys(_ x: UnsafeRawBufferPointer, _ dtype: DType, count: Int) -> [UInt64] {
        let signBit: UInt64 = 1 << 63
        switch dtype {
        case .bool: return x.bindMemory(to: UInt8.self).prefix(count).map { $0 != 0 ? 1 : 0 }
        case .int32: return x.bindMemory(to: Int32.self).prefix(count).map { UInt64(bitPattern: Int64($0)) ^ signBit }
        case .int64: return x.bindMemory(to: Int64.self).prefix(count).map { UInt64(bitPattern: $0) ^ signBit }
        case .uint32: return x.bindMemory(to: UInt32.self).prefix(count).map { UInt64($0) }
        case .float16: return x.bindMemory(to: Float16.self).prefix(count).map { floatKey(Double($0)) }
        case .float32: return x.bindMemory(to: Float.self).prefix(count).map { floatKey(Double($0)) }
        case .float64: return x.bindMemory(to: Double.self).prefix(count).map(floatKey)
        }
    }

    /// NaN is the largest key; -0.0 and 0.0 share a key; otherwise the IEEE order.
    static func floatKey(_ v: Double) -> UInt64 {
        if v.isNaN { return .max }
        let bits = (v == 0 ? 0.0 : v).bitPattern
        return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
    }
}
