/// Evaluates a jaxpr by binding each equation in order, so the evaluation itself is
/// traced by whatever transformations are active (JAX's `eval_jaxpr`).
///
/// ```swift
/// let outs = evalJaxpr(closed, [x])
/// ```
public func evalJaxpr(_ closed: ClosedJaxpr, _ args: [Tensor]) -> [Tensor] {
    evalJaxpr(closed.jaxpr, consts: closed.consts, args)
}

/// Evaluates `jaxpr` with `consts` bound to its constant variables.
public func evalJaxpr(_ jaxpr: Jaxpr, consts: [Tensor], _ args: [Tensor]) -> [Tensor] {
    precondition(args.count == jaxpr.inVars.count,
                 "evalJaxpr: \(args.count) arguments for \(jaxpr.inVars.count) parameters")
    var env: [ObjectIdentifier: Tensor] = [:]
    env.reserveCapacity(jaxpr.equations.count + args.count + consts.count)
    for (v, c) in zip(jaxpr.constVars, consts) { env[ObjectIdentifier(v)] = c }
    for (v, a) in zip(jaxpr.inVars, args) { env[ObjectIdentifier(v)] = a }
    func read(_ atom: JaxprAtom) -> Tensor {
        switch atom {
        case .literal(let l): return Tensor(literal: l)
        case .variable(let v):
            guard let t = env[ObjectIdentifier(v)] else { fatalError("evalJaxpr: unbound variable of type \(v.type)") }
            return t
        }
    }
    for eq in jaxpr.equations {
        let outs = bind(eq.primitive, eq.inputs.map(read))
        for (v, t) in zip(eq.outputs, outs) { env[ObjectIdentifier(v)] = t }
    }
    return jaxpr.outputs.map(read)
}
