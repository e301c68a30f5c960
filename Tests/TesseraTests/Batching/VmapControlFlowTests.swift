import Testing
@testable import Tessera

/// Batching of cond, whileLoop and scan.
@Suite struct VmapControlFlowTests {
    static let double: @Sendable ([Tensor]) -> [Tensor] = { [Lax.binary(.mul, $0[0], Lax.full(2, shape: $0[0].shape, dtype: .float32)), $0[1]] }
    static let negate: @Sendable ([Tensor]) -> [Tensor] = { [Lax.unary(.neg, $0[0]), Lax.binary(.add, $0[1], $0[1])] }

    @Test func condWithBatchedIndex() {
        var rng = VmapCheck.Rng(41)
        let f: @Sendable ([Tensor]) -> [Tensor] = { ControlFlow.cond($0[0], [Self.double, Self.negate], [$0[1], $0[2]]) }
        let pred = Tensor([true, false, true, false] as [Bool], shape: [4])
        VmapCheck.check("cond batched pred", f, [pred, rng.floats([4, 3]), rng.floats([4])])
        VmapCheck.check("cond batched pred, shared ops", f, [pred, rng.floats([3]), rng.floats([])], inAxes: [0, nil, nil], outAxes: -1)
        // int32 index with three branches, out-of-range indices clamped
        let three: @Sendable ([Tensor]) -> [Tensor] = {
            ControlFlow.cond($0[0], [Self.double, Self.negate, { [Lax.unary(.exp, $0[0]), $0[1]] }], [$0[1], $0[2]])
        }
        VmapCheck.check("cond int index", three, [Tensor([0, 1, 2, 5, -1] as [Int32], shape: [5]), rng.floats([3, 5]), rng.floats([5])],
                        inAxes: [0, 1, 0])
    }

    @Test func condWithSharedIndex() {
        var rng = VmapCheck.Rng(42)
        let f: @Sendable ([Tensor]) -> [Tensor] = { ControlFlow.cond($0[0], [Self.double, Self.negate], [$0[1], $0[2]]) }
        for p in [true, false] {
            VmapCheck.check("cond shared pred \(p)", f, [Tensor(p), rng.floats([4, 3]), rng.floats([4])], inAxes: [nil, 0, 0])
            // only one operand batched: the other result is batched by one branch only
            VmapCheck.check("cond shared pred \(p), one batched", f, [Tensor(p), rng.floats([3, 4]), rng.floats([])], inAxes: [nil, 1, nil])
        }
        // a branch capturing a batched value from the vmapped function
        let capture: @Sendable ([Tensor]) -> [Tensor] = { a in
            let y = a[1]
            return ControlFlow.cond(a[0], [{ [Lax.binary(.mul, $0[0], y)] }, { [$0[0]] }], [a[2]])
        }
        VmapCheck.check("cond capturing a batched value", capture, [Tensor(false), rng.floats([4, 3]), rng.floats([3])], inAxes: [nil, 0, nil])
    }

    @Test func whileWithBatchedPredicate() {
        // count up to a per-example limit: each example stops at a different step
        let f: @Sendable ([Tensor]) -> [Tensor] = { a in
            let limit = a[0]
            return ControlFlow.whileLoop({ Lax.compare(.lt, $0[0], limit) },
                                         { [Lax.binary(.add, $0[0], Tensor(Int32(1))), Lax.binary(.mul, $0[1], Lax.full(1.5, shape: [2], dtype: .float32))] },
                                         [Tensor(Int32(0)), a[1]])
        }
        var rng = VmapCheck.Rng(43)
        let limits = Tensor([3, 0, 5, 1] as [Int32], shape: [4])
        VmapCheck.check("while batched limit", f, [limits, rng.floats([2])], inAxes: [0, nil])
        VmapCheck.check("while batched limit and carry", f, [limits, rng.floats([2, 4])], inAxes: [0, 1], outAxes: -1)
        // Newton iterations for sqrt until converged, per example
        let newton: @Sendable ([Tensor]) -> [Tensor] = { a in
            let x = a[0]
            return ControlFlow.whileLoop({ c in
                let err = Lax.unary(.abs, Lax.binary(.sub, Lax.binary(.mul, c[0], c[0]), x))
                return Lax.compare(.gt, err, Lax.scalar(1e-3, .float32))
            }, { c in
                [Lax.binary(.mul, Lax.scalar(0.5, .float32), Lax.binary(.add, c[0], Lax.binary(.div, x, c[0])))]
            }, [Lax.scalar(1, .float32)])
        }
        VmapCheck.check("while newton", newton, [Tensor([0.25, 2, 9, 100] as [Float], shape: [4])])
    }

    @Test func whileWithSharedPredicate() {
        // a fixed number of steps with a batched carry
        let f: @Sendable ([Tensor]) -> [Tensor] = { a in
            ControlFlow.whileLoop({ Lax.compare(.lt, $0[0], Tensor(Int32(3))) },
                                  { [Lax.binary(.add, $0[0], Tensor(Int32(1))), Lax.unary(.sin, $0[1])] },
                                  [Tensor(Int32(0)), a[0]])
        }
        var rng = VmapCheck.Rng(44)
        VmapCheck.checkAllAxes("while shared pred", f, example: [rng.floats([3])], batch: 4, otherAxes: [], rng: &rng)
        // the carry starts shared and becomes batched through a captured value
        let g: @Sendable ([Tensor]) -> [Tensor] = { a in
            let y = a[0]
            return ControlFlow.whileLoop({ Lax.compare(.lt, $0[0], Tensor(Int32(2))) },
                                         { [Lax.binary(.add, $0[0], Tensor(Int32(1))), Lax.binary(.add, $0[1], y)] },
                                         [Tensor(Int32(0)), Lax.full(0, shape: [3], dtype: .float32)])
        }
        VmapCheck.check("while carry made batched", g, [rng.floats([3, 2])], inAxes: [1])
    }

    @Test func scan() {
        var rng = VmapCheck.Rng(45)
        // cumulative sum with a running product as ys
        let f: @Sendable ([Tensor]) -> [Tensor] = { a in
            ControlFlow.scan({ c, x in
                let s = Lax.binary(.add, c[0], x[0])
                return ([s], [Lax.binary(.mul, s, x[1])])
            }, carry: [a[0]], xs: [a[1], a[2]])
        }
        let c = rng.floats([3]), xs = rng.floats([5, 3]), ws = rng.floats([5, 3])
        VmapCheck.check("scan all batched", f, [rng.floats([4, 3]), rng.floats([4, 5, 3]), rng.floats([5, 4, 3])], inAxes: [0, 0, 1])
        VmapCheck.check("scan xs batched", f, [c, rng.floats([5, 3, 2]), ws], inAxes: [nil, 2, nil], outAxes: 1)
        VmapCheck.check("scan carry batched", f, [rng.floats([3, 2]), xs, ws], inAxes: [1, nil, nil])
        // reverse, with a batched captured constant
        let g: @Sendable ([Tensor]) -> [Tensor] = { a in
            let w = a[0]
            return ControlFlow.scan({ c, x in
                let s = Lax.binary(.add, Lax.binary(.mul, c[0], w), x[0])
                return ([s], [s])
            }, carry: [Lax.full(0, shape: [3], dtype: .float32)], xs: [a[1]], reverse: true)
        }
        VmapCheck.check("scan reverse, captured batched const", g, [rng.floats([4, 3]), xs], inAxes: [0, nil])
    }

    /// Sub-programs that captured batched values as constants (no closure conversion by
    /// the caller): when an operand is batched, the rule is reached and hoists them into
    /// operands. (With every operand shared, `bind` cannot see the captured tracers; the
    /// control-flow API must closure-convert, as JAX's does.)
    @Test func capturedTracerConstantsWithoutClosureConversion() {
        var rng = VmapCheck.Rng(46)
        let c: @Sendable ([Tensor]) -> [Tensor] = { a in
            let y = a[0]
            return ControlFlow.cond(a[1], [{ [Lax.binary(.mul, $0[0], y)] }, { [Lax.binary(.sub, $0[0], y)] }], [a[2]], convert: false)
        }
        VmapCheck.check("cond captured, shared index", c, [rng.floats([4, 3]), Tensor(true), rng.floats([4, 3])], inAxes: [0, nil, 0])
        VmapCheck.check("cond captured, shared index, false", c, [rng.floats([4, 3]), Tensor(false), rng.floats([3, 4])], inAxes: [0, nil, 1])
        VmapCheck.check("cond captured, batched index", c, [rng.floats([4, 3]), rng.bools([4]), rng.floats([3])], inAxes: [0, 0, nil])
        let w: @Sendable ([Tensor]) -> [Tensor] = { a in
            let limit = a[0]
            return ControlFlow.whileLoop({ Lax.compare(.lt, $0[0], limit) }, { [Lax.binary(.add, $0[0], Tensor(Int32(2)))] },
                                         [a[1]], convert: false)
        }
        VmapCheck.check("while captured limit", w, [Tensor([1, 6, 0, 3] as [Int32], shape: [4]), Tensor([0, 1, -3, 0] as [Int32], shape: [4])])
        VmapCheck.check("while captured shared limit", w, [Tensor(Int32(5)), Tensor([0, 1, -3, 0] as [Int32], shape: [4])], inAxes: [nil, 0])
        let s: @Sendable ([Tensor]) -> [Tensor] = { a in
            let k = a[0]
            return ControlFlow.scan({ c, x in
                let n = Lax.binary(.add, Lax.binary(.mul, c[0], k), x[0]); return ([n], [n])
            }, carry: [Lax.full(0, shape: [2], dtype: .float32)], xs: [a[1]], convert: false)
        }
        VmapCheck.check("scan captured", s, [rng.floats([3, 2]), rng.floats([3, 4, 2])], inAxes: [0, 0])
    }
}
