import Testing
@testable import Tessera

/// Batching of the elementwise primitives: unary, binary, compare, select, convert,
/// bitcast, iota, threefry2x32, stop_gradient.
@Suite struct VmapElementwiseTests {
    @Test func unaryAtEveryAxisAndOutAxis() {
        var rng = VmapCheck.Rng(1)
        VmapCheck.checkAllAxes("exp", { [Lax.unary(.exp, $0[0])] }, example: [rng.floats([3, 4])], batch: 5,
                               otherAxes: [], rng: &rng)
        let x = rng.floats([5, 3, 4])
        VmapCheck.check("tanh outAxes 2", { [Lax.unary(.tanh, $0[0])] }, [x], outAxes: 2)
        VmapCheck.check("neg outAxes -1", { [Lax.unary(.neg, $0[0])] }, [x], outAxes: -1)
        VmapCheck.check("sin inAxes -1", { [Lax.unary(.sin, $0[0])] }, [x], inAxes: [-1])
        VmapCheck.check("is_finite", { [Lax.unary(.isFinite, $0[0])] }, [x])
    }

    @Test func binaryWithBatchedAndSharedOperands() {
        var rng = VmapCheck.Rng(2)
        let add: @Sendable ([Tensor]) -> [Tensor] = { [Lax.binary(.add, $0[0], $0[1])] }
        let sub: @Sendable ([Tensor]) -> [Tensor] = { [Lax.binary(.sub, $0[0], $0[1])] }
        // both mapped, at different axes
        VmapCheck.checkAllAxes("sub both", sub, example: [rng.floats([3, 4]), rng.floats([3, 4])], batch: 2,
                               otherAxes: [1], rng: &rng)
        // second shared
        VmapCheck.checkAllAxes("sub shared rhs", sub, example: [rng.floats([3, 4]), rng.floats([3, 4])], batch: 2,
                               otherAxes: [nil], rng: &rng)
        // first shared
        VmapCheck.check("add shared lhs", add, [rng.floats([3, 4]), rng.floats([3, 2, 4])], inAxes: [nil, 1], outAxes: 1)
        // scalar examples
        VmapCheck.check("mul scalars", { [Lax.binary(.mul, $0[0], $0[1])] }, [rng.floats([6]), rng.floats([6])])
        // a weak literal operand
        VmapCheck.check("max weak literal", { [Lax.binary(.max, $0[0], Lax.broadcast(Tensor(literal: ScalarLiteral(.float(0.5), dtype: .float32, weak: true)), to: $0[0].shape))] },
                        [rng.floats([4, 3])])
        VmapCheck.check("and ints", { [Lax.binary(.and, $0[0], $0[1])] }, [rng.ints([4, 3], 0, 16), rng.ints([3], 0, 16)], inAxes: [0, nil])
    }

    @Test func compareAndSelect() {
        var rng = VmapCheck.Rng(3)
        VmapCheck.check("lt", { [Lax.compare(.lt, $0[0], $0[1])] }, [rng.floats([4, 3]), rng.floats([3, 4])], inAxes: [0, 1])
        let sel: @Sendable ([Tensor]) -> [Tensor] = { [Lax.select($0[0], onTrue: $0[1], onFalse: $0[2])] }
        // full-shape predicate, each operand batched or shared
        let p = rng.bools([4, 3]), a = rng.floats([4, 3]), b = rng.floats([3])
        VmapCheck.check("select p a b", sel, [p, a, rng.floats([4, 3])])
        VmapCheck.check("select shared pred", sel, [rng.bools([3]), a, rng.floats([3, 4])], inAxes: [nil, 0, 1])
        VmapCheck.check("select shared branch", sel, [p, a, b], inAxes: [0, 0, nil])
        // scalar predicate per example: batched, and shared
        VmapCheck.check("select scalar pred", sel, [rng.bools([4]), a, rng.floats([4, 3])])
        VmapCheck.check("select shared scalar pred", sel, [Tensor([true], shape: []), a, rng.floats([4, 3])], inAxes: [nil, 0, 0])
        VmapCheck.check("select scalar pred shared operands", sel, [rng.bools([4]), b, rng.floats([3])], inAxes: [0, nil, nil], outAxes: 1)
    }

    @Test func convertBitcastIotaStopGradient() {
        var rng = VmapCheck.Rng(4)
        let x = rng.floats([3, 5])
        VmapCheck.check("convert", { [Lax.convert($0[0], to: .int32)] }, [x], inAxes: [1])
        VmapCheck.check("bitcast", { [Lax.bitcast($0[0], to: .uint32)] }, [x])
        VmapCheck.check("stop_gradient", { [Lax.stopGradient($0[0])] }, [x], outAxes: 1)
        // iota is never batched; combined with a batched value it is broadcast
        VmapCheck.check("iota", { [Lax.binary(.add, $0[0], Lax.iota(.float32, shape: [5], dimension: 0)), Lax.iota(.int32, shape: [2, 2], dimension: 1)] },
                        [x], outAxes: 1)
    }

    @Test func threefry() {
        var rng = VmapCheck.Rng(5)
        let k0 = rng.ints([3], 0, 1 << 30), k1 = rng.ints([3], 0, 1 << 30)
        let x0 = rng.ints([3, 4], 0, 1 << 30)
        let u: @Sendable (Tensor) -> Tensor = { Lax.bitcast($0, to: .uint32) }
        VmapCheck.check("threefry2x32", { a in
            let k0 = u(a[0]), k1 = u(a[1]), x0 = u(a[2])
            let x1 = u(Lax.iota(.int32, shape: [4]))
            let (y0, y1) = Lax.threefry2x32(Lax.broadcast(k0, to: [4]), Lax.broadcast(k1, to: [4]), x0, x1)
            return [y0, y1]
        }, [k0, k1, x0], inAxes: [0, 0, 0])
        VmapCheck.check("threefry shared key", { a in
            let (y0, y1) = Lax.threefry2x32(u(a[0]), u(a[1]), u(a[2]), u(a[2]))
            return [y0, y1]
        }, [rng.ints([4], 0, 1 << 30), rng.ints([4], 0, 1 << 30), x0], inAxes: [nil, nil, 0])
    }
}
