/// Runs `trueFn(operand)` if `pred` is true, else `falseFn(operand)`, as one primitive:
/// eagerly only the chosen branch runs; under `jit` both branches are traced and compiled
/// and the choice is made on the device's value at run time.
///
/// Both branches must return the same structure, shapes and dtypes.
/// ```swift
/// let y = cond(x.sum() .> 0, { $0 * 2 }, { $0 }, x)
/// ```
public func cond<Operand: TensorTree, R: TensorTree>(_ pred: Tensor, _ trueFn: (Operand) -> R, _ falseFn: (Operand) -> R,
                                                     _ operand: Operand) -> R {
    if pred.rank != 0 || pred.dtype != .bool {
        usageError("cond: the predicate must be a bool scalar, got \(pred.type); reduce it with .all()/.any() or compare a scalar")
    }
    let index = Lax.convert(pred, to: .int32)
    return withoutActuallyEscaping(trueFn) { onTrue in
        withoutActuallyEscaping(falseFn) { onFalse in switchCase(index, [onFalse, onTrue], operand) }
    }
}

/// Runs `branches[index](operand)` (index clamped into range) as one `cond` primitive.
///
/// ```swift
/// let y = switchCase(Tensor(Int32(1)), [{ $0 + 1 }, { $0 * 2 }], x)   // x * 2
/// ```
public func switchCase<Operand: TensorTree, R: TensorTree>(_ index: Tensor, _ branches: [(Operand) -> R],
                                                           _ operand: Operand) -> R {
    if index.rank != 0 || index.dtype != .int32 {
        usageError("switchCase: the index must be an int32 scalar, got \(index.type)")
    }
    if branches.isEmpty { usageError("switchCase: needs at least one branch") }
    let leaves = operand.tensors
    var template: R?
    let traced: [ConvertedJaxpr] = branches.enumerated().map { i, branch in
        ConvertedJaxpr.trace("cond branch \(i)", inTypes: leaves.map(\.type)) { tracers in
            let out = branch(operand.replacingTensors(tracers))
            if template == nil { template = out }
            return out.tensors
        }
    }
    let outTypes = traced[0].closed.outTypes
    for (i, t) in traced.enumerated() where !ShapeRules.typesMatch(t.closed.outTypes, outTypes) {
        usageError("cond: branch \(i) returns \(t.closed.outTypes) but branch 0 returns \(outTypes); every branch must return the same shapes and dtypes")
    }
    // One operand list: every branch's captured values, then the operand.
    let capturedTypes = traced.map { $0.captured.map(\.type) }
    let closed: [ClosedJaxpr] = traced.enumerated().map { i, t in
        t.padded(before: capturedTypes[..<i].flatMap { $0 }, after: capturedTypes[(i + 1)...].flatMap { $0 })
    }
    let captured = traced.flatMap(\.captured)
    let outs = bind(.cond(branches: closed), [index] + captured + leaves)
    return template!.replacingTensors(outs)
}
