import Testing
@testable import Tessera

/// Batching of reductions, argmax/argmin, cumulative ops, sort and dot_general.
@Suite struct VmapReductionTests {
    @Test func reductions() {
        var rng = VmapCheck.Rng(31)
        for op in [ReduceOp.sum, .max, .min, .prod] {
            VmapCheck.checkAllAxes("reduce_\(op) axis 1", { [Lax.reduce(op, $0[0], axes: [1])] },
                                   example: [rng.floats([3, 4, 2])], batch: 3, otherAxes: [], rng: &rng)
        }
        VmapCheck.checkAllAxes("reduce_sum all", { [Lax.reduce(.sum, $0[0], axes: [0, 1])] },
                               example: [rng.floats([3, 4])], batch: 2, otherAxes: [], rng: &rng)
        VmapCheck.check("reduce_or", { [Lax.reduce(.or, $0[0], axes: [0])] }, [rng.bools([3, 4, 2])], inAxes: [1])
    }

    @Test func argReduce() {
        var rng = VmapCheck.Rng(32)
        for op in [ArgReduceOp.argmax, .argmin] {
            for axis in 0..<2 {
                VmapCheck.checkAllAxes("\(op) axis \(axis)", { [Lax.argReduce(op, $0[0], axis: axis)] },
                                       example: [rng.floats([4, 5])], batch: 3, otherAxes: [], rng: &rng)
            }
        }
    }

    @Test func cumulative() {
        var rng = VmapCheck.Rng(33)
        for op in [CumulativeOp.cumsum, .cummax, .cumprod] {
            for reverse in [false, true] {
                VmapCheck.checkAllAxes("\(op) reverse \(reverse)", { [Lax.cumulative(op, $0[0], axis: 1, reverse: reverse)] },
                                       example: [rng.floats([3, 4])], batch: 2, otherAxes: [], rng: &rng)
            }
        }
    }

    @Test func sort() {
        var rng = VmapCheck.Rng(34)
        VmapCheck.checkAllAxes("sort", { Lax.sort([$0[0]], dimension: 1) },
                               example: [rng.floats([3, 5])], batch: 3, otherAxes: [], rng: &rng)
        // argsort-style: keys batched, values shared
        VmapCheck.check("sort with shared payload", { Lax.sort([$0[0], $0[1]], dimension: 0) },
                        [rng.floats([5, 4]), Lax.iota(.int32, shape: [5])], inAxes: [1, nil])
        // two keys
        VmapCheck.check("sort two keys", { Lax.sort([$0[0], $0[1]], dimension: 0, numKeys: 2) },
                        [rng.ints([3, 6], 0, 2), rng.floats([6, 3])], inAxes: [0, 1], outAxes: 1)
    }

    static let matvec = DotDimensionNumbers(lhsContracting: [1], rhsContracting: [0])
    static let matmul = DotDimensionNumbers(lhsContracting: [1], rhsContracting: [0])

    @Test func dotGeneral() {
        var rng = VmapCheck.Rng(35)
        let mv: @Sendable ([Tensor]) -> [Tensor] = { [Lax.dotGeneral($0[0], $0[1], Self.matvec)] }
        let a = rng.floats([3, 4]), x = rng.floats([4])
        VmapCheck.checkAllAxes("matvec vector batched", { [Lax.dotGeneral($0[1], $0[0], Self.matvec)] },
                               example: [x, a], batch: 5, otherAxes: [nil], rng: &rng)
        VmapCheck.checkAllAxes("matvec matrix batched", mv, example: [a, x], batch: 5, otherAxes: [nil], rng: &rng)
        VmapCheck.checkAllAxes("matvec both batched", mv, example: [a, x], batch: 5, otherAxes: [0], rng: &rng)
        // matmul, lhs batched at a middle axis, out axis 2
        let mm: @Sendable ([Tensor]) -> [Tensor] = { [Lax.dotGeneral($0[0], $0[1], Self.matmul)] }
        VmapCheck.check("matmul rhs batched", mm, [rng.floats([2, 3]), rng.floats([3, 6, 4])], inAxes: [nil, 1], outAxes: 2)
        VmapCheck.check("matmul both", mm, [rng.floats([2, 3, 6]), rng.floats([6, 3, 4])], inAxes: [2, 0], outAxes: 1)
        // a dot_general that already has a batch dimension
        let bdn = DotDimensionNumbers(lhsContracting: [2], rhsContracting: [1], lhsBatch: [0], rhsBatch: [0])
        let bmm: @Sendable ([Tensor]) -> [Tensor] = { [Lax.dotGeneral($0[0], $0[1], bdn)] }
        VmapCheck.checkAllAxes("batched matmul lhs", bmm, example: [rng.floats([2, 3, 4]), rng.floats([2, 4, 5])], batch: 3,
                               otherAxes: [nil], rng: &rng)
        VmapCheck.checkAllAxes("batched matmul both", bmm, example: [rng.floats([2, 3, 4]), rng.floats([2, 4, 5])], batch: 3,
                               otherAxes: [3], rng: &rng)
        VmapCheck.check("batched matmul rhs", bmm, [rng.floats([2, 3, 4]), rng.floats([2, 4, 3, 5])], inAxes: [nil, 2])
    }
}
