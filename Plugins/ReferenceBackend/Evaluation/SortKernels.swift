import TesseraCore

/// `sort` along one axis: stable, lexicographic over the first `numKeys` operands, every
/// operand permuted alike. Floats use the total order of `lax.sort`: -0.0 equals 0.0 and
/// every NaN sorts last (and equal to other NaNs).
enum SortKernels {
    /// Compares element `i` with element `j` of one key operand: negative, zero or positive.
    typealias KeyComparator = (Int, Int) -> Int

    static func sort(dimension: Int, numKeys: Int, _ xs: [UnsafeRawBufferPointer], _ types: [ShapedType],
                     _ outs: [UnsafeMutableRawBufferPointer]) {
        let shape = types[0].shape
        guard shape.reduce(1, *) > 0 else { return }
        let n = shape[dimension]
        let inner = shape[(dimension + 1)...].reduce(1, *)
        let outer = shape[..<dimension].reduce(1, *)
        let keys = (0..<numKeys).map { comparator(xs[$0], types[$0].dtype) }
        var permutation = [Int](repeating: 0, count: n)
        for o in 0..<outer {
            for i in 0..<inner {
                let base = o * n * inner + i
                permutation = Array(0..<n)
                permutation.sort { a, b in
                    let pa = base + a * inner, pb = base + b * inner
                    for key in keys {
                        let c = key(pa, pb)
                        if c != 0 { return c < 0 }
                    }
                    return a < b  // stability
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

    static func comparator(_ x: UnsafeRawBufferPointer, _ dtype: DType) -> KeyComparator {
        switch dtype {
        case .bool: return ordered(x, UInt8.self)
        case .int32: return ordered(x, Int32.self)
        case .int64: return ordered(x, Int64.self)
        case .uint32: return ordered(x, UInt32.self)
        case .float16: return totalOrder(x, Float16.self)
        case .float32: return totalOrder(x, Float.self)
        case .float64: return totalOrder(x, Double.self)
        }
    }

    static func ordered<T: Comparable>(_ raw: UnsafeRawBufferPointer, _: T.Type) -> KeyComparator {
        let x = raw.baseAddress!.assumingMemoryBound(to: T.self)
        return { i, j in x[i] < x[j] ? -1 : (x[j] < x[i] ? 1 : 0) }
    }

    static func totalOrder<F: BinaryFloatingPoint>(_ raw: UnsafeRawBufferPointer, _: F.Type) -> KeyComparator {
        let x = raw.baseAddress!.assumingMemoryBound(to: F.self)
        return { i, j in
            let a = x[i], b = x[j]
            if a.isNaN || b.isNaN { return a.isNaN ? (b.isNaN ? 0 : 1) : -1 }
            return a < b ? -1 : (b < a ? 1 : 0)
        }
    }
}
