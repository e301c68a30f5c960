/// Batching rules of the indexing primitives. Batched gathers and scatters use the
/// operand/indices batching dimensions of `GatherDimensionNumbers` and
/// `ScatterDimensionNumbers` (XLA's batching dims), so no example is handled apart; a
/// `dynamic_slice` or `dynamic_update_slice` whose start indices are batched becomes such
/// a gather or scatter, as in JAX.
enum IndexingBatching {
    /// `dynamic_slice(x, starts...)`.
    static func dynamicSlice(_ x: BatchedValue, starts: [BatchedValue], sizes: [Int], _ n: Int) -> BatchedValue {
        let exampleShape = x.exampleShape
        guard starts.contains(where: \.isBatched) else {
            let xb = BatchAxis.materialize(x, at: 0, size: n)
            let zero = Lax.scalar(0, starts.first?.value.dtype ?? .int32)
            return BatchedValue(Lax.dynamicSlice(xb, starts: [zero] + starts.map(\.value), sizes: [n] + sizes), 0)
        }
        let r = exampleShape.count
        let limits = (0..<r).map { exampleShape[$0] - sizes[$0] }
        let indices = indexVectors(starts, limits: limits, n)
        if x.isBatched {
            let xb = BatchAxis.materialize(x, at: 0, size: n)
            let dn = GatherDimensionNumbers(offsetDims: Array(1...r), collapsedSliceDims: [], startIndexMap: Array(1...r),
                                            operandBatchingDims: [0], startIndicesBatchingDims: [0])
            return BatchedValue(Lax.gather(xb, indices, dn, sliceSizes: [1] + sizes, mode: .clip), 0)
        }
        let dn = GatherDimensionNumbers(offsetDims: Array(1...r), collapsedSliceDims: [], startIndexMap: Array(0..<r))
        return BatchedValue(Lax.gather(x.value, indices, dn, sliceSizes: sizes, mode: .clip), 0)
    }

    /// `dynamic_update_slice(x, update, starts...)`.
    static func dynamicUpdateSlice(_ x: BatchedValue, _ update: BatchedValue, starts: [BatchedValue], _ n: Int) -> BatchedValue {
        let xb = BatchAxis.materialize(x, at: 0, size: n)
        let ub = BatchAxis.materialize(update, at: 0, size: n)
        guard starts.contains(where: \.isBatched) else {
            let zero = Lax.scalar(0, starts.first?.value.dtype ?? .int32)
            return BatchedValue(Lax.dynamicUpdateSlice(xb, ub, starts: [zero] + starts.map(\.value)), 0)
        }
        let exampleShape = x.exampleShape, updateShape = update.exampleShape
        let r = exampleShape.count
        let limits = (0..<r).map { exampleShape[$0] - updateShape[$0] }
        let indices = indexVectors(starts, limits: limits, n)
        let dn = ScatterDimensionNumbers(updateWindowDims: Array(1...r), insertedWindowDims: [],
                                         scatterDimsToOperandDims: Array(1...r),
                                         operandBatchingDims: [0], scatterIndicesBatchingDims: [0])
        return BatchedValue(Lax.scatter(xb, indices, ub, dn, mode: .set), 0)
    }

    /// Start indices as an int32 `[n, r]` tensor, each clamped to `[0, limit]` as
    /// `dynamic_slice` clamps them.
    static func indexVectors(_ starts: [BatchedValue], limits: [Int], _ n: Int) -> Tensor {
        let columns = zip(starts, limits).map { s, limit -> Tensor in
            let v = Lax.convert(BatchAxis.materialize(s, at: 0, size: n), to: .int32)
            let lo = Lax.full(0, shape: [n], dtype: .int32), hi = Lax.full(Double(limit), shape: [n], dtype: .int32)
            let clamped = Lax.binary(.min, Lax.binary(.max, v, lo), hi)
            return Lax.reshape(clamped, [n, 1])
        }
        return Lax.concatenate(columns, axis: 1)
    }

    /// `gather(operand, indices)`.
    static func gather(_ operand: BatchedValue, _ indices: BatchedValue, _ dn: GatherDimensionNumbers,
                       sliceSizes: [Int], mode: GatherMode, _ n: Int) -> BatchedValue {
        func plus1(_ a: [Int]) -> [Int] { a.map { $0 + 1 } }
        switch (operand.isBatched, indices.isBatched) {
        case (true, false):
            // The batch axis is one more slice (offset) axis, first in the output.
            let x = BatchAxis.materialize(operand, at: 0, size: n)
            let dims = GatherDimensionNumbers(offsetDims: [0] + plus1(dn.offsetDims), collapsedSliceDims: plus1(dn.collapsedSliceDims),
                                              startIndexMap: plus1(dn.startIndexMap), operandBatchingDims: plus1(dn.operandBatchingDims),
                                              startIndicesBatchingDims: dn.startIndicesBatchingDims)
            return BatchedValue(Lax.gather(x, indices.value, dims, sliceSizes: [n] + sliceSizes, mode: mode), 0)
        case (false, true):
            // The batch axis is one more index batch axis, first in the output.
            let idx = BatchAxis.materialize(indices, at: 0, size: n)
            let dims = GatherDimensionNumbers(offsetDims: plus1(dn.offsetDims), collapsedSliceDims: dn.collapsedSliceDims,
                                              startIndexMap: dn.startIndexMap, operandBatchingDims: dn.operandBatchingDims,
                                              startIndicesBatchingDims: plus1(dn.startIndicesBatchingDims))
            return BatchedValue(Lax.gather(operand.value, idx, dims, sliceSizes: sliceSizes, mode: mode), 0)
        case (true, true):
            // Operand and indices batch axes are matched batching dimensions.
            let x = BatchAxis.materialize(operand, at: 0, size: n)
            let idx = BatchAxis.materialize(indices, at: 0, size: n)
            let dims = GatherDimensionNumbers(offsetDims: plus1(dn.offsetDims), collapsedSliceDims: plus1(dn.collapsedSliceDims),
                                              startIndexMap: plus1(dn.startIndexMap),
                                              operandBatchingDims: [0] + plus1(dn.operandBatchingDims),
                                              startIndicesBatchingDims: [0] + plus1(dn.startIndicesBatchingDims))
            return BatchedValue(Lax.gather(x, idx, dims, sliceSizes: [1] + sliceSizes, mode: mode), 0)
        case (false, false):
            return BatchedValue(Lax.gather(operand.value, indices.value, dn, sliceSizes: sliceSizes, mode: mode), nil)
        }
    }

    /// `scatter(operand, indices, updates)`: the result differs per example, so the operand
    /// is batched. Shared indices stay shared: the batch axis is one more window axis of the
    /// updates (leading), as JAX's rule does, so the indices are not broadcast. Batched
    /// indices: the batch axes of operand and indices are matched batching dimensions.
    /// Shared updates are broadcast along the batch.
    static func scatter(_ operand: BatchedValue, _ indices: BatchedValue, _ updates: BatchedValue,
                        _ dn: ScatterDimensionNumbers, mode: ScatterMode, _ n: Int) -> BatchedValue {
        func plus1(_ a: [Int]) -> [Int] { a.map { $0 + 1 } }
        let x = BatchAxis.materialize(operand, at: 0, size: n)
        let upd = BatchAxis.materialize(updates, at: 0, size: n)
        guard indices.isBatched else {
            let dims = ScatterDimensionNumbers(updateWindowDims: [0] + plus1(dn.updateWindowDims),
                                               insertedWindowDims: plus1(dn.insertedWindowDims),
                                               scatterDimsToOperandDims: plus1(dn.scatterDimsToOperandDims),
                                               operandBatchingDims: plus1(dn.operandBatchingDims),
                                               scatterIndicesBatchingDims: dn.scatterIndicesBatchingDims)
            return BatchedValue(Lax.scatter(x, indices.value, upd, dims, mode: mode), 0)
        }
        let idx = BatchAxis.materialize(indices, at: 0, size: n)
        let dims = ScatterDimensionNumbers(updateWindowDims: plus1(dn.updateWindowDims), insertedWindowDims: plus1(dn.insertedWindowDims),
                                           scatterDimsToOperandDims: plus1(dn.scatterDimsToOperandDims),
                                           operandBatchingDims: [0] + plus1(dn.operandBatchingDims),
                                           scatterIndicesBatchingDims: [0] + plus1(dn.scatterIndicesBatchingDims))
        return BatchedValue(Lax.scatter(x, idx, upd, dims, mode: mode), 0)
    }
}
