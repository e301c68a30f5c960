/// Batching rules of `cond`, `whileLoop` and `scan` (JAX's): sub-programs are batched by
/// staging the batched per-example function with `traceToJaxpr`; every batched operand
/// and result of the new sub-programs has its batch axis first.
enum ControlFlowBatching {
    // MARK: cond

    /// A batched index evaluates every branch and selects each example's result (as JAX);
    /// a shared index keeps `cond`, with batched branches.
    static func cond(branches: [ClosedJaxpr], _ xs: [BatchedValue], _ n: Int, trace: BatchTrace) -> [BatchedValue] {
        let index = xs[0], ops = Array(xs.dropFirst())
        if index.isBatched {
            let outs = branches.map { branch in
                evalJaxpr(branch, ops.map(trace.wrap)).map { trace.unwrap(trace.fullRaise($0).asTensor) }
            }
            let idx = clampedIndex(BatchAxis.materialize(index, at: 0, size: n), branchCount: branches.count)
            return (0..<branches[0].outTypes.count).map { k in
                var result = BatchAxis.materialize(outs[0][k], at: 0, size: n)
                for b in 1..<branches.count {
                    let candidate = BatchAxis.materialize(outs[b][k], at: 0, size: n)
                    let hit = Lax.compare(.eq, idx, Lax.full(Double(b), shape: [n], dtype: .int32))
                    let mask = Lax.broadcastInDim(hit, shape: result.shape, dims: [0])
                    result = Lax.select(mask, onTrue: candidate, onFalse: result)
                }
                return BatchedValue(result, 0)
            }
        }
        // Closure-convert tracer constants of every branch into operands all branches take.
        let (converted, hoistedValues) = TracerConstants.hoist(branches: branches)
        let operands = hoistedValues.map { raise($0, trace) } + ops
        let inBatched = operands.map(\.isBatched)
        var outBatched = [Bool](repeating: false, count: branches[0].outTypes.count)
        for b in converted {
            let (_, ob) = batchJaxpr(b, n, inBatched: inBatched, forceOut: outBatched)
            outBatched = zip(outBatched, ob).map { $0 || $1 }
        }
        let batchedBranches = converted.map { batchJaxpr($0, n, inBatched: inBatched, forceOut: outBatched).0 }
        let outs = bind(.cond(branches: batchedBranches), [index.value] + operands.map { atFront($0, n) })
        return zip(outs, outBatched).map { BatchedValue($0, $1 ? 0 : nil) }
    }

    /// The branch index as int32 in `[0, branchCount - 1]` (bool: false 0, true 1).
    static func clampedIndex(_ index: Tensor, branchCount: Int) -> Tensor {
        let i = Lax.convert(index, to: .int32)
        let shape = i.shape
        let lo = Lax.full(0, shape: shape, dtype: .int32), hi = Lax.full(Double(branchCount - 1), shape: shape, dtype: .int32)
        return Lax.binary(.min, Lax.binary(.max, i, lo), hi)
    }

    // MARK: while

    /// A shared predicate keeps the loop with batched cond and body. A batched predicate
    /// runs while any example's predicate holds; examples that are done keep their carry
    /// (the body selects between the new and the old carry).
    static func whileLoop(cond: ClosedJaxpr, body: ClosedJaxpr, condConstCount: Int, bodyConstCount: Int,
                          _ xs: [BatchedValue], _ n: Int, trace: BatchTrace) -> [BatchedValue] {
        let hc = TracerConstants.hoist(cond), hb = TracerConstants.hoist(body)
        let condFn = hc.closed(extraInVars: hc.vars), bodyFn = hb.closed(extraInVars: hb.vars)
        let condConsts = hc.values.map { raise($0, trace) } + xs[0..<condConstCount]
        let bodyConsts = hb.values.map { raise($0, trace) } + xs[condConstCount..<(condConstCount + bodyConstCount)]
        let carry = Array(xs[(condConstCount + bodyConstCount)...])
        let nc = condConsts.count, nb = bodyConsts.count

        // Which carries are batched: those batched initially or made batched by the body.
        var carryBatched = carry.map(\.isBatched)
        while true {
            let (_, ob) = batchJaxpr(bodyFn, n, inBatched: bodyConsts.map(\.isBatched) + carryBatched, forceOut: carryBatched)
            let next = zip(carryBatched, ob).map { $0 || $1 }
            if next == carryBatched { break }
            carryBatched = next
        }
        let (batchedCond, predBatched) = batchJaxpr(condFn, n, inBatched: condConsts.map(\.isBatched) + carryBatched, forceOut: nil)

        if !predBatched[0] {
            let (batchedBody, _) = batchJaxpr(bodyFn, n, inBatched: bodyConsts.map(\.isBatched) + carryBatched, forceOut: carryBatched)
            let carryIn = zip(carry, carryBatched).map { $1 ? BatchAxis.materialize($0, at: 0, size: n) : $0.value }
            let outs = bind(.whileLoop(cond: batchedCond, body: batchedBody, condConstCount: nc, bodyConstCount: nb),
                            condConsts.map { atFront($0, n) } + bodyConsts.map { atFront($0, n) } + carryIn)
            return zip(outs, carryBatched).map { BatchedValue($0, $1 ? 0 : nil) }
        }

        // Batched predicate: every carry is batched; finished examples are masked.
        let condDims = condConsts.map { $0.isBatched ? 0 : nil } as [Int?]
        let bodyDims = bodyConsts.map { $0.isBatched ? 0 : nil } as [Int?]
        let carryDims = carry.map { _ in 0 } as [Int?]
        let condIn = condConsts.map { stagedType($0, n) }, bodyIn = bodyConsts.map { stagedType($0, n) }
        let carryIn = carry.map { ShapedType([n] + $0.exampleShape, $0.value.dtype, weak: $0.value.isWeaklyTyped) }

        let anyActive = traceToJaxpr(name: "vmap(while cond)", inTypes: condIn + carryIn) { args in
            let pred = BatchTrace.run(axisSize: n, zip(args, condDims + carryDims).map { BatchedValue($0, $1) }) {
                evalJaxpr(condFn, $0)
            }[0]
            return [Lax.reduce(.or, BatchAxis.materialize(pred, at: 0, size: n), axes: [0])]
        }
        let maskedBody = traceToJaxpr(name: "vmap(while body)", inTypes: condIn + bodyIn + carryIn) { args in
            let outs = BatchTrace.run(axisSize: n, zip(args, condDims + bodyDims + carryDims).map { BatchedValue($0, $1) }) { a in
                let cc = Array(a[0..<nc]), bc = Array(a[nc..<(nc + nb)]), c = Array(a[(nc + nb)...])
                let active = evalJaxpr(condFn, cc + c)[0]
                let next = evalJaxpr(bodyFn, bc + c)
                return zip(next, c).map { Lax.select(active, onTrue: $0, onFalse: $1) }
            }
            return outs.map { BatchAxis.materialize($0, at: 0, size: n) }
        }
        let condArgs = condConsts.map { atFront($0, n) }
        let outs = bind(.whileLoop(cond: anyActive, body: maskedBody, condConstCount: nc, bodyConstCount: nc + nb),
                        condArgs + condArgs + bodyConsts.map { atFront($0, n) } + carry.map { BatchAxis.materialize($0, at: 0, size: n) })
        return outs.map { BatchedValue($0, 0) }
    }

    // MARK: scan

    /// `scan` with a batched body: batched carries and per-step inputs have their batch
    /// axis first inside the body; batched scanned inputs and outputs have it second.
    static func scan(body: ClosedJaxpr, length: Int, reverse: Bool, constCount: Int, carryCount: Int,
                     _ xs: [BatchedValue], _ n: Int, trace: BatchTrace) -> [BatchedValue] {
        let h = TracerConstants.hoist(body)
        let bodyFn = h.closed(extraInVars: h.vars)
        let consts = h.values.map { raise($0, trace) } + xs[0..<constCount]
        let carry = Array(xs[constCount..<(constCount + carryCount)])
        let scanned = Array(xs[(constCount + carryCount)...])
        let yCount = body.outTypes.count - carryCount

        var carryBatched = carry.map(\.isBatched)
        var batched: (ClosedJaxpr, [Bool])
        while true {
            batched = batchJaxpr(bodyFn, n, inBatched: consts.map(\.isBatched) + carryBatched + scanned.map(\.isBatched),
                                 forceOut: carryBatched + [Bool](repeating: false, count: yCount))
            let next = zip(carryBatched, batched.1[0..<carryCount]).map { $0 || $1 }
            if next == carryBatched { break }
            carryBatched = next
        }
        let carryIn = zip(carry, carryBatched).map { $1 ? BatchAxis.materialize($0, at: 0, size: n) : $0.value }
        let scannedIn = scanned.map { $0.isBatched ? BatchAxis.materialize($0, at: 1, size: n) : $0.value }
        let outs = bind(.scan(body: batched.0, length: length, reverse: reverse, constCount: consts.count, carryCount: carryCount),
                        consts.map { atFront($0, n) } + carryIn + scannedIn)
        return outs.enumerated().map { i, o in
            if i < carryCount { return BatchedValue(o, carryBatched[i] ? 0 : nil) }
            return BatchedValue(o, batched.1[i] ? 1 : nil)
        }
    }

    // MARK: shared

    /// Stages `closed` batched: parameters flagged in `inBatched` get a leading batch axis
    /// of `n`; results are batched (axis 0) when they depend on a batched parameter or are
    /// flagged in `forceOut`. Returns the program and which results are batched.
    static func batchJaxpr(_ closed: ClosedJaxpr, _ n: Int, inBatched: [Bool], forceOut: [Bool]?) -> (ClosedJaxpr, [Bool]) {
        let inTypes = zip(closed.inTypes, inBatched).map { t, b in b ? t.with(shape: [n] + t.shape) : t }
        var outBatched: [Bool] = []
        let staged = traceToJaxpr(name: "vmap", inTypes: inTypes) { args in
            let outs = BatchTrace.run(axisSize: n, zip(args, inBatched).map { BatchedValue($0, $1 ? 0 : nil) }) {
                evalJaxpr(closed, $0)
            }
            outBatched = outs.enumerated().map { i, o in o.isBatched || (forceOut?[i] ?? false) }
            return zip(outs, outBatched).map { o, b in b ? BatchAxis.materialize(o, at: 0, size: n) : o.value }
        }
        return (staged, outBatched)
    }

    /// A batched operand with its batch axis first (unbatched ones as they are).
    static func atFront(_ v: BatchedValue, _ n: Int) -> Tensor {
        v.isBatched ? BatchAxis.materialize(v, at: 0, size: n) : v.value
    }

    /// The staged parameter type of an operand passed by `atFront`.
    static func stagedType(_ v: BatchedValue, _ n: Int) -> ShapedType {
        v.isBatched ? v.value.type.with(shape: [n] + v.exampleShape) : v.value.type
    }

    /// A hoisted constant as a batched value of `trace`.
    static func raise(_ t: Tensor, _ trace: BatchTrace) -> BatchedValue {
        trace.unwrap(trace.fullRaise(t).asTensor)
    }
}

extension Tracer {
    /// The tracer as a tensor.
    var asTensor: Tensor { Tensor(base: self) }
}
