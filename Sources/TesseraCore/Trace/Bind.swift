/// Applies a primitive to operands: the single entry point of every operation.
///
/// If any operand is a tracer (or a staging trace such as `jit`'s is active), the
/// primitive goes to the highest-level trace; otherwise it runs eagerly on the
/// operands' device through the backend's direct `execute` path.
///
/// ```swift
/// let y = bind(.unary(.exp), [x])[0]
/// ```
public func bind(_ primitive: Primitive, _ args: [Tensor]) -> [Tensor] {
    let stack = TraceStack.current
    var top: Trace? = stack.dynamicTrace
    for a in args {
        guard let t = a.base as? Tracer else { continue }
        let trace = t.trace
        if !trace.isActive {
            usageError("\(printedName(primitive)): an operand is a tracer of \(trace.name), which has already returned (a leaked tracer). Values computed inside a transformation must be returned from it, not stored outside and reused.")
        }
        if top == nil || trace.level > top!.level { top = trace }
    }
    guard let top else { return Eager.apply(primitive, args) }
    let tracers = args.map { top.fullRaise($0) }
    return top.process(primitive, tracers)
}

/// `bind` for a primitive with one result.
@inlinable
public func bind1(_ primitive: Primitive, _ args: Tensor...) -> Tensor {
    bind(primitive, args)[0]
}

extension Trace {
    /// `value` as a tracer of this trace: itself if it already is one, lifted otherwise.
    public func fullRaise(_ value: Tensor) -> Tracer {
        if let t = value.base as? Tracer {
            if t.trace === self { return t }
            if t.trace.level > level {
                usageError("a tracer of \(t.trace.name) (level \(t.trace.level)) reached the outer transformation \(name) (level \(level)): a value escaped its transformation")
            }
        }
        return lift(value)
    }
}
