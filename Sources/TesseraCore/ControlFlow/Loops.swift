/// Repeats `body` while `cond` returns true, starting from `initial`, as one `while`
/// primitive (its predicate is read on the host each iteration). The carry keeps its
/// structure, shapes and dtypes. Reverse-mode differentiation cannot go through it (use
/// `forLoop` or `scan` with static bounds).
///
/// ```swift
/// let n = whileLoop(cond: { $0 .< 10 }, body: { $0 + 1 }, initial: Tensor(Int32(0)))   // 10
/// ```
public func whileLoop<Carry: TensorTree>(cond: (Carry) -> Tensor, body: (Carry) -> Carry, initial: Carry) -> Carry {
    let leaves = initial.tensors
    let types = leaves.map(\.type)
    let condJ = ConvertedJaxpr.trace("whileLoop cond", inTypes: types) { t in [cond(initial.replacingTensors(t))] }
    let out = condJ.closed.outTypes
    if out.count != 1 || out[0].rank != 0 || out[0].dtype != .bool {
        usageError("whileLoop: cond must return a bool scalar, got \(out)")
    }
    let bodyJ = ConvertedJaxpr.trace("whileLoop body", inTypes: types) { t in
        let next = body(initial.replacingTensors(t)).tensors
        expectLeafCount("whileLoop", "the body's result", got: next.count, expected: t.count)
        return next
    }
    if !ShapeRules.typesMatch(bodyJ.closed.outTypes, types) {
        usageError("whileLoop: the body returns \(bodyJ.closed.outTypes) but the carry is \(types); keep shapes and dtypes fixed (convert with asType)")
    }
    let outs = bind(.whileLoop(cond: condJ.closed, body: bodyJ.closed, condConstCount: condJ.captured.count,
                               bodyConstCount: bodyJ.captured.count),
                    condJ.captured + bodyJ.captured + leaves)
    return initial.replacingTensors(outs)
}

/// Scans `f` over the leading axis of `xs`, threading a carry: returns the final carry and
/// the per-step outputs stacked along a new leading axis (JAX's `lax.scan`).
///
/// ```swift
/// let (total, running) = scan({ c, x in (c + x, c + x) }, initial: Tensor(Float(0)), xs: xs)   // cumsum
/// ```
public func scan<Carry: TensorTree, X: TensorTree, Y: TensorTree>(_ f: (Carry, X) -> (Carry, Y), initial: Carry, xs: X,
                                                                 reverse: Bool = false) -> (Carry, Y) {
    let xLeaves = xs.tensors
    guard let length = xLeaves.first?.shape.first else {
        usageError("scan: xs must contain at least one tensor with a leading axis (use forLoop for a fixed count)")
    }
    return scan(f, initial: initial, xs: xs, length: length, reverse: reverse)
}

/// `scan` with an explicit number of steps (needed when `xs` has no tensors).
public func scan<Carry: TensorTree, X: TensorTree, Y: TensorTree>(_ f: (Carry, X) -> (Carry, Y), initial: Carry, xs: X,
                                                                 length: Int, reverse: Bool = false) -> (Carry, Y) {
    let carry = initial.tensors
    let xLeaves = xs.tensors
    for x in xLeaves where x.rank == 0 || x.shape[0] != length {
        usageError("scan: every tensor of xs needs a leading axis of length \(length), got \(x.type)")
    }
    let sliceTypes = xLeaves.map { $0.type.with(shape: Array($0.shape.dropFirst())) }
    var yTemplate: Y?
    let bodyJ = ConvertedJaxpr.trace("scan body", inTypes: carry.map(\.type) + sliceTypes) { t in
        let c = initial.replacingTensors(Array(t[0..<carry.count]))
        let x = xs.replacingTensors(Array(t[carry.count...]))
        let (next, y) = f(c, x)
        yTemplate = y
        let nextLeaves = next.tensors
        expectLeafCount("scan", "the new carry", got: nextLeaves.count, expected: carry.count)
        return nextLeaves + y.tensors
    }
    let outTypes = bodyJ.closed.outTypes
    if !ShapeRules.typesMatch(Array(outTypes[0..<carry.count]), carry.map(\.type)) {
        usageError("scan: the body returns the carry as \(Array(outTypes[0..<carry.count])) but it is \(carry.map(\.type)); keep shapes and dtypes fixed")
    }
    let outs = bind(.scan(body: bodyJ.closed, length: length, reverse: reverse, constCount: bodyJ.captured.count,
                          carryCount: carry.count),
                    bodyJ.captured + carry + xLeaves)
    return (initial.replacingTensors(Array(outs[0..<carry.count])), yTemplate!.replacingTensors(Array(outs[carry.count...])))
}

/// Runs `body(i, carry)` for `i` in `lower ..< upper` (an int32 scalar), returning the final
/// carry. Static bounds lower to a `scan` (so reverse-mode differentiation can go through it).
///
/// ```swift
/// let fact = forLoop(1, 6, body: { i, c in c * i }, initial: Tensor(Int32(1)))   // 120
/// ```
public func forLoop<Carry: TensorTree>(_ lower: Int, _ upper: Int, body: (Tensor, Carry) -> Carry, initial: Carry) -> Carry {
    let count = Swift.max(0, upper - lower)
    let start = Tensor(Int32(lower))
    let (final, _): ([Tensor], [Tensor]) = scan({ (state: [Tensor], _: [Tensor]) in
        let i = state[0]
        let next = body(i, initial.replacingTensors(Array(state.dropFirst()))).tensors
        return ([Lax.binary(.add, i, Tensor(Int32(1)))] + next, [])
    }, initial: [start] + initial.tensors, xs: [Tensor](), length: count)
    return initial.replacingTensors(Array(final.dropFirst()))
}
