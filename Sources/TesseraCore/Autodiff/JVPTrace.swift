/// The forward-mode trace of `jvp` (and `jacfwd`): each tracer carries a primal value and
/// a tangent, and every primitive applied to them is sent through its JVP rule.
///
/// Tangents are `Tensor?` where `nil` is a symbolic zero, so values that do not depend on
/// the differentiated inputs cost nothing extra. The primal computation is bound at the
/// level below, so outer transformations (`jit`, another `grad`) see it.
public final class JVPTrace: Trace, @unchecked Sendable {
    /// Autodiff tracers carry their primal values, so they are not abstract.
    public override var isAbstract: Bool { false }

    /// A value from outside the differentiated function: its tangent is zero.
    public override func lift(_ value: Tensor) -> Tracer {
        JVPTracer(trace: self, primal: value, tangent: nil)
    }

    /// Binds `primitive` on the primals and computes the output tangents with its JVP rule.
    public override func process(_ primitive: Primitive, _ inputs: [Tracer]) -> [Tensor] {
        var primals: [Tensor] = []
        var tangents: [Tensor?] = []
        primals.reserveCapacity(inputs.count)
        tangents.reserveCapacity(inputs.count)
        var anyTangent = false
        for input in inputs {
            let t = unsafeDowncast(input, to: JVPTracer.self)
            primals.append(t.primal)
            tangents.append(t.tangent)
            if t.tangent != nil { anyTangent = true }
        }
        if !anyTangent { return bind(primitive, primals) }
        let (outs, outTangents) = JVPRules.jvp(primitive, primals: primals, tangents: tangents)
        return zip(outs, outTangents).map { out, tangent in
            guard let tangent, out.dtype.isFloatingPoint else { return out }
            return Tensor(base: JVPTracer(trace: self, primal: out, tangent: tangent))
        }
    }

    /// The primal and tangent (nil for zero) that `value` stands for in this trace.
    func unpack(_ value: Tensor) -> (Tensor, Tensor?) {
        if let t = value.base as? JVPTracer, t.trace === self { return (t.primal, t.tangent) }
        return (value, nil)
    }
}

/// A value under `jvp`: its primal and its tangent (`nil` is a symbolic zero).
///
/// When the primal is concrete, eager code can read it (`x.item(Float.self)`), as JAX
/// allows Python control flow under `grad` and `jvp`.
public final class JVPTracer: Tracer, @unchecked Sendable {
    /// The value at which the derivative is taken.
    public let primal: Tensor
    /// The directional derivative, or nil when it is zero.
    public let tangent: Tensor?

    init(trace: JVPTrace, primal: Tensor, tangent: Tensor?) {
        self.primal = primal
        self.tangent = tangent
        super.init(trace: trace, type: primal.type)
    }

    /// The primal's value when it is concrete (nil under jit or vmap).
    public override var concreteValue: DeviceArray? { AutodiffValues.concrete(primal) }
}

/// Helpers shared by the autodiff traces and rules.
enum AutodiffValues {
    /// The concrete device array behind `value`, uploading a host literal when needed;
    /// nil when the value is abstract (a jit or vmap tracer).
    static func concrete(_ value: Tensor) -> DeviceArray? {
        switch value.base {
        case let a as DeviceArray: return a
        case let t as Tracer: return t.concreteValue
        case let l as LiteralTensor:
            let device = Device.default
            guard let buffer = try? Eager.buffer(of: Tensor(base: l), on: device) else { return nil }
            return DeviceArray(type: l.type, device: device, buffer: buffer)
        default: return nil
        }
    }

    /// Zeros of the given type (strongly typed).
    static func zeros(_ type: ShapedType) -> Tensor { Lax.full(0, shape: type.shape, dtype: type.dtype) }

    /// `tangent`, or zeros of `type` when it is a symbolic zero.
    static func instantiate(_ tangent: Tensor?, _ type: ShapedType) -> Tensor { tangent ?? zeros(type) }

    /// Whether values of `type` carry derivatives (floating point); integer and bool
    /// values have zero tangents and cotangents, as JAX's float0.
    static func isDifferentiable(_ type: ShapedType) -> Bool { type.dtype.isFloatingPoint }
}

/// Forward mode on flat lists: pushes a `JVPTrace`, calls `f` on tracers of `primals` with
/// `tangents`, and returns the outputs and their tangents (`nil` for zero).
func jvpFlat(_ f: ([Tensor]) -> [Tensor], primals: [Tensor], tangents: [Tensor?]) -> ([Tensor], [Tensor?]) {
    TraceStack.withNewTrace({ JVPTrace(level: $0, name: "jvp") }) { trace in
        let args = zip(primals, tangents).map { p, t -> Tensor in
            guard let t, p.dtype.isFloatingPoint else { return p }
            return Tensor(base: JVPTracer(trace: trace, primal: p, tangent: t))
        }
        let outs = f(args)
        var primalOuts: [Tensor] = [], tangentOuts: [Tensor?] = []
        for o in outs {
            let (p, t) = trace.unpack(o)
            primalOuts.append(p)
            tangentOuts.append(t)
        }
        return (primalOuts, tangentOuts)
    }
}
