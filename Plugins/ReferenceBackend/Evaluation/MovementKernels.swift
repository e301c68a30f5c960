import TesseraCore

/// Shape and movement primitives: broadcast_in_dim, transpose, slice, rev, pad,
/// concatenate, dynamic_slice and dynamic_update_slice. They move elements without
/// looking at them, so they work on every dtype by element size.
enum MovementKernels {
    /// Contiguous row-major view of `shape`.
    static func contiguous(_ shape: [Int]) -> StridedView {
        StridedView(offset: 0, strides: contiguousStrides(shape))
    }

    static func broadcastInDim(_ x: UnsafeRawBufferPointer, _ xType: ShapedType, shape: [Int],
                               broadcastDimensions dims: [Int], _ out: UnsafeMutableRawBufferPointer) {
        let xStrides = contiguousStrides(xType.shape)
        var strides = [Int](repeating: 0, count: shape.count)
        for (i, d) in dims.enumerated() where xType.shape[i] != 1 { strides[d] = xStrides[i] }
        copy(shape, xType, x, StridedView(offset: 0, strides: strides), out, contiguous(shape))
    }

    static func transpose(_ x: UnsafeRawBufferPointer, _ xType: ShapedType, permutation: [Int],
                          _ out: UnsafeMutableRawBufferPointer) {
        let xStrides = contiguousStrides(xType.shape)
        let shape = permutation.map { xType.shape[$0] }
        copy(shape, xType, x, StridedView(offset: 0, strides: permutation.map { xStrides[$0] }), out, contiguous(shape))
    }

    static func slice(_ x: UnsafeRawBufferPointer, _ xType: ShapedType, start: [Int], strides steps: [Int],
                      outShape: [Int], _ out: UnsafeMutableRawBufferPointer) {
        let xStrides = contiguousStrides(xType.shape)
        let offset = zip(start, xStrides).reduce(0) { $0 + $1.0 * $1.1 }
        let view = StridedView(offset: offset, strides: zip(steps, xStrides).map { $0 * $1 })
        copy(outShape, xType, x, view, out, contiguous(outShape))
    }

    static func rev(_ x: UnsafeRawBufferPointer, _ xType: ShapedType, dimensions: [Int], _ out: UnsafeMutableRawBufferPointer) {
        var strides = contiguousStrides(xType.shape)
        var offset = 0
        for d in Set(dimensions) where xType.shape[d] > 0 {
            offset += (xType.shape[d] - 1) * strides[d]
            strides[d] = -strides[d]
        }
        copy(xType.shape, xType, x, StridedView(offset: offset, strides: strides), out, contiguous(xType.shape))
    }

    /// Fills with the padding value, then copies the part of the operand that lands inside
    /// the output (negative low/high crop; interior padding spaces elements apart).
    static func pad(_ x: UnsafeRawBufferPointer, _ xType: ShapedType, value: UnsafeRawBufferPointer,
                    config: [PadConfig], outShape: [Int], _ out: UnsafeMutableRawBufferPointer) {
        let size = xType.dtype.byteSize
        let outCount = outShape.reduce(1, *)
        guard outCount > 0 else { return }
        StridedCopy.fill(out.baseAddress!, count: outCount, elementSize: size, value: value.baseAddress!)
        let xStrides = contiguousStrides(xType.shape), oStrides = contiguousStrides(outShape)
        var region: [Int] = [], src = StridedView(offset: 0, strides: xStrides)
        var dst = StridedView(offset: 0, strides: [])
        for axis in 0..<xType.rank {
            let c = config[axis], step = c.interior + 1, n = xType.shape[axis]
            // Operand indices i with 0 <= low + i * step < outShape[axis].
            let first = c.low >= 0 ? 0 : (-c.low + step - 1) / step
            let lastInside = outShape[axis] - 1 - c.low
            let last = Swift.min(n - 1, lastInside >= 0 ? lastInside / step : -1)
            if last < first { return }
            region.append(last - first + 1)
            src.offset += first * xStrides[axis]
            dst.offset += (c.low + first * step) * oStrides[axis]
            dst.strides.append(step * oStrides[axis])
        }
        StridedCopy.copy(shape: region, elementSize: size, from: x.baseAddress!, src, to: out.baseAddress!, dst)
    }

    static func concatenate(_ xs: [UnsafeRawBufferPointer], _ types: [ShapedType], dimension: Int,
                            outShape: [Int], _ out: UnsafeMutableRawBufferPointer) {
        let oStrides = contiguousStrides(outShape)
        var position = 0
        for (x, t) in zip(xs, types) {
            copy(t.shape, t, x, contiguous(t.shape), out, StridedView(offset: position * oStrides[dimension], strides: oStrides))
            position += t.shape[dimension]
        }
    }

    /// Start indices clamped so that a window of `sizes` fits in `shape`.
    static func clampedStarts(_ starts: [Int64], sizes: [Int], shape: [Int]) -> [Int] {
        (0..<shape.count).map { Int(Swift.min(Swift.max(starts[$0], 0), Int64(shape[$0] - sizes[$0]))) }
    }

    static func dynamicSlice(_ x: UnsafeRawBufferPointer, _ xType: ShapedType, starts: [Int64], sizes: [Int],
                             _ out: UnsafeMutableRawBufferPointer) {
        let start = clampedStarts(starts, sizes: sizes, shape: xType.shape)
        slice(x, xType, start: start, strides: [Int](repeating: 1, count: xType.rank), outShape: sizes, out)
    }

    static func dynamicUpdateSlice(_ x: UnsafeRawBufferPointer, _ xType: ShapedType, update: UnsafeRawBufferPointer,
                                   _ uType: ShapedType, starts: [Int64], _ out: UnsafeMutableRawBufferPointer) {
        if out.count > 0 { out.baseAddress!.copyMemory(from: x.baseAddress!, byteCount: out.count) }
        let start = clampedStarts(starts, sizes: uType.shape, shape: xType.shape)
        let oStrides = contiguousStrides(xType.shape)
        let offset = zip(start, oStrides).reduce(0) { $0 + $1.0 * $1.1 }
        copy(uType.shape, uType, update, contiguous(uType.shape), out, StridedView(offset: offset, strides: oStrides))
    }

    /// Reads an integer scalar start index of any integer dtype.
    static func scalarIndex(_ x: UnsafeRawBufferPointer, _ dtype: DType) -> Int64 {
        switch dtype {
        case .int32: return Int64(x.load(as: Int32.self))
        case .int64: return x.load(as: Int64.self)
        case .uint32: return Int64(x.load(as: UInt32.self))
        case .bool: return Int64(x.load(as: UInt8.self))
        case .float16, .float32, .float64: return 0
        }
    }

    private static func copy(_ shape: [Int], _ type: ShapedType, _ src: UnsafeRawBufferPointer, _ sv: StridedView,
                             _ dst: UnsafeMutableRawBufferPointer, _ dv: StridedView) {
        if shape.contains(0) { return }
        StridedCopy.copy(shape: shape, elementSize: type.dtype.byteSize, from: src.baseAddress!, sv, to: dst.baseAddress!, dv)
    }
}
