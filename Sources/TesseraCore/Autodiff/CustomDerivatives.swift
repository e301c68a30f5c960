/// User-defined derivative rules: `customVJP` (a forward pass that saves residuals and a
/// backward pass) and `customJVP` (a tangent rule), for numerically stable or
/// non-differentiable functions (JAX's `jax.custom_vjp` and `jax.custom_jvp`).
///
/// Under `grad`/`vjp` the custom rule is used; under `jit`, `vmap` or eagerly the function
/// simply runs. The backward pass is itself differentiated for higher-order derivatives.

/// The trace that a call on `args` would go to (as `bind` chooses), or nil when eager.
func topTrace(_ args: [Tensor]) -> Trace? {
    var top = TraceStack.current.dynamicTrace
    for a in args {
        guard let t = a.base as? Tracer, t.trace.isActive else { continue }
        if top == nil || t.trace.level > top!.level { top = t.trace }
    }
    return top
}

/// A function with a custom reverse-mode derivative.
///
/// `forward` computes the output and any residuals the backward pass needs; `backward`
/// maps the residuals and the output's cotangent to the input's cotangent. As in JAX,
/// forward mode (`jvp`, `jacfwd`) of such a function is an error.
///
/// ```swift
/// let logsumexp = customVJP(
///     forward: { (x: Tensor) -> (Tensor, Tensor) in let y = naiveLSE(x); return (y, exp(x - y)) },
///     backward: { softmax, ct in ct * softmax })
/// ```
public func customVJP<In: TensorTree, Out: TensorTree, Residuals>(
    forward: @escaping @Sendable (In) -> (Out, Residuals),
    backward: @escaping @Sendable (Residuals, Out) -> In
) -> @Sendable (In) -> Out {
    { input in
        let leaves = input.tensors
        switch topTrace(leaves) {
        case let trace as ReverseTrace:
            var primals: [Tensor] = [], ids: [Int] = []
            for leaf in leaves {
                let (p, id) = trace.unpack(leaf)
                primals.append(p)
                ids.append(id)
            }
            let (out, residuals) = forward(input.replacingTensors(primals))
            let outLeaves = out.tensors
            let pullback: ([Tensor?]) -> [Tensor?] = { cts in
                let ct = out.replacingTensors(zip(cts, outLeaves).map { AutodiffValues.instantiate($0, $1.type.strong) })
                return backward(residuals, ct).tensors.map { Optional($0) }
            }
            let results = trace.record(primitive: nil, custom: pullback, inputs: primals, inputIDs: ids, outputs: outLeaves)
            return out.replacingTensors(results)
        case let trace as JVPTrace:
            usageError("can't apply forward-mode autodiff (jvp, jacfwd, hessian) to a customVJP function (in \(trace.name)); use customJVP instead")
        default:
            return forward(input).0
        }
    }
}

/// A function with a custom forward-mode derivative: `jvp(primals, tangents)` returns
/// the output and its tangent, and must be linear in the tangents.
///
/// Reverse mode transposes the rule (by differentiating it with respect to the tangents),
/// as JAX does for `custom_jvp` functions.
///
/// ```swift
/// let safeLog = customJVP({ (x: Tensor) in log(x) }, jvp: { x, t in (log(x), t / x) })
/// ```
public func customJVP<In: TensorTree, Out: TensorTree>(
    _ f: @escaping @Sendable (In) -> Out,
    jvp rule: @escaping @Sendable (In, In) -> (Out, Out)
) -> @Sendable (In) -> Out {
    { input in
        let leaves = input.tensors
        switch topTrace(leaves) {
        case let trace as JVPTrace:
            var primals: [Tensor] = [], tangents: [Tensor] = []
            for leaf in leaves {
                let (p, t) = trace.unpack(leaf)
                primals.append(p)
                tangents.append(AutodiffValues.instantiate(t, p.type.strong))
            }
            let (out, tangentOut) = rule(input.replacingTensors(primals), input.replacingTensors(tangents))
            let results = zip(out.tensors, tangentOut.tensors).map { o, t -> Tensor in
                guard o.dtype.isFloatingPoint else { return o }
                return Tensor(base: JVPTracer(trace: trace, primal: o, tangent: t))
            }
            return out.replacingTensors(results)
        case let trace as ReverseTrace:
            var primals: [Tensor] = [], ids: [Int] = []
            for leaf in leaves {
                let (p, id) = trace.unpack(leaf)
                primals.append(p)
                ids.append(id)
            }
            let primalTree = input.replacingTensors(primals)
            let out = f(primalTree)
            let outLeaves = out.tensors
            let pullback: ([Tensor?]) -> [Tensor?] = { cts in
                let zeros = primals.map { AutodiffValues.zeros($0.type.strong) }
                let (_, transpose) = vjpFlat({ ts in rule(primalTree, input.replacingTensors(ts)).1.tensors },
                                             primals: zeros, wrt: primals.map { _ in true })
                return transpose(cts)
            }
            let results = trace.record(primitive: nil, custom: pullback, inputs: primals, inputIDs: ids, outputs: outLeaves)
            return out.replacingTensors(results)
        default:
            return f(input)
        }
    }
}
