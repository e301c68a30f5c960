import Testing
@testable import Tessera

/// Checks vmap against its definition: `vmap(f)(xs)` equals stacking `f(x)` over the
/// examples of the mapped axes (computed one example at a time, eagerly).
enum VmapCheck {
    /// Deterministic pseudo-random host data.
    struct Rng {
        var state: UInt64
        init(_ seed: UInt64) { state = seed &* 6364136223846793005 &+ 1442695040888963407 }
        mutating func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        /// float32 values in [-2, 2).
        mutating func floats(_ shape: [Int]) -> Tensor {
            Tensor((0..<shape.reduce(1, *)).map { _ in Float(next() * 4 - 2) }, shape: shape)
        }
        /// int32 values in [lo, hi).
        mutating func ints(_ shape: [Int], _ lo: Int, _ hi: Int) -> Tensor {
            Tensor((0..<shape.reduce(1, *)).map { _ in Int32(lo + Int(next() * Double(hi - lo))) }, shape: shape)
        }
        /// bool values.
        mutating func bools(_ shape: [Int]) -> Tensor {
            Tensor((0..<shape.reduce(1, *)).map { _ in next() < 0.5 }, shape: shape)
        }
    }

    /// `vmap(f, inAxes:, outAxes:)` for a list function of 1-3 tensors.
    static func vmapped(_ f: @escaping @Sendable ([Tensor]) -> [Tensor], arity: Int, inAxes: [Int?],
                        outAxes: Int) -> @Sendable ([Tensor]) -> [Tensor] {
        switch arity {
        case 1:
            let g = vmap({ (a: Tensor) in f([a]) }, inAxes: inAxes, outAxes: outAxes)
            return { g($0[0]) }
        case 2:
            let g = vmap({ (a: Tensor, b: Tensor) in f([a, b]) }, inAxes: inAxes, outAxes: outAxes)
            return { g($0[0], $0[1]) }
        case 3:
            let g = vmap({ (a: Tensor, b: Tensor, c: Tensor) in f([a, b, c]) }, inAxes: inAxes, outAxes: outAxes)
            return { g($0[0], $0[1], $0[2]) }
        default:
            preconditionFailure("vmapped: arity \(arity) is not supported by vmap")
        }
    }

    /// The expected result: `f` on each example, stacked along `outAxes`.
    static func stacked(_ f: ([Tensor]) -> [Tensor], _ args: [Tensor], inAxes: [Int?], outAxes: Int) -> [Tensor] {
        let axes = inAxes.count == 1 ? Array(repeating: inAxes[0], count: args.count) : inAxes
        let mapped = zip(args, axes).compactMap { a, ax in ax.map { a.shape[$0 < 0 ? $0 + a.rank : $0] } }
        let n = mapped[0]
        let perExample = (0..<n).map { i in
            f(zip(args, axes).map { a, ax in
                guard let ax else { return a }
                return Lax.indexInDim(a, axis: ax < 0 ? ax + a.rank : ax, index: i)
            })
        }
        return (0..<perExample[0].count).map { k in
            let rank = perExample[0][k].rank + 1
            return Lax.stack(perExample.map { $0[k] }, axis: outAxes < 0 ? outAxes + rank : outAxes)
        }
    }

    /// Expects `vmap(f)(args)` to equal the stacked per-example results.
    static func check(_ name: String, _ f: @escaping @Sendable ([Tensor]) -> [Tensor], _ args: [Tensor],
                      inAxes: [Int?] = [0], outAxes: Int = 0, rtol: Double = 1e-5,
                      sourceLocation: SourceLocation = #_sourceLocation) {
        let got = vmapped(f, arity: args.count, inAxes: inAxes, outAxes: outAxes)(args)
        let want = stacked(f, args, inAxes: inAxes, outAxes: outAxes)
        #expect(got.count == want.count, "\(name): \(got.count) results, expected \(want.count)", sourceLocation: sourceLocation)
        for (k, (g, w)) in zip(got, want).enumerated() {
            #expect(g.shape == w.shape && g.dtype == w.dtype,
                    "\(name) result \(k): got \(g.type), expected \(w.type)", sourceLocation: sourceLocation)
            if g.shape == w.shape {
                expectClose(g.doubles, w.doubles, rtol: rtol, atol: 1e-5, "\(name) result \(k)", sourceLocation: sourceLocation)
            }
        }
    }

    /// `check` for every in-axis position of the first argument (others as given).
    static func checkAllAxes(_ name: String, _ f: @escaping @Sendable ([Tensor]) -> [Tensor], example: [Tensor],
                             batch n: Int, otherAxes: [Int?], rng: inout Rng,
                             sourceLocation: SourceLocation = #_sourceLocation) {
        let first = example[0]
        for axis in 0...first.rank {
            var shape = first.shape
            shape.insert(n, at: axis)
            let x = first.dtype == .int32 ? rng.ints(shape, 0, 5) : rng.floats(shape)
            let others = zip(example.dropFirst(), otherAxes).map { e, ax -> Tensor in
                guard let ax else { return e }
                var s = e.shape
                s.insert(n, at: ax)
                return e.dtype == .int32 ? rng.ints(s, 0, 5) : rng.floats(s)
            }
            check("\(name) inAxes \(axis)", f, [x] + others, inAxes: [axis] + otherAxes, sourceLocation: sourceLocation)
        }
    }
}

/// Control flow built directly on the primitives (the tests do not depend on the API
/// layer). Captured tracers are closure-converted into operands, as JAX's `cond`,
/// `while_loop` and `scan` do, so that the enclosing transformation sees them.
enum ControlFlow {
    /// `cond(index, ops)` with one branch per closure.
    /// With `convert: false`, captured tracers stay constants of the sub-programs (the
    /// batching rules must find them there).
    static func cond(_ index: Tensor, _ branches: [([Tensor]) -> [Tensor]], _ ops: [Tensor], convert: Bool = true) -> [Tensor] {
        let closed = branches.map { b in traceToJaxpr(name: "branch", inTypes: ops.map(\.type)) { b($0) } }
        if !convert { return bind(.cond(branches: closed), [index] + ops) }
        let (converted, captured) = TracerConstants.hoist(branches: closed)
        return bind(.cond(branches: converted), [index] + captured + ops)
    }

    /// `while cond(carry) { carry = body(carry) }`; captured values become constants.
    static func whileLoop(_ cond: ([Tensor]) -> Tensor, _ body: ([Tensor]) -> [Tensor], _ carry: [Tensor],
                          convert: Bool = true) -> [Tensor] {
        let types = carry.map(\.type)
        let c = traceToJaxpr(name: "cond", inTypes: types) { [cond($0)] }
        let b = traceToJaxpr(name: "body", inTypes: types) { body($0) }
        if !convert { return bind(.whileLoop(cond: c, body: b, condConstCount: 0, bodyConstCount: 0), carry) }
        let hc = TracerConstants.hoist(c), hb = TracerConstants.hoist(b)
        return bind(.whileLoop(cond: hc.closed(extraInVars: hc.vars), body: hb.closed(extraInVars: hb.vars),
                               condConstCount: hc.values.count, bodyConstCount: hb.values.count),
                    hc.values + hb.values + carry)
    }

    /// `scan(body, carry, xs)`: body(carry, x) -> (carry, y).
    static func scan(_ body: ([Tensor], [Tensor]) -> ([Tensor], [Tensor]), carry: [Tensor], xs: [Tensor],
                     reverse: Bool = false, convert: Bool = true) -> [Tensor] {
        let length = xs[0].shape[0]
        let sliceTypes = xs.map { $0.type.with(shape: Array($0.shape.dropFirst())) }
        let b = traceToJaxpr(name: "scan body", inTypes: carry.map(\.type) + sliceTypes) { args in
            let (c, y) = body(Array(args[0..<carry.count]), Array(args[carry.count...]))
            return c + y
        }
        if !convert {
            return bind(.scan(body: b, length: length, reverse: reverse, constCount: 0, carryCount: carry.count), carry + xs)
        }
        let h = TracerConstants.hoist(b)
        return bind(.scan(body: h.closed(extraInVars: h.vars), length: length, reverse: reverse, constCount: h.values.count,
                          carryCount: carry.count), h.values + carry + xs)
    }
}
