import Testing
@testable import Tessera

/// Batching of dynamic_slice, dynamic_update_slice, gather and scatter.
@Suite struct VmapIndexingTests {
    @Test func dynamicSlice() {
        var rng = VmapCheck.Rng(21)
        let ds: @Sendable ([Tensor]) -> [Tensor] = { [Lax.dynamicSlice($0[0], starts: [$0[1], $0[2]], sizes: [2, 3])] }
        let x = rng.floats([5, 6])
        // shared indices
        VmapCheck.checkAllAxes("dynamic_slice shared starts", ds, example: [x, Tensor(Int32(1)), Tensor(Int32(2))], batch: 3,
                               otherAxes: [nil, nil], rng: &rng)
        // batched indices (some out of range, clamped) -> gather with batching dims
        let i = Tensor([0, 3, 9, -2] as [Int32], shape: [4]), j = Tensor([1, 5, 0, 2] as [Int32], shape: [4])
        VmapCheck.check("dynamic_slice batched starts", ds, [rng.floats([4, 5, 6]), i, j], inAxes: [0, 0, 0])
        VmapCheck.check("dynamic_slice batched starts, x at axis 2", ds, [rng.floats([5, 6, 4]), i, j], inAxes: [2, 0, 0], outAxes: 1)
        // shared operand, batched index -> gather from the shared operand
        VmapCheck.check("dynamic_slice shared operand", ds, [x, i, Tensor(Int32(1))], inAxes: [nil, 0, nil])
    }

    @Test func dynamicUpdateSlice() {
        var rng = VmapCheck.Rng(22)
        let dus: @Sendable ([Tensor]) -> [Tensor] = { [Lax.dynamicUpdateSlice($0[0], $0[1], starts: [$0[2], Tensor(Int32(1))])] }
        let x = rng.floats([4, 5]), u = rng.floats([2, 3])
        VmapCheck.checkAllAxes("dynamic_update_slice shared start", dus, example: [x, u, Tensor(Int32(2))], batch: 3,
                               otherAxes: [0, nil], rng: &rng)
        VmapCheck.check("dynamic_update_slice shared operand", dus, [x, rng.floats([3, 2, 3]), Tensor(Int32(1))], inAxes: [nil, 0, nil])
        // batched start (clamped) -> scatter with batching dims
        let s = Tensor([0, 1, 7, -1] as [Int32], shape: [4])
        VmapCheck.check("dynamic_update_slice batched start", dus, [rng.floats([4, 4, 5]), rng.floats([4, 2, 3]), s], inAxes: [0, 0, 0])
        VmapCheck.check("dynamic_update_slice batched start only", dus, [x, u, s], inAxes: [nil, nil, 0], outAxes: 2)
    }

    /// `x[idx]` along axis 0 of a [5, 3] operand with [k, 1] indices: rows.
    static let rowsDN = GatherDimensionNumbers(offsetDims: [1], collapsedSliceDims: [0], startIndexMap: [0])

    @Test func gather() {
        var rng = VmapCheck.Rng(23)
        let g: @Sendable ([Tensor]) -> [Tensor] = { [Lax.gather($0[0], $0[1], Self.rowsDN, sliceSizes: [1, 3])] }
        let x = rng.floats([5, 3]), idx = rng.ints([2, 1], 0, 5)
        VmapCheck.checkAllAxes("gather operand batched", g, example: [x, idx], batch: 3, otherAxes: [nil], rng: &rng)
        VmapCheck.check("gather indices batched", g, [x, rng.ints([4, 2, 1], 0, 5)], inAxes: [nil, 0])
        VmapCheck.check("gather indices batched at 1", g, [x, rng.ints([2, 4, 1], 0, 5)], inAxes: [nil, 1], outAxes: 2)
        VmapCheck.check("gather both batched", g, [rng.floats([5, 4, 3]), rng.ints([4, 2, 1], 0, 5)], inAxes: [1, 0])
        // a gather that already has batching dims: x [2, 5] and idx [2, 1] pick x[b, idx[b]]
        let bdn = GatherDimensionNumbers(offsetDims: [], collapsedSliceDims: [1], startIndexMap: [1],
                                         operandBatchingDims: [0], startIndicesBatchingDims: [0])
        let bg: @Sendable ([Tensor]) -> [Tensor] = { [Lax.gather($0[0], $0[1], bdn, sliceSizes: [1, 1])] }
        VmapCheck.check("batching-dims gather both", bg, [rng.floats([3, 2, 5]), rng.ints([3, 2, 1], 0, 5)])
        VmapCheck.check("batching-dims gather operand", bg, [rng.floats([3, 2, 5]), rng.ints([2, 1], 0, 5)], inAxes: [0, nil])
        VmapCheck.check("batching-dims gather indices", bg, [rng.floats([2, 5]), rng.ints([2, 3, 1], 0, 5)], inAxes: [nil, 1])
    }

    @Test func scatter() {
        var rng = VmapCheck.Rng(24)
        // x.at[idx].add(rows): x [5, 3], idx [2, 1], updates [2, 3]
        let dn = ScatterDimensionNumbers(updateWindowDims: [1], insertedWindowDims: [0], scatterDimsToOperandDims: [0])
        for mode in [ScatterMode.add, .set, .max] {
            let s: @Sendable ([Tensor]) -> [Tensor] = { [Lax.scatter($0[0], $0[1], $0[2], dn, mode: mode)] }
            let x = rng.floats([5, 3]), u = rng.floats([2, 3])
            // distinct indices so that `set` is deterministic
            let idx = Tensor([3, 1] as [Int32], shape: [2, 1])
            VmapCheck.checkAllAxes("scatter-\(mode) operand", s, example: [x, idx, u], batch: 3, otherAxes: [nil, nil], rng: &rng)
            VmapCheck.check("scatter-\(mode) updates", s, [x, idx, rng.floats([2, 4, 3])], inAxes: [nil, nil, 1])
            let bidx = Tensor([0, 4, 2, 3, 4, 1] as [Int32], shape: [3, 2, 1])
            VmapCheck.check("scatter-\(mode) indices", s, [x, bidx, u], inAxes: [nil, 0, nil], outAxes: 1)
            VmapCheck.check("scatter-\(mode) all", s, [rng.floats([3, 5, 3]), bidx, rng.floats([3, 2, 3])])
            // Shared indices with an element window (no window axes of its own) and duplicates.
            let edn = ScatterDimensionNumbers(updateWindowDims: [], insertedWindowDims: [0], scatterDimsToOperandDims: [0])
            let e: @Sendable ([Tensor]) -> [Tensor] = { [Lax.scatter($0[0], $0[1], $0[2], edn, mode: mode == .set ? .add : mode)] }
            let dup = Tensor([4, 0, 4] as [Int32], shape: [3, 1])
            VmapCheck.check("scatter-\(mode) shared duplicate indices", e, [rng.floats([4, 6]), dup, rng.floats([4, 3])], inAxes: [0, nil, 0])
            VmapCheck.check("scatter-\(mode) shared indices, batch last", e, [rng.floats([6, 4]), dup, rng.floats([3, 4])],
                            inAxes: [1, nil, 1], outAxes: 1)
        }
        // Shared indices are not broadcast along the batch: the batch is a window axis.
        let s: @Sendable (Tensor, Tensor) -> Tensor = { x, u in Lax.scatter(x, Tensor([3, 1] as [Int32], shape: [2, 1]), u, dn, mode: .add) }
        let jaxpr = makeJaxpr(vmap(s))(rng.floats([4, 5, 3]), rng.floats([4, 2, 3]))
        #expect(!jaxpr.equations.contains { $0.outputs.contains { $0.type.dtype == .int32 } }, "\(jaxpr)")
    }
}
