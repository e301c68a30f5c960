/// The staging trace of `jit` and `makeJaxpr`: every primitive applied to its tracers is
/// recorded as an equation; concrete values used inside become constants and scalar
/// literals stay inline.
public final class JaxprTrace: Trace, @unchecked Sendable {
    private(set) var equations: [JaxprEquation] = []
    private(set) var constVars: [JaxprVar] = []
    private(set) var consts: [Tensor] = []
    private var constIndex: [ObjectIdentifier: JaxprVar] = [:]

    public override func lift(_ value: Tensor) -> Tracer {
        if let l = value.base as? LiteralTensor {
            return JaxprTracer(trace: self, atom: .literal(l.literal))
        }
        let key = ObjectIdentifier(value.base)
        if let v = constIndex[key] { return JaxprTracer(trace: self, atom: .variable(v)) }
        let v = JaxprVar(value.type)
        constIndex[key] = v
        constVars.append(v)
        consts.append(value)
        return JaxprTracer(trace: self, atom: .variable(v))
    }

    public override func process(_ primitive: Primitive, _ inputs: [Tracer]) -> [Tensor] {
        var atoms = inputs.map { ($0 as! JaxprTracer).atom }
        // A scalar literal of a commutative op goes to the right, as JAX's `x.__rmul__`.
        if case .binary(let op) = primitive, op.isCommutative, case .literal = atoms[0], case .variable = atoms[1] {
            atoms.swapAt(0, 1)
        }
        let outTypes = ShapeRules.outputTypes(primitive, atoms.map(\.type))
        let outVars = outTypes.map { JaxprVar($0) }
        equations.append(JaxprEquation(primitive: primitive, inputs: atoms, outputs: outVars))
        return outVars.map { Tensor(base: JaxprTracer(trace: self, atom: .variable($0))) }
    }

    /// A fresh parameter of type `type`.
    public func newArgument(_ type: ShapedType) -> (JaxprVar, Tensor) {
        let v = JaxprVar(type)
        return (v, Tensor(base: JaxprTracer(trace: self, atom: .variable(v))))
    }

    /// The atom a traced output stands for (lifting constants returned unchanged).
    public func atom(for output: Tensor) -> JaxprAtom {
        (fullRaise(output) as! JaxprTracer).atom
    }
}

/// A value during `jit`/`makeJaxpr` tracing: a jaxpr variable or an inline literal.
public final class JaxprTracer: Tracer, @unchecked Sendable {
    /// What the tracer stands for in the jaxpr being built.
    public let atom: JaxprAtom
    init(trace: JaxprTrace, atom: JaxprAtom) {
        self.atom = atom
        super.init(trace: trace, type: atom.type)
    }
}

/// Traces `body` on abstract arguments of `inTypes` into a closed jaxpr.
///
/// `name` appears in error messages ("while tracing jit(f)"). Concrete tensors captured by
/// the body become constants of the result.
///
/// ```swift
/// let closed = traceToJaxpr(name: "f", inTypes: [ShapedType([], .float32)]) { [$0[0] * 2] }
/// ```
public func traceToJaxpr(name: String, inTypes: [ShapedType], _ body: ([Tensor]) -> [Tensor]) -> ClosedJaxpr {
    TraceStack.withNewTrace({ JaxprTrace(level: $0, name: name) }, dynamic: true) { trace in
        let args = inTypes.map { trace.newArgument($0) }
        let outs = body(args.map(\.1))
        let outAtoms = outs.map { trace.atom(for: $0) }
        let jaxpr = Jaxpr(constVars: trace.constVars, inVars: args.map(\.0), equations: trace.equations, outputs: outAtoms)
        return ClosedJaxpr(jaxpr: jaxpr, consts: trace.consts)
    }
}
