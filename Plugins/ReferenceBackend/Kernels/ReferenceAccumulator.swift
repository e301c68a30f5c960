import TesseraCore

/// The reduction of a compiled reduction kernel: combines each chunk's values into the
/// accumulator elements of their non-reduced coordinates (in place in `output`, the
/// accumulator buffer), with the reference evaluator's reducers (so results match eager
/// `reduce_*` exactly).
///
/// Float sums instead collect the values of every point and fold them with the eager
/// `reduce_sum` at the end (pairwise, as NumPy), so that a fused sum equals the eager sum bit
/// for bit and a float32 sum of 17,000,000 ones is 17,000,000 rather than 2^24.
final class ReferenceAccumulator {
    private let combineChunk: (UnsafeRawBufferPointer, Int, Int) -> Void
    /// Float sums: the values of every point, reduced by `finish`.
    private let collected: UnsafeMutableRawBufferPointer?
    private let finishReduction: () throws -> Void

    deinit { collected?.deallocate() }

    init(_ r: KernelReduction, kernel: Kernel, output: UnsafeMutableRawBufferPointer) throws {
        let shape = kernel.indexSpace
        let kept = shape.indices.filter { !r.axes.contains($0) }
        let keptStrides = contiguousStrides(kept.map { shape[$0] })
        var strides = [Int](repeating: 0, count: shape.count)
        for (k, axis) in kept.enumerated() { strides[axis] = keptStrides[k] }
        let map = KernelIndexMap(offset: 0, strides: strides)
        let dtype = r.accumulatorDType
        if kernel.body[r.value].dtype != dtype {
            throw TesseraError(.compilation, "reference: \(kernel.name): the reduction accumulates \(kernel.body[r.value].dtype) in \(dtype); the reference backend accumulates in the value's dtype\n\(kernel)")
        }
        if r.op == .sum && dtype.isFloatingPoint {
            let size = dtype.byteSize
            let values = UnsafeMutableRawBufferPointer.allocate(byteCount: Swift.max(1, kernel.pointCount * size), alignment: 16)
            collected = values
            combineChunk = { chunk, start, count in
                (values.baseAddress! + start * size).copyMemory(from: chunk.baseAddress!, byteCount: count * size)
            }
            let type = ShapedType(shape, dtype)
            finishReduction = {
                try ReductionKernels.reduce(.sum, axes: r.axes, UnsafeRawBufferPointer(values), type, output)
            }
            return
        }
        collected = nil
        finishReduction = {}
        func make<T>(_ reducer: ReductionKernels.Reducer<T>) -> (UnsafeRawBufferPointer, Int, Int) -> Void {
            let out = output.bindMemory(to: T.self)
            for i in out.indices { out[i] = reducer.identity }
            return { values, start, count in
                let v = values.baseAddress!.assumingMemoryBound(to: T.self)
                KernelGather.forEachOffset(map, shape: shape, start: start, count: count) { k, o in
                    out[o] = reducer.combine(out[o], v[k])
                }
            }
        }
        switch dtype {
        case .bool: combineChunk = make(ReductionKernels.boolReducer(r.op))
        case .int32: combineChunk = make(ReductionKernels.integerReducer(r.op, Int32.self))
        case .int64: combineChunk = make(ReductionKernels.integerReducer(r.op, Int64.self))
        case .uint32: combineChunk = make(ReductionKernels.integerReducer(r.op, UInt32.self))
        case .float16: combineChunk = make(try ReductionKernels.floatReducer(r.op, Float16.self))
        case .float32: combineChunk = make(try ReductionKernels.floatReducer(r.op, Float.self))
        case .float64: combineChunk = make(try ReductionKernels.floatReducer(r.op, Double.self))
        }
    }

    /// Combines the values of points `start ..< start + count`.
    func combine(_ values: UnsafeRawBufferPointer, start: Int, count: Int) throws {
        guard count > 0 else { return }
        combineChunk(values, start, count)
    }

    /// Completes the accumulator elements after every point was combined.
    func finish() throws {
        try finishReduction()
    }

}
