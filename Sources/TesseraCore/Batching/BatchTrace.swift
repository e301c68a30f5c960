/// The trace of `vmap`: each of its tracers stands for a batch of `axisSize` values of
/// one per-example type, stored as one tensor whose batch axis is `batchDim` (JAX's
/// `BatchTrace`). Primitives applied to its tracers are rewritten by `BatchingRules`
/// into primitives on the whole batch, so a vmapped function runs as one program.
public final class BatchTrace: Trace, @unchecked Sendable {
    /// The size of the mapped axis.
    public let axisSize: Int

    /// Creates a batch trace; use `TraceStack.withNewTrace`.
    public init(level: Int, name: String = "vmap", axisSize: Int) {
        self.axisSize = axisSize
        super.init(level: level, name: name)
    }

    /// Values from outside the vmap are the same for every example: not batched.
    public override func lift(_ value: Tensor) -> Tracer {
        BatchTracer(trace: self, value: value, batchDim: nil)
    }

    /// Applies the batching rule of `primitive`, or the primitive itself when no operand
    /// is batched.
    public override func process(_ primitive: Primitive, _ inputs: [Tracer]) -> [Tensor] {
        let operands = inputs.map { t -> BatchedValue in
            let b = t as! BatchTracer
            return BatchedValue(b.value, b.batchDim)
        }
        let results: [BatchedValue]
        // Control flow goes to its rule even when unbatched if its sub-programs captured
        // tracers as constants (they may be batched).
        if operands.allSatisfy({ $0.batchDim == nil }) && !TracerConstants.captures(primitive) {
            results = bind(primitive, operands.map(\.value)).map { BatchedValue($0, nil) }
        } else {
            results = BatchingRules.batch(primitive, operands, axisSize: axisSize, trace: self)
        }
        return results.map(wrap)
    }

    /// A tensor of this trace for a batched (or unbatched) value.
    func wrap(_ v: BatchedValue) -> Tensor {
        Tensor(base: BatchTracer(trace: self, value: v.value, batchDim: v.batchDim))
    }

    /// The batched value a result of the traced function stands for: a tracer of this
    /// trace gives its value and batch axis; anything else is the same for every example.
    func unwrap(_ t: Tensor) -> BatchedValue {
        if let b = t.base as? BatchTracer, b.trace === self { return BatchedValue(b.value, b.batchDim) }
        if let tr = t.base as? Tracer, tr.trace.level > level {
            usageError("vmap: a tracer of \(tr.trace.name) escaped into the vmapped function's result")
        }
        return BatchedValue(t, nil)
    }

    /// Runs a per-example function `f` on batched `args` under a new batch trace of
    /// `axisSize`, returning its results with their batch axes (nil: not batched).
    ///
    /// This is the core of `vmap`; batching rules of control flow use it to batch
    /// sub-programs while staging them with `traceToJaxpr`.
    public static func run(axisSize: Int, name: String = "vmap", _ args: [BatchedValue],
                           _ f: ([Tensor]) -> [Tensor]) -> [BatchedValue] {
        TraceStack.withNewTrace({ BatchTrace(level: $0, name: name, axisSize: axisSize) }) { trace in
            let inputs = args.map { $0.batchDim == nil ? $0.value : trace.wrap($0) }
            return f(inputs).map(trace.unwrap)
        }
    }
}

/// A tracer of `vmap`: `value` holds every example, stacked along `batchDim`; its own
/// type is the per-example type. `batchDim == nil` means the value is the same for
/// every example and `value` is that one value.
public final class BatchTracer: Tracer, @unchecked Sendable {
    /// All examples, stacked along `batchDim` (or the shared value).
    public let value: Tensor
    /// The batch axis of `value`, or nil when not batched.
    public let batchDim: Int?

    /// Creates a tracer of `trace`.
    public init(trace: BatchTrace, value: Tensor, batchDim: Int?) {
        self.value = value
        self.batchDim = batchDim
        var type = value.type
        if let d = batchDim {
            precondition(d >= 0 && d < value.rank && value.shape[d] == trace.axisSize,
                         "BatchTracer: batch axis \(d) of \(value.type) does not have size \(trace.axisSize)")
            type.shape.remove(at: d)
        }
        super.init(trace: trace, type: type)
    }
}

/// A tensor holding a batch of values along `batchDim`, or one shared value (`nil`).
public struct BatchedValue: Sendable {
    /// The tensor.
    public var value: Tensor
    /// Its batch axis, nil when not batched.
    public var batchDim: Int?

    /// Pairs a tensor with its batch axis.
    public init(_ value: Tensor, _ batchDim: Int?) {
        self.value = value
        self.batchDim = batchDim
    }

    /// Whether the value differs across the batch.
    public var isBatched: Bool { batchDim != nil }
    /// The per-example shape.
    public var exampleShape: [Int] {
        var s = value.shape
        if let d = batchDim { s.remove(at: d) }
        return s
    }
}
