import Testing
@testable import Tessera

/// vmap(vmap(f)) for a representative primitive of every rule family: the inner rules
/// see the outer batch trace's tracers as their values, so batching dims stack up.
@Suite struct VmapNestedTests {
    struct Case: Sendable {
        let name: String
        let f: @Sendable ([Tensor]) -> [Tensor]
        /// Per-example shapes and whether each argument holds indices (int32 in [0, 5)).
        let shapes: [[Int]]
        var indices: [Bool] = []
        /// Arguments shared by every example (nil in-axis at both levels).
        var shared: [Bool] = []
    }

    static let rows = GatherDimensionNumbers(offsetDims: [1], collapsedSliceDims: [0], startIndexMap: [0])
    static let rowsScatter = ScatterDimensionNumbers(updateWindowDims: [1], insertedWindowDims: [0], scatterDimsToOperandDims: [0])
    static let matvec = DotDimensionNumbers(lhsContracting: [1], rhsContracting: [0])

    static let cases: [Case] = [
        Case(name: "add", f: { [Lax.binary(.add, $0[0], $0[1])] }, shapes: [[3], [3]]),
        Case(name: "select", f: { [Lax.select(Lax.compare(.gt, $0[0], $0[1]), onTrue: $0[0], onFalse: $0[1])] }, shapes: [[3], [3]],
             shared: [false, true]),
        Case(name: "broadcast_in_dim", f: { [Lax.broadcastInDim($0[0], shape: [2, 3], dims: [1])] }, shapes: [[3]]),
        Case(name: "reshape+transpose", f: { [Lax.transpose(Lax.reshape($0[0], [2, 3]), [1, 0])] }, shapes: [[6]]),
        Case(name: "slice+rev", f: { [Lax.rev(Lax.slice($0[0], start: [1], limit: [4]), axes: [0])] }, shapes: [[5]]),
        Case(name: "pad batched value", f: { [Lax.pad($0[0], $0[1], [PadConfig(low: 1, high: 1, interior: 1)])] }, shapes: [[3], []]),
        Case(name: "concatenate", f: { [Lax.concatenate([$0[0], $0[1]], axis: 0)] }, shapes: [[2], [3]], shared: [false, true]),
        Case(name: "dynamic_slice batched index", f: { [Lax.dynamicSlice($0[0], starts: [$0[1]], sizes: [2])] }, shapes: [[5], []],
             indices: [false, true]),
        Case(name: "dynamic_update_slice batched index", f: { [Lax.dynamicUpdateSlice($0[0], $0[1], starts: [$0[2]])] },
             shapes: [[5], [2], []], indices: [false, false, true]),
        Case(name: "gather", f: { [Lax.gather($0[0], $0[1], rows, sliceSizes: [1, 2])] }, shapes: [[5, 2], [3, 1]],
             indices: [false, true]),
        Case(name: "gather shared operand", f: { [Lax.gather($0[0], $0[1], rows, sliceSizes: [1, 2])] }, shapes: [[5, 2], [3, 1]],
             indices: [false, true], shared: [true, false]),
        Case(name: "scatter-add", f: { [Lax.scatter($0[0], $0[1], $0[2], rowsScatter, mode: .add)] }, shapes: [[5, 2], [3, 1], [3, 2]],
             indices: [false, true, false]),
        Case(name: "reduce_max", f: { [Lax.reduce(.max, $0[0], axes: [1])] }, shapes: [[3, 4]]),
        Case(name: "argmin", f: { [Lax.argReduce(.argmin, $0[0], axis: 0)] }, shapes: [[4, 3]]),
        Case(name: "cumsum", f: { [Lax.cumulative(.cumsum, $0[0], axis: 0, reverse: true)] }, shapes: [[4]]),
        Case(name: "sort", f: { Lax.sort([$0[0], $0[1]], dimension: 0) }, shapes: [[5], [5]]),
        Case(name: "dot_general", f: { [Lax.dotGeneral($0[0], $0[1], matvec)] }, shapes: [[3, 4], [4]]),
        Case(name: "dot_general shared matrix", f: { [Lax.dotGeneral($0[0], $0[1], matvec)] }, shapes: [[3, 4], [4]],
             shared: [true, false]),
        Case(name: "cond", f: { a in
            ControlFlow.cond(Lax.compare(.gt, Lax.reduce(.sum, a[0], axes: [0]), Lax.scalar(0, .float32)),
                             [{ [Lax.unary(.exp, $0[0])] }, { [Lax.unary(.neg, $0[0])] }], [a[0]])
        }, shapes: [[3]]),
        Case(name: "while", f: { a in
            let x = a[0]
            return ControlFlow.whileLoop({ Lax.compare(.lt, $0[0], x) },
                                         { [Lax.binary(.add, $0[0], Lax.scalar(0.75, .float32))] }, [Lax.scalar(-2, .float32)])
        }, shapes: [[]]),
        Case(name: "scan", f: { a in
            ControlFlow.scan({ c, x in
                let s = Lax.binary(.mul, c[0], x[0]); return ([s], [Lax.unary(.sin, s)])
            }, carry: [a[0]], xs: [a[1]])
        }, shapes: [[2], [3, 2]]),
    ]

    @Test(arguments: cases.indices)
    func nested(_ index: Int) {
        let c = Self.cases[index]
        var rng = VmapCheck.Rng(UInt64(100 + index))
        let shared = c.shared.isEmpty ? c.shapes.map { _ in false } : c.shared
        let isIndex = c.indices.isEmpty ? c.shapes.map { _ in false } : c.indices
        // inner batch 3 at axis 0, outer batch 2 at the last axis
        let args = c.shapes.indices.map { i -> Tensor in
            let shape = shared[i] ? c.shapes[i] : [3] + c.shapes[i] + [2]
            return isIndex[i] ? rng.ints(shape, 0, 5) : rng.floats(shape)
        }
        let innerAxes = shared.map { $0 ? nil : 0 } as [Int?]
        let outerAxes = shared.map { $0 ? nil : -1 } as [Int?]
        let inner = VmapCheck.vmapped(c.f, arity: args.count, inAxes: innerAxes, outAxes: -1)
        VmapCheck.check("vmap(vmap(\(c.name)))", inner, args, inAxes: outerAxes, outAxes: 0)
    }
}
