import Foundation
import Testing
@testable import Tessera

/// The `vmap` API: trees, in/out axes, nesting, the staged program, and its errors.
@Suite struct VmapAPITests {
    struct Pair: TensorTree {
        var a: Tensor, b: Tensor
        func mapTensors(_ f: (Tensor) throws -> Tensor) rethrows -> Pair { Pair(a: try f(a), b: try f(b)) }
    }

    @Test func treesInAndOut() {
        var rng = VmapCheck.Rng(51)
        let p = Pair(a: rng.floats([4, 3]), b: rng.floats([4]))
        let w = rng.floats([3])
        let f = vmap({ (p: Pair, w: Tensor) -> [String: Tensor] in
            ["dot": Lax.reduce(.sum, Lax.binary(.mul, p.a, w), axes: [0]),
             "scaled": Lax.binary(.mul, p.a, Lax.broadcast(p.b, to: [3]))]
        }, inAxes: [0, nil])
        let out = f(p, w)
        for i in 0..<4 {
            let a = Lax.indexInDim(p.a, axis: 0, index: i), b = Lax.indexInDim(p.b, axis: 0, index: i)
            let dot = zip(a.doubles, w.doubles).map { $0 * $1 }.reduce(0, +)
            #expect(isClose(out["dot"]!.doubles[i], dot, rtol: 1e-5))
            expectClose(Lax.indexInDim(out["scaled"]!, axis: 0, index: i).doubles, a.doubles.map { $0 * b.doubles[0] }, rtol: 1e-6)
        }
        #expect(out["dot"]!.shape == [4] && out["scaled"]!.shape == [4, 3])
    }

    @Test func unbatchedResultIsBroadcastAtOutAxis() {
        var rng = VmapCheck.Rng(52)
        let c = rng.floats([2, 3])
        let f = vmap({ (x: Tensor) -> [Tensor] in [Lax.unary(.exp, c), x] }, outAxes: 1)
        let x = rng.floats([5, 2])
        let out = f(x)
        #expect(out[0].shape == [2, 5, 3])
        #expect(out[1].shape == [2, 5])
        for i in 0..<5 { expectClose(Lax.indexInDim(out[0], axis: 1, index: i).doubles, Lax.unary(.exp, c).doubles) }
        expectClose(out[1].doubles, Lax.transpose(x, [1, 0]).doubles)
    }

    @Test func sharedInAxesEntryAppliesToEveryArgument() {
        var rng = VmapCheck.Rng(53)
        let x = rng.floats([3, 4]), y = rng.floats([3, 4])
        let out = vmap({ (a: Tensor, b: Tensor) in Lax.binary(.sub, a, b) }, inAxes: [1])(x, y)
        expectClose(out.doubles, Lax.transpose(Lax.binary(.sub, x, y), [1, 0]).doubles)
    }

    @Test func nestedVmap() {
        var rng = VmapCheck.Rng(54)
        let mv: @Sendable ([Tensor]) -> [Tensor] = { [Lax.dotGeneral($0[0], $0[1], DotDimensionNumbers(lhsContracting: [1], rhsContracting: [0]))] }
        // inner: map over vectors; outer: map over matrices
        let inner = VmapCheck.vmapped(mv, arity: 2, inAxes: [nil, 0], outAxes: 0)
        VmapCheck.check("vmap(vmap(matvec))", inner, [rng.floats([2, 3, 4]), rng.floats([5, 4])], inAxes: [0, nil])
        VmapCheck.check("vmap(vmap(matvec)) both", inner, [rng.floats([3, 4, 2]), rng.floats([5, 4, 2])], inAxes: [2, 2], outAxes: 1)
        let sm: @Sendable ([Tensor]) -> [Tensor] = { a in
            let e = Lax.unary(.exp, a[0])
            return [Lax.binary(.div, e, Lax.broadcast(Lax.reduce(.sum, e, axes: [0]), to: e.shape))]
        }
        let innerSoftmax = VmapCheck.vmapped(sm, arity: 1, inAxes: [1], outAxes: 1)
        VmapCheck.check("vmap(vmap(softmax))", innerSoftmax, [rng.floats([3, 4, 5])], inAxes: [2], outAxes: 0)
        // three levels
        let inner2 = VmapCheck.vmapped(innerSoftmax, arity: 1, inAxes: [0], outAxes: 0)
        VmapCheck.check("vmap(vmap(vmap(softmax)))", inner2, [rng.floats([2, 3, 4, 5])], inAxes: [0], outAxes: 2)
    }

    @Test func vmapInsideATracedFunction() {
        // vmap applied to staging tracers: the batched program is recorded in the jaxpr
        var rng = VmapCheck.Rng(55)
        let a = rng.floats([3, 4])
        let closed = traceToJaxpr(name: "f", inTypes: [ShapedType([6, 4], .float32)]) { args in
            [vmap({ (x: Tensor) in Lax.dotGeneral(a, x, DotDimensionNumbers(lhsContracting: [1], rhsContracting: [0])) })(args[0])]
        }
        #expect(closed.outTypes == [ShapedType([6, 3], .float32)])
        let xs = rng.floats([6, 4])
        let got = evalJaxpr(closed, [xs])[0]
        let want = Lax.transpose(Lax.dotGeneral(a, xs, DotDimensionNumbers(lhsContracting: [1], rhsContracting: [1])), [1, 0])
        expectClose(got.doubles, want.doubles, rtol: 1e-5)
    }

    /// The vmapped matrix-vector product is one dot_general, with no loop and no
    /// per-example slicing.
    @Test func vmappedMatvecIsOneDotGeneral() {
        let a = VmapCheck.Rng(56)
        _ = a
        let closed = traceToJaxpr(name: "vmap(matvec)", inTypes: [ShapedType([3, 4], .float32), ShapedType([8, 4], .float32)]) { args in
            let mv = vmap({ (m: Tensor, x: Tensor) in
                Lax.dotGeneral(m, x, DotDimensionNumbers(lhsContracting: [1], rhsContracting: [0]))
            }, inAxes: [nil, 0])
            return [mv(args[0], args[1])]
        }
        let names = closed.jaxpr.equations.map { printedName($0.primitive) }
        print("vmap(matvec) equations: \(names)")
        #expect(names.filter { $0 == "dot_general" }.count == 1)
        #expect(!names.contains { ["while", "scan", "cond", "slice", "dynamic_slice", "gather", "concatenate", "transpose"].contains($0) })
        #expect(closed.outTypes == [ShapedType([8, 3], .float32)])
    }

    @Test func operatorsWithWeakLiterals() {
        var rng = VmapCheck.Rng(57)
        let xs = rng.floats([4, 3])
        let out = vmap({ (x: Tensor) in 2 * x * x - 1 })(xs)
        #expect(out.dtype == .float32 && out.shape == [4, 3])
        expectClose(out.doubles, xs.doubles.map { 2 * $0 * $0 - 1 }, rtol: 1e-6)
        let ints = vmap({ (x: Tensor) in x * 3 + 1 })(Tensor.arange(5))
        #expect(ints.dtype == .int32)
        #expect(ints.asArray(Int32.self) == [1, 4, 7, 10, 13])
    }

    @Test func emptyBatch() {
        let out = vmap({ (x: Tensor) in Lax.reduce(.sum, Lax.unary(.exp, x), axes: [0]) })(Tensor([Float](), shape: [0, 3]))
        #expect(out.shape == [0])
        let moved = vmap({ (x: Tensor) in Lax.unary(.exp, x) }, outAxes: 1)(Tensor([Float](), shape: [0, 3]))
        #expect(moved.shape == [3, 0])
    }

    // MARK: errors

    @Test func inconsistentSizesInATreeError() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let p = [Tensor([Float](repeating: 1, count: 6), shape: [3, 2]), Tensor([Float](repeating: 1, count: 4), shape: [4])]
            _ = vmap({ (p: [Tensor]) in p[0] })(p)
        }.map { result in
            let err = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(err.contains("vmap got inconsistent sizes for the mapped axis: argument 0 (tensor 0) has size 3 along axis 0, argument 0 (tensor 1) has size 4 along axis 0"), "\(err)")
        }
    }

    @Test func inconsistentSizesError() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let x = Tensor([Float](repeating: 1, count: 6), shape: [3, 2])
            let y = Tensor([Float](repeating: 1, count: 8), shape: [4, 2])
            _ = vmap({ (a: Tensor, b: Tensor) in Lax.binary(.add, a, b) })(x, y)
        }.map { result in
            let err = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(err.contains("vmap got inconsistent sizes for the mapped axis: argument 0 has size 3 along axis 0, argument 1 has size 4 along axis 0"), "\(err)")
        }
    }

    @Test func axisOutOfRangeError() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let x = Tensor([Float](repeating: 1, count: 6), shape: [3, 2])
            _ = vmap({ (a: Tensor) in Lax.unary(.neg, a) }, inAxes: [2])(x)
        }.map { result in
            let err = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(err.contains("vmap: inAxes entry 2 for argument 0 is out of range for a tensor of rank 2 (shape (3,2))"), "\(err)")
        }
    }

    @Test func outAxisOutOfRangeError() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let x = Tensor([Float](repeating: 1, count: 6), shape: [3, 2])
            _ = vmap({ (a: Tensor) in Lax.unary(.neg, a) }, outAxes: 3)(x)
        }.map { result in
            let err = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(err.contains("vmap: outAxes 3 is out of range for a result of rank 2"), "\(err)")
        }
    }

    @Test func nothingMappedError() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let x = Tensor([Float](repeating: 1, count: 6), shape: [3, 2])
            _ = vmap({ (a: Tensor) in Lax.unary(.neg, a) }, inAxes: [nil])(x)
        }.map { result in
            let err = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(err.contains("vmap: no argument is mapped"), "\(err)")
        }
    }

    @Test func wrongInAxesCountError() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let x = Tensor([Float](repeating: 1, count: 6), shape: [3, 2])
            _ = vmap({ (a: Tensor, b: Tensor, c: Tensor) in Lax.binary(.add, a, Lax.binary(.add, b, c)) }, inAxes: [0, nil])(x, x, x)
        }.map { result in
            let err = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(err.contains("vmap: inAxes has 2 entries but the function takes 3 argument(s)"), "\(err)")
        }
    }
}
