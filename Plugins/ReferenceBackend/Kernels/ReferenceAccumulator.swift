import TesseraCore

/// The reduction of a compiled reduction kernel: combines each chunk's values into the
/// output elements of their non-reduced coordinates, with the reference evaluator's
/// reducers (so results match eager `reduce_*` exactly).
final class ReferenceAccumulator {
    private let combineChunk: (UnsafeRawBufferPointer, Int, Int) -> Void

    init(_ r: KernelReduction, kernel: Kernel, output: UnsafeMutableRawBufferPointer) throws {
        let shape = kernel.indexSpace
        let kept = shape.indices.filter { !r.axes.contains($0) }
        let keptStrides = contiguousStrides(kept.map { shape[$0] })
        var strides = [Int](repeating: 0, count: shape.count)
        for (k, axis) in kept.enumerated() { strides[axis] = keptStrides[k] }
        let map = KernelIndexMap(offset: 0, strides: strides)
        let dtype = kernel.outputs[0].dtype
        if r.accumulatorDType != dtype || kernel.body[r.value].dtype != dtype {
            throw TesseraError(.compilation, "reference: \(kernel.name): the reduction accumulates \(kernel.body[r.value].dtype) in \(r.accumulatorDType) into \(dtype); the reference backend accumulates in the output dtype\n\(kernel)")
        }
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

    /// Nothing remains to do: outputs are written in place.
    func finish() throws {}
}
