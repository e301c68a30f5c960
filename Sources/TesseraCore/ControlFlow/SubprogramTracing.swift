/// A traced sub-program whose captured values (constants and tracers of outer traces) are
/// explicit leading parameters, as JAX's closure conversion: the control-flow primitive then
/// passes them as operands, so an outer `jit` or `grad` sees them.
struct ConvertedJaxpr {
    /// The program: `inVars` are the captured values' variables, then the real parameters.
    let closed: ClosedJaxpr
    /// The captured values, passed as the first operands.
    let captured: [Tensor]

    /// Traces `body` on abstract values of `inTypes`, named for messages after the enclosing
    /// transformation (`jit(f) / cond branch`).
    static func trace(_ role: String, inTypes: [ShapedType], _ body: ([Tensor]) -> [Tensor]) -> ConvertedJaxpr {
        let outer = TraceStack.current.traces.last.map { "\($0.name) / " } ?? ""
        let traced = traceToJaxpr(name: outer + role, inTypes: inTypes, body)
        let j = traced.jaxpr
        let converted = Jaxpr(constVars: [], inVars: j.constVars + j.inVars, equations: j.equations, outputs: j.outputs)
        return ConvertedJaxpr(closed: ClosedJaxpr(jaxpr: converted, consts: []), captured: traced.consts)
    }

    /// The same program taking `before` unused parameters first and `after` after its own
    /// captured values (to give several branches one operand list).
    func padded(before: [ShapedType], after: [ShapedType]) -> ClosedJaxpr {
        let j = closed.jaxpr
        let own = captured.count
        let ins = before.map { JaxprVar($0) } + j.inVars[0..<own] + after.map { JaxprVar($0) } + j.inVars[own...]
        return ClosedJaxpr(jaxpr: Jaxpr(constVars: [], inVars: ins, equations: j.equations, outputs: j.outputs), consts: [])
    }
}

/// Checks that every tree leaf count matches, with a message naming the operation.
func expectLeafCount(_ operation: String, _ what: String, got: Int, expected: Int) {
    if got != expected {
        usageError("\(operation): \(what) has \(got) tensors but \(expected) were expected; return the same structure as the initial value")
    }
}
