/// The reverse-mode trace of `grad`, `vjp` and `jacrev`: a tape (as PyTorch and MLX keep).
///
/// Each tracer holds its primal value and the id of the tape variable it stands for.
/// `process` computes the outputs by binding the primitive on the primals (so outer
/// traces, such as `jit` or an outer `grad`, see the computation) and appends a node with
/// the primitive, its primal inputs and outputs. `backward` walks the tape in reverse and
/// calls the VJP rules, which are written with `Lax` ops and therefore are themselves
/// traced by any outer trace: `grad(grad(grad(f)))` needs no special code.
public final class ReverseTrace: Trace, @unchecked Sendable {
    /// One recorded operation.
    struct Node {
        /// The primitive, or nil for a custom rule (`customVJP`, `customJVP`).
        let primitive: Primitive?
        /// A custom pullback from output cotangents to input cotangents.
        let custom: (([Tensor?]) -> [Tensor?])?
        let inputs: [Tensor]
        /// Tape variable of each input, -1 when it does not depend on the differentiated inputs.
        let inputIDs: [Int]
        let outputs: [Tensor]
        /// Tape variable of each output, -1 when it carries no derivative (integer outputs).
        let outputIDs: [Int]
    }

    private(set) var nodes: [Node] = []
    /// Type of each tape variable, indexed by id.
    private(set) var variableTypes: [ShapedType] = []

    /// Autodiff tracers carry their primal values, so they are not abstract.
    public override var isAbstract: Bool { false }

    /// A value from outside the differentiated function: a constant with no tape variable.
    public override func lift(_ value: Tensor) -> Tracer {
        ReverseTracer(trace: self, primal: value, id: -1)
    }

    /// A new tape variable for a differentiated input (or the output of a node).
    func newVariable(_ primal: Tensor) -> Tensor {
        let id = variableTypes.count
        variableTypes.append(primal.type)
        return Tensor(base: ReverseTracer(trace: self, primal: primal, id: id))
    }

    /// Whether a primitive's outputs can carry a derivative at all.
    private static func hasDerivative(_ primitive: Primitive) -> Bool {
        switch primitive {
        case .compare, .bitcastConvertType, .iota, .argReduce, .threefry2x32, .stopGradient: return false
        case .convGeneralDilated, .linalg: return true
        case .unary, .binary, .select, .convertElementType, .broadcastInDim, .reshape, .transpose, .slice,
             .dynamicSlice, .dynamicUpdateSlice, .pad, .concatenate, .rev, .gather, .scatter, .reduce,
             .cumulative, .sort, .dotGeneral, .cond, .whileLoop, .scan, .collective:
            return true
        }
    }

    /// Binds `primitive` on the primals and records a tape node when an input is tracked.
    public override func process(_ primitive: Primitive, _ inputs: [Tracer]) -> [Tensor] {
        var primals: [Tensor] = []
        var ids: [Int] = []
        primals.reserveCapacity(inputs.count)
        ids.reserveCapacity(inputs.count)
        var tracked = false
        for input in inputs {
            let t = unsafeDowncast(input, to: ReverseTracer.self)
            primals.append(t.primal)
            ids.append(t.id)
            if t.id >= 0 { tracked = true }
        }
        let outs = bind(primitive, primals)
        guard tracked, Self.hasDerivative(primitive) else { return outs }
        return record(primitive: primitive, custom: nil, inputs: primals, inputIDs: ids, outputs: outs)
    }

    /// Appends a node and returns its outputs as tracers (floating-point outputs only).
    func record(primitive: Primitive?, custom: (([Tensor?]) -> [Tensor?])?, inputs: [Tensor], inputIDs: [Int],
                outputs: [Tensor]) -> [Tensor] {
        var outIDs: [Int] = []
        outIDs.reserveCapacity(outputs.count)
        var results: [Tensor] = []
        results.reserveCapacity(outputs.count)
        for o in outputs {
            if o.dtype.isFloatingPoint {
                let v = newVariable(o)
                outIDs.append(unsafeDowncast(v.base, to: ReverseTracer.self).id)
                results.append(v)
            } else {
                outIDs.append(-1)
                results.append(o)
            }
        }
        if outIDs.allSatisfy({ $0 < 0 }) { return outputs }
        nodes.append(Node(primitive: primitive, custom: custom, inputs: inputs, inputIDs: inputIDs,
                          outputs: outputs, outputIDs: outIDs))
        return results
    }

    /// The primal and tape id (-1 if none) of `value` in this trace.
    func unpack(_ value: Tensor) -> (Tensor, Int) {
        if let t = value.base as? ReverseTracer, t.trace === self { return (t.primal, t.id) }
        return (value, -1)
    }

    /// Runs the tape backwards from cotangents `seeds` of the variables `outputIDs` and
    /// returns the cotangents of the variables `inputIDs` (nil where zero).
    func backward(outputIDs: [Int], seeds: [Tensor?], inputIDs: [Int]) -> [Tensor?] {
        var cts = [Tensor?](repeating: nil, count: variableTypes.count)
        func accumulate(_ id: Int, _ ct: Tensor) {
            let type = variableTypes[id]
            var c = ct
            if c.dtype != type.dtype { c = Lax.convert(c, to: type.dtype) }
            if c.shape != type.shape {
                usageError("internal error: cotangent \(c.type) for a value of type \(type)")
            }
            if let existing = cts[id] { cts[id] = Lax.binary(.add, existing, c) } else { cts[id] = c }
        }
        for (id, seed) in zip(outputIDs, seeds) where id >= 0 {
            if let seed { accumulate(id, seed) }
        }
        let lowest = inputIDs.filter { $0 >= 0 }.min() ?? Int.max
        for node in nodes.reversed() {
            if let first = node.outputIDs.first(where: { $0 >= 0 }), first < lowest { break }
            var outCts: [Tensor?] = []
            outCts.reserveCapacity(node.outputIDs.count)
            var any = false
            for id in node.outputIDs {
                let c = id >= 0 ? cts[id] : nil
                if c != nil { any = true }
                outCts.append(c)
            }
            if !any { continue }
            for id in node.outputIDs where id >= 0 && !inputIDs.contains(id) { cts[id] = nil }
            let inCts: [Tensor?]
            if let custom = node.custom {
                inCts = custom(outCts)
            } else {
                let needs = node.inputIDs.map { $0 >= 0 }
                inCts = VJPRules.vjp(node.primitive!, inputs: node.inputs, outputs: node.outputs,
                                     cotangents: outCts, needs: needs)
            }
            for (id, c) in zip(node.inputIDs, inCts) where id >= 0 {
                if let c { accumulate(id, c) }
            }
        }
        return inputIDs.map { $0 >= 0 ? cts[$0] : nil }
    }
}

/// A value under `grad`/`vjp`: its primal and the tape variable it stands for (-1 when it
/// does not depend on the differentiated inputs).
///
/// When the primal is concrete, eager code can read it, as JAX allows Python control flow
/// under `grad`.
public final class ReverseTracer: Tracer, @unchecked Sendable {
    /// The value.
    public let primal: Tensor
    /// The tape variable, or -1.
    let id: Int

    init(trace: ReverseTrace, primal: Tensor, id: Int) {
        self.primal = primal
        self.id = id
        super.init(trace: trace, type: primal.type)
    }

    /// The primal's value when it is concrete (nil under jit or vmap).
    public override var concreteValue: DeviceArray? { AutodiffValues.concrete(primal) }
}

/// Reverse mode on flat lists: records `f` applied to `primals` (differentiating those
/// marked in `wrt`) and returns its outputs and a pullback from output cotangents (nil for
/// zero) to input cotangents (nil for zero or not differentiated).
func vjpFlat(_ f: ([Tensor]) -> [Tensor], primals: [Tensor], wrt: [Bool]) -> ([Tensor], ([Tensor?]) -> [Tensor?]) {
    TraceStack.withNewTrace({ ReverseTrace(level: $0, name: "vjp") }) { trace in
        var inputIDs: [Int] = []
        let args = zip(primals, wrt).map { p, w -> Tensor in
            guard w, p.dtype.isFloatingPoint else { inputIDs.append(-1); return p }
            let v = trace.newVariable(p)
            inputIDs.append(unsafeDowncast(v.base, to: ReverseTracer.self).id)
            return v
        }
        let outs = f(args)
        var primalOuts: [Tensor] = [], outIDs: [Int] = []
        for o in outs {
            let (p, id) = trace.unpack(o)
            primalOuts.append(p)
            outIDs.append(id)
        }
        let pullback: ([Tensor?]) -> [Tensor?] = { seeds in
            precondition(seeds.count == outIDs.count, "pullback: \(seeds.count) cotangents for \(outIDs.count) outputs")
            return trace.backward(outputIDs: outIDs, seeds: seeds, inputIDs: inputIDs)
        }
        return (primalOuts, pullback)
    }
}
