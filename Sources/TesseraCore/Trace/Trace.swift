import Foundation

/// A transformation's interpreter: it receives every primitive applied to its tracers
/// and decides what to do (record it into a jaxpr, push tangents, batch it, ...).
///
/// Traces nest: each active trace has a level; `bind` sends a primitive to the highest
/// level among its operands (JAX's design), so `grad(grad(f))` and `jit(vmap(f))` compose.
open class Trace: @unchecked Sendable {
    /// Depth in the trace stack; higher levels are inner transformations.
    public let level: Int
    /// A human-readable name for messages, e.g. "jit(f)" or "grad".
    public let name: String
    /// False once the transformation that owns the trace has returned.
    public internal(set) var isActive = true

    /// Creates a trace at `level`. Use `TraceStack.withNewTrace` rather than this directly.
    public init(level: Int, name: String) {
        self.level = level
        self.name = name
    }

    /// Wraps a value from a lower level (a concrete tensor, a literal or a lower tracer)
    /// as a tracer of this trace.
    open func lift(_ value: Tensor) -> Tracer {
        fatalError("\(type(of: self)) must override lift(_:)")
    }

    /// Applies `primitive` to operands that are all this trace's tracers.
    open func process(_ primitive: Primitive, _ inputs: [Tracer]) -> [Tensor] {
        fatalError("\(type(of: self)) must override process(_:_:)")
    }

    /// Whether values of this trace are abstract (no value can be read): true for jit
    /// and vmap, false for autodiff traces that carry their primal values.
    open var isAbstract: Bool { true }
}

/// A tensor that stands for a value during a transformation.
open class Tracer: TensorBase, @unchecked Sendable {
    /// The trace that owns this tracer.
    public let trace: Trace

    /// Creates a tracer of `trace` with abstract value `type`.
    public init(trace: Trace, type: ShapedType) {
        self.trace = trace
        super.init(type: type)
    }

    /// The concrete value this tracer stands for, when the trace knows it (autodiff
    /// traces do; jit and vmap do not). Used to read values under eager `grad`.
    open var concreteValue: DeviceArray? { nil }
}

/// The per-thread stack of active traces.
public final class TraceStack: @unchecked Sendable {
    /// Active traces, outermost first.
    public private(set) var traces: [Trace] = []
    /// The innermost trace that stages every operation, even on constants (jit's):
    /// operations on concrete values under `jit` are recorded, not run.
    public private(set) var dynamicTrace: Trace?
    /// Named axes in scope for collectives (`pmap`'s axis), innermost last.
    public internal(set) var namedAxes: [(name: String, size: Int)] = []
    /// The default device chosen with `Device.withDefault` on this thread, if any.
    public internal(set) var defaultDeviceOverride: Device?

    private static let key: pthread_key_t = {
        var k = pthread_key_t()
        pthread_key_create(&k) { ptr in
            if let ptr { Unmanaged<TraceStack>.fromOpaque(ptr).release() }
        }
        return k
    }()

    /// The current thread's stack.
    public static var current: TraceStack {
        if let p = pthread_getspecific(key) {
            return Unmanaged<TraceStack>.fromOpaque(p).takeUnretainedValue()
        }
        let s = TraceStack()
        pthread_setspecific(key, Unmanaged.passRetained(s).toOpaque())
        return s
    }

    /// The next free level.
    public var nextLevel: Int { (traces.last?.level ?? 0) + 1 }

    /// Runs `body` with a new trace pushed; deactivates it afterwards so leaked tracers
    /// are reported. With `dynamic`, operations on non-tracer values go to this trace too.
    public static func withNewTrace<T: Trace, R>(_ make: (Int) -> T, dynamic: Bool = false, _ body: (T) throws -> R) rethrows -> R {
        let stack = current
        let trace = make(stack.nextLevel)
        stack.traces.append(trace)
        let savedDynamic = stack.dynamicTrace
        if dynamic { stack.dynamicTrace = trace }
        defer {
            trace.isActive = false
            stack.traces.removeLast()
            stack.dynamicTrace = savedDynamic
        }
        return try body(trace)
    }

    /// The innermost active trace that is abstract (jit, vmap), for error messages.
    public var innermostAbstractTrace: Trace? { traces.last(where: { $0.isAbstract }) }
}
