import TesseraCore

/// How one kernel load reads a block of points: its index map with size-1 dimensions
/// dropped and adjacent dimensions merged where the strides allow (a contiguous load
/// becomes one dimension of stride 1, a broadcast scalar one dimension of stride 0).
///
/// Blocks are row-major ranges of the index space; merging keeps row-major order, so a
/// block is read as runs along the innermost merged dimension, each run a `memcpy`
/// (stride 1), a fill (stride 0) or a strided loop. No copy of the operand is made.
struct StridedLoad: Sendable {
    /// Merged extents (outermost first; at least one).
    let shape: [Int]
    /// Element strides of the merged dimensions.
    let strides: [Int]
    /// Element offset at the origin.
    let offset: Int
    /// Bytes per element.
    let elementSize: Int

    init(map: KernelIndexMap, indexSpace: [Int], elementSize: Int) {
        var dims: [(extent: Int, stride: Int)] = []
        for (extent, stride) in zip(indexSpace, map.strides) where extent != 1 {
            if let last = dims.last, last.stride == stride * extent {
                dims[dims.count - 1] = (last.extent * extent, stride)
            } else {
                dims.append((extent, stride))
            }
        }
        if dims.isEmpty { dims = [(1, 0)] }
        shape = dims.map(\.extent)
        strides = dims.map(\.stride)
        offset = map.offset
        self.elementSize = elementSize
    }

    /// Whether every point reads the same element.
    var isUniform: Bool { strides.allSatisfy { $0 == 0 } || shape.reduce(1, *) <= 1 }
    /// Whether point `p` reads element `offset + p` (the block can be read in place).
    var isContiguous: Bool { shape.count == 1 && strides[0] == 1 }

    /// Copies the elements of points `start ..< start + count` into `out`.
    func gather(from source: UnsafeRawPointer, start: Int, count: Int, into out: UnsafeMutableRawPointer) {
        switch elementSize {
        case 1: gatherTyped(source, start, count, out, UInt8.self)
        case 2: gatherTyped(source, start, count, out, UInt16.self)
        case 4: gatherTyped(source, start, count, out, UInt32.self)
        default: gatherTyped(source, start, count, out, UInt64.self)
        }
    }

    @inline(__always)
    private func gatherTyped<T>(_ source: UnsafeRawPointer, _ start: Int, _ count: Int, _ outRaw: UnsafeMutableRawPointer, _: T.Type) {
        guard count > 0 else { return }
        let src = source.assumingMemoryBound(to: T.self)
        let out = outRaw.assumingMemoryBound(to: T.self)
        let rank = shape.count
        // Coordinates of `start` in the merged shape.
        var coords = [Int](repeating: 0, count: rank)
        var rest = start
        var position = offset
        for axis in stride(from: rank - 1, through: 0, by: -1) {
            coords[axis] = rest % shape[axis]
            rest /= shape[axis]
            position += coords[axis] * strides[axis]
        }
        let inner = shape[rank - 1], innerStride = strides[rank - 1]
        var done = 0
        while done < count {
            let run = Swift.min(inner - coords[rank - 1], count - done)
            let s = src + position, o = out + done
            if innerStride == 1 {
                o.update(from: s, count: run)
            } else if innerStride == 0 {
                o.update(repeating: s.pointee, count: run)
            } else {
                var i = 0
                while i < run {
                    o[i] = s[i * innerStride]
                    i += 1
                }
            }
            done += run
            // Advance the coordinates by `run` points (the innermost wraps at most once).
            coords[rank - 1] += run
            position += run * innerStride
            var axis = rank - 1
            while axis > 0 && coords[axis] == shape[axis] {
                position -= shape[axis] * strides[axis]
                coords[axis] = 0
                axis -= 1
                coords[axis] += 1
                position += strides[axis]
            }
        }
    }
}

/// `out[k] = i[dimension]` (int32) for the points `start ..< start + count` of `shape`.
func fillCoordinates(dimension: Int, shape: [Int], start: Int, count: Int, into outRaw: UnsafeMutableRawPointer) {
    let out = outRaw.assumingMemoryBound(to: Int32.self)
    let inner = shape[(dimension + 1)...].reduce(1, *)
    let extent = shape[dimension]
    guard inner > 0, extent > 0 else { return }
    for k in 0..<count {
        out[k] = Int32(truncatingIfNeeded: ((start + k) / inner) % extent)
    }
}
