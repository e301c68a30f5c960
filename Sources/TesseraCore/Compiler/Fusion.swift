/// The fusion pass: partitions a simplified jaxpr into steps — fused kernels and single
/// primitives — in an order that respects their dependencies.
///
/// - Element-wise primitives (unary, binary, compare, select, conversions) and index-map
///   primitives (broadcast_in_dim, reshape, transpose, slice, rev, iota) fuse: a kernel is
///   rooted at each value that must be stored (a program output, an operand of a non-fusible
///   primitive, a value shared by several kernels that is not cheap to recompute) and
///   inlines its fusible producers up to stored values and program inputs.
/// - A reduction is the root of a kernel whose body (its prologue) is the fused expression
///   of its operand; element-wise consumers of its result over the output space (`sum / n`,
///   `log(sum) + max`) become the kernel's epilogue (the result itself is still stored when
///   something else reads it; a consumer that reads it at other elements, such as a
///   transpose, is a separate kernel).
/// - Independent element-wise kernels over the same index space merge into one kernel with
///   several outputs.
/// - Everything else (`dot_general`, gather, scatter, sort, cumulative ops, pad, concatenate,
///   dynamic slices, threefry, control flow) is a single-primitive step.
public enum Fusion {
    /// A fused kernel and the program variables it reads and writes.
    public struct KernelStep: Sendable {
        /// The kernel.
        public let kernel: Kernel
        /// Program variables bound to the kernel's inputs, in order.
        public let inputs: [JaxprVar]
        /// Program variables bound to the kernel's outputs, in order.
        public let outputs: [JaxprVar]
        /// The fused equations in program order (run one by one by backends without kernels).
        public let equations: [JaxprEquation]
    }

    /// One step of a compiled program.
    public enum Step: Sendable {
        /// A fused kernel.
        case kernel(KernelStep)
        /// One primitive run through the backend's `execute` (or control flow run by the core).
        case primitive(JaxprEquation)
    }

    enum Kind { case elementwise, movement, reduction, opaque }

    static func kind(_ p: Primitive) -> Kind {
        switch p {
        case .unary, .binary, .compare, .select, .convertElementType, .bitcastConvertType, .stopGradient:
            return .elementwise
        case .iota, .broadcastInDim, .reshape, .transpose, .slice, .rev:
            return .movement
        case .reduce:
            return .reduction
        case .convGeneralDilated, .linalg: return .opaque
        case .dynamicSlice, .dynamicUpdateSlice, .pad, .concatenate, .gather, .scatter, .argReduce, .cumulative,
             .sort, .dotGeneral, .threefry2x32, .cond, .whileLoop, .scan, .collective:
            return .opaque
        }
    }

    /// A value read by several kernels is recomputed in each when it takes at most this many
    /// arithmetic operations (recomputing beats a store and reloads), else stored once.
    public static let maxRecomputedOps = 4

    /// Partitions `jaxpr` into steps. With `fuseEpilogues`, element-wise consumers of a
    /// reduction's result join the reduction kernel's epilogue (for backends that declare
    /// `ReductionEpilogueRendering`).
    public static func partition(_ jaxpr: Jaxpr, fuseEpilogues: Bool = true) -> [Step] {
        var forced = Set<ObjectIdentifier>()
        while true {
            do {
                return try attempt(jaxpr, forced: &forced, fuseEpilogues: fuseEpilogues)
            } catch let b as FusionBoundary {
                if !forced.insert(ObjectIdentifier(b.variable)).inserted {
                    preconditionFailure("fusion: no affine index map for the stored value \(b.variable.type)")
                }
            } catch {
                preconditionFailure("fusion: \(error)")
            }
        }
    }

    private static func attempt(_ jaxpr: Jaxpr, forced: inout Set<ObjectIdentifier>, fuseEpilogues: Bool) throws -> [Step] {
        let eqs = jaxpr.equations
        var producerIndex: [ObjectIdentifier: Int] = [:]
        for (i, eq) in eqs.enumerated() { for o in eq.outputs { producerIndex[ObjectIdentifier(o)] = i } }
        func fusible(_ i: Int) -> Bool { kind(eqs[i].primitive) != .opaque }

        // Values that must live in buffers.
        var stored = forced
        for case .variable(let v) in jaxpr.outputs { stored.insert(ObjectIdentifier(v)) }
        for eq in eqs {
            switch kind(eq.primitive) {
            case .opaque:
                for case .variable(let v) in eq.inputs { stored.insert(ObjectIdentifier(v)) }
                for o in eq.outputs { stored.insert(ObjectIdentifier(o)) }
            case .reduction:
                stored.insert(ObjectIdentifier(eq.outputs[0]))
            case .elementwise, .movement:
                break
            }
        }
        func isLeaf(_ v: JaxprVar) -> Bool {
            guard let i = producerIndex[ObjectIdentifier(v)] else { return true }
            return !fusible(i) || stored.contains(ObjectIdentifier(v))
        }

        // Roots and the equations each inlines; values used by several roots are stored
        // unless cheap to recompute (at most `maxRecomputedOps` arithmetic operations).
        var roots: [Int] = []
        var clusters: [[Int]] = []
        while true {
            roots = eqs.indices.filter { fusible($0) && stored.contains(ObjectIdentifier(eqs[$0].outputs[0])) }
            clusters = roots.map { r in cluster(root: r, eqs: eqs, producerIndex: producerIndex, isLeaf: isLeaf) }
            var users: [Int: Int] = [:]
            for c in clusters { for i in c { users[i, default: 0] += 1 } }
            // Store the shared value closest to its consumers first: its own producers are
            // then usually no longer shared.
            let shared = users.filter { i, n in
                guard n > 1, kind(eqs[i].primitive) == .elementwise, !isCheap(eqs[i]) else { return false }
                let cost = cluster(root: i, eqs: eqs, producerIndex: producerIndex, isLeaf: isLeaf)
                    .filter { kind(eqs[$0].primitive) == .elementwise && !isCheap(eqs[$0]) }.count
                return cost > maxRecomputedOps
            }
            guard let last = shared.keys.max() else { break }
            stored.insert(ObjectIdentifier(eqs[last].outputs[0]))
        }

        // Steps in program order: opaque equations and kernel roots.
        var steps: [Pending] = []
        var clusterOf: [Int: [Int]] = [:]
        for (r, c) in zip(roots, clusters) { clusterOf[r] = c }
        func reads(_ reader: Pending, _ writer: Pending) -> Bool {
            Fusion.reads(reader.allMembers, reader.opaque, of: writer.allRoots, eqs)
        }
        for i in eqs.indices {
            if !fusible(i) {
                steps.append(Pending(roots: [], members: [], isReduction: false, indexSpace: [], opaque: i))
                continue
            }
            guard let c = clusterOf[i] else { continue }
            let eq = eqs[i]
            let isReduction = kind(eq.primitive) == .reduction
            let space = isReduction ? eq.inputs[0].type.shape : eq.outputs[0].type.shape
            let this = Pending(roots: [i], members: Set(c), isReduction: isReduction, indexSpace: space, opaque: nil)
            if isReduction {
                steps.append(this)
                continue
            }
            // A consumer of a reduction's result over its output space becomes its epilogue;
            // otherwise merge into an earlier independent kernel over the same index space.
            // Either way no step in between may read the kernel's outputs (it moves here).
            let target = steps.indices.last(where: { j in
                let s = steps[j]
                guard s.opaque == nil, !steps[(j + 1)...].contains(where: { reads($0, s) }) else { return false }
                if s.isReduction {
                    guard fuseEpilogues else { return false }
                    let result = eqs[s.roots[0]].outputs[0]
                    // Same shape up to unit axes (keepDims), so row-major positions line up axis by axis.
                    return result.type.shape.filter { $0 != 1 } == space.filter { $0 != 1 }
                        && Fusion.reads(Set(c), nil, of: s.roots, eqs)
                        && !Fusion.reads(Set(c), nil, of: s.epilogueRoots, eqs)
                }
                return s.indexSpace == space && !reads(this, s)
            })
            if let g = target {
                if steps[g].isReduction {
                    steps[g].epilogueRoots.append(i)
                    steps[g].epilogueMembers.formUnion(c)
                } else {
                    steps[g].roots.append(i)
                    steps[g].members.formUnion(c)
                }
                steps.append(steps.remove(at: g))
            } else {
                steps.append(this)
            }
        }

        // A reduction's result is stored when a program output or any other step reads it,
        // including steps that recompute an equation of its epilogue (a cheap shared value or
        // a broadcast of the result inlined into several kernels).
        let outputVars = Set(jaxpr.outputs.compactMap { if case .variable(let v) = $0 { return ObjectIdentifier(v) } else { return nil } })
        for j in steps.indices where steps[j].isReduction && !steps[j].epilogueRoots.isEmpty {
            let s = steps[j]
            steps[j].resultReadElsewhere = outputVars.contains(ObjectIdentifier(eqs[s.roots[0]].outputs[0]))
                || steps.indices.contains { k in k != j && Fusion.reads(steps[k].allMembers, steps[k].opaque, of: s.roots, eqs) }
        }

        var emitter = Emitter(eqs: eqs, producerIndex: producerIndex) { v in isLeaf(v) ? nil : eqs[producerIndex[ObjectIdentifier(v)]!] }
        var result: [Step] = []
        for s in steps {
            if let o = s.opaque {
                result.append(.primitive(eqs[o]))
            } else {
                result += try emitter.emit(s)
            }
        }
        return result
    }

    /// A step being formed: an opaque equation, or a kernel's roots and fused equations.
    struct Pending {
        var roots: [Int]
        var members: Set<Int>
        var isReduction: Bool
        var indexSpace: [Int]
        var opaque: Int?
        /// Reduction kernels: roots computed in the epilogue, and their fused equations.
        var epilogueRoots: [Int] = []
        var epilogueMembers: Set<Int> = []
        /// Reduction kernels with an epilogue: whether the reduction's result must be stored
        /// (another step or the program's outputs read it).
        var resultReadElsewhere = false

        init(roots: [Int], members: Set<Int>, isReduction: Bool, indexSpace: [Int], opaque: Int?) {
            self.roots = roots
            self.members = members
            self.isReduction = isReduction
            self.indexSpace = indexSpace
            self.opaque = opaque
        }
        var allRoots: [Int] { roots + epilogueRoots }
        var allMembers: Set<Int> { members.union(epilogueMembers) }
    }

    /// Turns pending kernel steps into kernels.
    struct Emitter {
        let eqs: [JaxprEquation]
        let producerIndex: [ObjectIdentifier: Int]
        let producer: (JaxprVar) -> JaxprEquation?
        var kernelNumber = 0

        init(eqs: [JaxprEquation], producerIndex: [ObjectIdentifier: Int],
             producer: @escaping (JaxprVar) -> JaxprEquation?) {
            self.eqs = eqs
            self.producerIndex = producerIndex
            self.producer = producer
        }

        mutating func name() -> String {
            defer { kernelNumber += 1 }
            return "fused_\(kernelNumber)"
        }

        mutating func emit(_ s: Pending) throws -> [Step] {
            guard s.isReduction else {
                let builder = KernelBuilder(indexSpace: s.indexSpace, producer: producer)
                // A root is emitted through its own equation (other kernels load it).
                let stores = try s.roots.enumerated().map { k, r in
                    KernelStore(output: k, value: try builder.emitRoot(eqs[r], map: builder.rowMajor(eqs[r].outputs[0])))
                }
                let rootVars = s.roots.map { eqs[$0].outputs[0] }
                let kernel = Kernel(name: name(), inputs: builder.inputs.vars.map(\.type.strong),
                                    outputs: rootVars.map(\.type.strong), indexSpace: s.indexSpace, body: builder.body,
                                    stores: stores, reduction: nil)
                return [.kernel(KernelStep(kernel: kernel, inputs: builder.inputs.vars, outputs: rootVars,
                                           equations: s.members.sorted().map { eqs[$0] }))]
            }
            do {
                return [try reductionKernel(s, epilogueRoots: s.epilogueRoots)]
            } catch is EpilogueMismatch {
                // The epilogue needs the result at other elements: run it as its own kernel.
                var reduction = s
                reduction.epilogueRoots = []
                reduction.epilogueMembers = []
                var steps = try emit(reduction)
                // One kernel per root shape (the roots may differ in unit axes).
                var shapes: [[Int]] = []
                for r in s.epilogueRoots where !shapes.contains(eqs[r].outputs[0].type.shape) {
                    shapes.append(eqs[r].outputs[0].type.shape)
                }
                for shape in shapes {
                    let roots = s.epilogueRoots.filter { eqs[$0].outputs[0].type.shape == shape }
                    steps += try emit(Pending(roots: roots, members: members(of: roots, within: s.epilogueMembers), isReduction: false,
                                              indexSpace: shape, opaque: nil))
                }
                return steps
            }
        }

        /// A reduction kernel whose epilogue stores the result (when anything else reads it)
        /// and computes `epilogueRoots`.
        mutating func reductionKernel(_ s: Pending, epilogueRoots: [Int]) throws -> Step {
            let eq = eqs[s.roots[0]]
            guard case .reduce(let op, let axes) = eq.primitive else { preconditionFailure("fusion: reduction root") }
            let result = eq.outputs[0]
            let inputs = KernelInputs()
            let body = KernelBuilder(indexSpace: s.indexSpace, inputs: inputs, producer: producer)
            let accumulatorDType = Fusion.accumulatorDType(result.type.dtype)
            var value = try body.emit(eq.inputs[0], body.identity)
            if body.dtype(of: value) != accumulatorDType { value = body.add(.convert(value), accumulatorDType) }
            let epilogue = KernelBuilder(indexSpace: result.type.shape, inputs: inputs,
                                         accumulator: (result, accumulatorDType), producer: producer)
            var outVars: [JaxprVar] = []
            var stores: [KernelStore] = []
            if epilogueRoots.isEmpty {
                // A plain reduction: one output, no epilogue, no stores.
                outVars.append(result)
            } else if s.resultReadElsewhere {
                stores.append(KernelStore(output: 0, value: try epilogue.emit(.variable(result), epilogue.identity)))
                outVars.append(result)
            }
            for r in epilogueRoots {
                let map = epilogue.rowMajor(eqs[r].outputs[0])
                stores.append(KernelStore(output: outVars.count, value: try epilogue.emitRoot(eqs[r], map: map)))
                outVars.append(eqs[r].outputs[0])
            }
            let kernel = Kernel(name: name(), inputs: inputs.vars.map(\.type.strong), outputs: outVars.map(\.type.strong),
                                indexSpace: s.indexSpace, body: body.body, stores: stores,
                                reduction: KernelReduction(op: op, axes: axes.sorted(), value: value,
                                                           accumulatorDType: accumulatorDType),
                                epilogue: epilogue.body)
            return .kernel(KernelStep(kernel: kernel, inputs: inputs.vars, outputs: outVars,
                                      equations: s.allMembers.sorted().map { eqs[$0] }))
        }

        /// The equations of `within` that feed `roots` (and the roots themselves).
        func members(of roots: [Int], within: Set<Int>) -> Set<Int> {
            var seen = Set(roots), stack = roots
            while let i = stack.popLast() {
                for case .variable(let v) in eqs[i].inputs {
                    guard let p = producerIndex[ObjectIdentifier(v)], within.contains(p) else { continue }
                    if seen.insert(p).inserted { stack.append(p) }
                }
            }
            return seen
        }
    }

    /// Equations inlined into the kernel of root `r`: `r` and its fusible producers up to leaves.
    private static func cluster(root r: Int, eqs: [JaxprEquation], producerIndex: [ObjectIdentifier: Int],
                                isLeaf: (JaxprVar) -> Bool) -> [Int] {
        var seen: Set<Int> = [r]
        var stack = [r]
        while let i = stack.popLast() {
            for case .variable(let v) in eqs[i].inputs where !isLeaf(v) {
                let p = producerIndex[ObjectIdentifier(v)]!
                if seen.insert(p).inserted { stack.append(p) }
            }
        }
        return seen.sorted()
    }

    /// Whether a step (its member equations or opaque equation) reads an output of `roots`.
    private static func reads(_ members: Set<Int>, _ opaque: Int?, of roots: [Int], _ eqs: [JaxprEquation]) -> Bool {
        let outs = Set(roots.map { ObjectIdentifier(eqs[$0].outputs[0]) })
        let readers = opaque.map { [$0] } ?? Array(members)
        return readers.contains { i in
            eqs[i].inputs.contains { if case .variable(let v) = $0 { return outs.contains(ObjectIdentifier(v)) } else { return false } }
        }
    }

    /// The dtype a fused reduction of `dtype` values accumulates in: float32 for float16 (as
    /// XLA and the eager reductions do, so that summing 4096 float16 ones gives 4096, not
    /// 2048), else `dtype` itself. The result is converted back once per output element.
    public static func accumulatorDType(_ dtype: DType) -> DType {
        dtype == .float16 ? .float32 : dtype
    }

    /// Conversions and identities are cheap enough to recompute in every kernel using them.
    private static func isCheap(_ eq: JaxprEquation) -> Bool {
        if case .convertElementType = eq.primitive { return true }
        if case .stopGradient = eq.primitive { return true }
        return false
    }
}
