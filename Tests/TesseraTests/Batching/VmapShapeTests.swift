import Testing
@testable import Tessera

/// Batching of the shape and movement primitives.
@Suite struct VmapShapeTests {
    @Test func broadcastReshapeTranspose() {
        var rng = VmapCheck.Rng(11)
        VmapCheck.checkAllAxes("broadcast_in_dim", { [Lax.broadcastInDim($0[0], shape: [2, 3, 4], dims: [0, 2])] },
                               example: [rng.floats([2, 4])], batch: 3, otherAxes: [], rng: &rng)
        VmapCheck.checkAllAxes("broadcast size-1 axis", { [Lax.broadcastInDim($0[0], shape: [5, 4], dims: [0, 1])] },
                               example: [rng.floats([1, 4])], batch: 3, otherAxes: [], rng: &rng)
        VmapCheck.checkAllAxes("reshape", { [Lax.reshape($0[0], [4, 3])] },
                               example: [rng.floats([2, 6])], batch: 3, otherAxes: [], rng: &rng)
        VmapCheck.checkAllAxes("transpose", { [Lax.transpose($0[0], [2, 0, 1])] },
                               example: [rng.floats([2, 3, 4])], batch: 2, otherAxes: [], rng: &rng)
        VmapCheck.check("transpose outAxes 3", { [Lax.transpose($0[0], [1, 2, 0])] }, [rng.floats([2, 3, 4, 5])], inAxes: [2], outAxes: 3)
    }

    @Test func sliceRevConcatenate() {
        var rng = VmapCheck.Rng(12)
        VmapCheck.checkAllAxes("slice", { [Lax.slice($0[0], start: [1, 0], limit: [5, 3], strides: [2, 2])] },
                               example: [rng.floats([6, 4])], batch: 3, otherAxes: [], rng: &rng)
        VmapCheck.checkAllAxes("rev", { [Lax.rev($0[0], axes: [1])] },
                               example: [rng.floats([3, 4])], batch: 2, otherAxes: [], rng: &rng)
        let cat: @Sendable ([Tensor]) -> [Tensor] = { [Lax.concatenate([$0[0], $0[1], $0[0]], axis: 1)] }
        VmapCheck.checkAllAxes("concatenate shared", cat, example: [rng.floats([2, 3]), rng.floats([2, 1])], batch: 4,
                               otherAxes: [nil], rng: &rng)
        VmapCheck.checkAllAxes("concatenate both", cat, example: [rng.floats([2, 3]), rng.floats([2, 1])], batch: 4,
                               otherAxes: [2], rng: &rng)
    }

    @Test func pad() {
        var rng = VmapCheck.Rng(13)
        let config = [PadConfig(low: 1, high: 2, interior: 1), PadConfig(low: -1, high: 0)]
        let pad: @Sendable ([Tensor]) -> [Tensor] = { [Lax.pad($0[0], $0[1], config)] }
        let x = rng.floats([3, 4]), v = rng.floats([])
        // shared padding value
        VmapCheck.checkAllAxes("pad shared value", pad, example: [x, v], batch: 3, otherAxes: [nil], rng: &rng)
        // batched padding value (becomes a select)
        VmapCheck.checkAllAxes("pad batched value", pad, example: [x, v], batch: 3, otherAxes: [0], rng: &rng)
        // only the padding value batched
        VmapCheck.check("pad only value batched", pad, [x, rng.floats([5])], inAxes: [nil, 0], outAxes: 1)
    }
}
