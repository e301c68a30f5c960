import TesseraCore

/// Index arithmetic for compiled kernels: walking a row-major range of an index space.
enum KernelGather {
    /// The coordinates of row-major position `position` in `shape`.
    static func coordinates(of position: Int, in shape: [Int]) -> [Int] {
        var coords = [Int](repeating: 0, count: shape.count)
        var rest = position
        for axis in stride(from: shape.count - 1, through: 0, by: -1) where shape[axis] > 0 {
            coords[axis] = rest % shape[axis]
            rest /= shape[axis]
        }
        return coords
    }

    /// Calls `body(k, offset)` for the `count` points from row-major position `start`, where
    /// `offset = map.offset + Σ map.strides[d] * i[d]` (an odometer: no division per point).
    @inline(__always)
    static func forEachOffset(_ map: KernelIndexMap, shape: [Int], start: Int, count: Int, _ body: (Int, Int) -> Void) {
        var coords = coordinates(of: start, in: shape)
        var offset = map.offset
        for (d, i) in coords.enumerated() { offset += map.strides[d] * i }
        let rank = shape.count
        for k in 0..<count {
            body(k, offset)
            var axis = rank - 1
            while axis >= 0 {
                coords[axis] += 1
                offset += map.strides[axis]
                if coords[axis] < shape[axis] { break }
                offset -= map.strides[axis] * shape[axis]
                coords[axis] = 0
                axis -= 1
            }
        }
    }

    /// `out[k] = source[offset(start + k)]` for the chunk, copying elements of `elementSize` bytes.
    static func gather(from source: UnsafeRawBufferPointer, map: KernelIndexMap, shape: [Int], start: Int, count: Int,
                       elementSize: Int, into out: UnsafeMutableRawBufferPointer) {
        switch elementSize {
        case 1: typed(source, map, shape, start, count, out, UInt8.self)
        case 2: typed(source, map, shape, start, count, out, UInt16.self)
        case 4: typed(source, map, shape, start, count, out, UInt32.self)
        default: typed(source, map, shape, start, count, out, UInt64.self)
        }
    }

    private static func typed<T>(_ source: UnsafeRawBufferPointer, _ map: KernelIndexMap, _ shape: [Int], _ start: Int,
                                 _ count: Int, _ out: UnsafeMutableRawBufferPointer, _: T.Type) {
        guard count > 0 else { return }
        let src = source.baseAddress!.assumingMemoryBound(to: T.self)
        let dst = out.baseAddress!.assumingMemoryBound(to: T.self)
        forEachOffset(map, shape: shape, start: start, count: count) { k, offset in dst[k] = src[offset] }
    }

    /// `out[k] = i[dimension]` (int32) for the chunk's points.
    static func coordinates(dimension: Int, shape: [Int], start: Int, count: Int, into out: UnsafeMutableRawBufferPointer) {
        guard count > 0 else { return }
        var strides = [Int](repeating: 0, count: shape.count)
        strides[dimension] = 1
        let dst = out.baseAddress!.assumingMemoryBound(to: Int32.self)
        forEachOffset(KernelIndexMap(offset: 0, strides: strides), shape: shape, start: start, count: count) { k, i in
            dst[k] = Int32(truncatingIfNeeded: i)
        }
    }
}
