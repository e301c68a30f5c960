/// A strided view of elements in a buffer: element `(i0, i1, ...)` is at
/// `offset + i0 * strides[0] + i1 * strides[1] + ...` (in elements; strides may be zero
/// for broadcasting or negative for reversal).
struct StridedView {
    var offset: Int
    var strides: [Int]
}

/// Copies the elements of an index space between strided views, element by element.
/// Every movement primitive (broadcast, transpose, slice, rev, pad, concatenate,
/// dynamic slices) is one or a few such copies.
enum StridedCopy {
    /// For each index `i` of `shape`: `dst[dstView(i)] = src[srcView(i)]`.
    static func copy(shape: [Int], elementSize: Int,
                     from src: UnsafeRawPointer, _ srcView: StridedView,
                     to dst: UnsafeMutableRawPointer, _ dstView: StridedView) {
        switch elementSize {
        case 1: typed(shape, src, srcView, dst, dstView, UInt8.self)
        case 2: typed(shape, src, srcView, dst, dstView, UInt16.self)
        case 4: typed(shape, src, srcView, dst, dstView, UInt32.self)
        default: typed(shape, src, srcView, dst, dstView, UInt64.self)
        }
    }

    static func typed<T>(_ shape: [Int], _ srcRaw: UnsafeRawPointer, _ sv: StridedView,
                         _ dstRaw: UnsafeMutableRawPointer, _ dv: StridedView, _: T.Type) {
        if shape.contains(0) { return }
        let src = srcRaw.assumingMemoryBound(to: T.self)
        let dst = dstRaw.assumingMemoryBound(to: T.self)
        let rank = shape.count
        if rank == 0 {
            dst[dv.offset] = src[sv.offset]
            return
        }
        let inner = shape[rank - 1]
        let sInner = sv.strides[rank - 1], dInner = dv.strides[rank - 1]
        var index = [Int](repeating: 0, count: rank)
        var s = sv.offset, d = dv.offset
        while true {
            // The innermost axis as one tight loop.
            var k = 0, si = s, di = d
            while k < inner {
                dst[di] = src[si]
                si += sInner
                di += dInner
                k += 1
            }
            // Odometer over the outer axes.
            var axis = rank - 2
            while axis >= 0 {
                index[axis] += 1
                s += sv.strides[axis]
                d += dv.strides[axis]
                if index[axis] < shape[axis] { break }
                s -= sv.strides[axis] * shape[axis]
                d -= dv.strides[axis] * shape[axis]
                index[axis] = 0
                axis -= 1
            }
            if axis < 0 { return }
        }
    }

    /// Fills `count` elements at `dst` with the element at `value`.
    static func fill(_ dst: UnsafeMutableRawPointer, count: Int, elementSize: Int, value: UnsafeRawPointer) {
        var i = 0
        while i < count {
            (dst + i * elementSize).copyMemory(from: value, byteCount: elementSize)
            i += 1
        }
    }
}

extension StridedCopy {
    /// Calls `body(srcOffset, dstOffset)` for each index of `shape`, in row-major order.
    static func forEachOffset(shape: [Int], _ sv: StridedView, _ dv: StridedView, _ body: (Int, Int) -> Void) {
        if shape.contains(0) { return }
        let rank = shape.count
        var index = [Int](repeating: 0, count: rank)
        var s = sv.offset, d = dv.offset
        while true {
            body(s, d)
            var axis = rank - 1
            while axis >= 0 {
                index[axis] += 1
                s += sv.strides[axis]
                d += dv.strides[axis]
                if index[axis] < shape[axis] { break }
                s -= sv.strides[axis] * shape[axis]
                d -= dv.strides[axis] * shape[axis]
                index[axis] = 0
                axis -= 1
            }
            if axis < 0 { return }
        }
    }

    /// Calls `body(index)` for each multi-index of `shape`, in row-major order.
    static func forEachIndex(shape: [Int], _ body: ([Int]) -> Void) {
        if shape.contains(0) { return }
        var index = [Int](repeating: 0, count: shape.count)
        while true {
            body(index)
            var axis = shape.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < shape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
            if axis < 0 { return }
        }
    }
}
