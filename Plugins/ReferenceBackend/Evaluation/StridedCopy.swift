/// A strided view of elements in a buffer: element `(i0, i1, ...)` is at
/// `offset + i0 * strides[0] + i1 * strides[1] + ...` (in elements; strides may be zero
/// for broadcasting or negative for reversal).
struct StridedView {
    var offset: Int
    var strides: [Int]
}

/// Walks index spaces in row-major order. Every movement primitive (broadcast,
/// transpose, slice, rev, pad, concatenate, dynamic slices, gather) is one or a few
/// strided copies; reductions and scatter walk pairs of offsets the same way.
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
        // The innermost axis as one tight loop, the outer axes as an odometer.
        let inner = shape[rank - 1]
        let sInner = sv.strides[rank - 1], dInner = dv.strides[rank - 1]
        let outer = StridedView(offset: 0, strides: Array(sv.strides.dropLast()))
        let outerDst = StridedView(offset: 0, strides: Array(dv.strides.dropLast()))
        forEachOffset(shape: Array(shape.dropLast()), outer, outerDst) { s0, d0 in
            var k = 0, s = sv.offset + s0, d = dv.offset + d0
            if sInner == 1 && dInner == 1 {
                // Contiguous rows (slices, pads, concatenations): one block copy.
                (dst + d).update(from: src + s, count: inner)
                return
            }
            while k < inner {
                dst[d] = src[s]
                s += sInner
                d += dInner
                k += 1
            }
        }
    }

    /// Fills `count` elements at `dst` with the element at `value`.
    static func fill(_ dst: UnsafeMutableRawPointer, count: Int, elementSize: Int, value: UnsafeRawPointer) {
        // Typed stores (one call, vectorised) rather than a memmove call per element.
        func typed<T>(_: T.Type) {
            dst.bindMemory(to: T.self, capacity: count).update(repeating: value.loadUnaligned(as: T.self), count: count)
        }
        switch elementSize {
        case 1: typed(UInt8.self)
        case 2: typed(UInt16.self)
        case 4: typed(UInt32.self)
        case 8: typed(UInt64.self)
        default:
            var i = 0
            while i < count {
                (dst + i * elementSize).copyMemory(from: value, byteCount: elementSize)
                i += 1
            }
        }
    }

    /// Calls `body(srcOffset, dstOffset)` for each index of `shape`, in row-major order.
    static func forEachOffset(shape: [Int], _ sv: StridedView, _ dv: StridedView, _ body: (Int, Int) -> Void) {
        if shape.contains(0) { return }
        let rank = shape.count
        if rank == 0 {
            body(sv.offset, dv.offset)
            return
        }
        withUnsafeTemporaryAllocation(of: Int.self, capacity: rank) { index in
            index.initialize(repeating: 0)
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
    }

    /// Calls `body(index)` for each multi-index of `shape`, in row-major order (the
    /// index buffer is reused between calls).
    static func forEachIndex(shape: [Int], _ body: (UnsafeMutableBufferPointer<Int>) -> Void) {
        if shape.contains(0) { return }
        withUnsafeTemporaryAllocation(of: Int.self, capacity: Swift.max(shape.count, 1)) { index in
            index.initialize(repeating: 0)
            let view = UnsafeMutableBufferPointer(rebasing: index[0..<shape.count])
            while true {
                body(view)
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
}
