/// The fusion pass: partitions a simplified jaxpr into steps — fused kernels and single
/// primitives — in an order that respects their dependencies.
///
/// - Element-wise primitives (unary, binary, compare, select, conversions) and index-map
///   primitives (broadcast_in_dim, reshape, transpose, slice, rev, iota) fuse: a kernel is
///   rooted at each value that must be stored (a program output, an operand of a non-fusible
///   primitive, a value shared by several kernels that is not cheap to recompute) and
///   inlines its fusible producers up to stored values and program inputs.
/// - A reduction is the root of a kernel whose body (its prologue) is the fused expression
///   of its operand.
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
        case kernel(KernelStep)
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

    /// Partitions `jaxpr` into steps.
    public static func partition(_ jaxpr: Jaxpr) -> [Step] {
        var forced = Set<ObjectIdentifier>()
        while true {
            do {
                return try attempt(jaxpr, forced: &forced)
            } catch let b as FusionBoundary {
                forced.insert(ObjectIdentifier(b.variable))
            } catch {
                preconditionFailure("fusion: \(error)")
            }
        }
    }

    private static func attempt(_ jaxpr: Jaxpr, forced: inout Set<ObjectIdentifier>) throws -> [Step] {
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
        // unless cheap to recompute.
        var roots: [Int] = []
        var clusters: [[Int]] = []
        while true {
            roots = eqs.indices.filter { fusible($0) && stored.contains(ObjectIdentifier(eqs[$0].outputs[0])) }
            clusters = roots.map { r in cluster(root: r, eqs: eqs, producerIndex: producerIndex, isLeaf: isLeaf) }
            var users: [Int: Int] = [:]
            for c in clusters { for i in c { users[i, default: 0] += 1 } }
            // Store the shared value closest to its consumers first: its own producers are
            // then usually no longer shared.
            let shared = users.filter { i, n in n > 1 && kind(eqs[i].primitive) == .elementwise && !isCheap(eqs[i]) }
            guard let last = shared.keys.max() else { break }
            stored.insert(ObjectIdentifier(eqs[last].outputs[0]))
        }

        // Steps in program order: opaque equations and kernel roots.
        struct Pending {
            var position: Int
            var roots: [Int]
            var members: Set<Int>
            var isReduction: Bool
            var indexSpace: [Int]
            var opaque: Int?
        }
        var steps: [Pending] = []
        var clusterOf: [Int: [Int]] = [:]
        for (r, c) in zip(roots, clusters) { clusterOf[r] = c }
        for i in eqs.indices {
            if !fusible(i) {
                steps.append(Pending(position: i, roots: [], members: [], isReduction: false, indexSpace: [], opaque: i))
            } else if let c = clusterOf[i] {
                let eq = eqs[i]
                let isReduction = kind(eq.primitive) == .reduction
                let space = isReduction ? eq.inputs[0].type.shape : eq.outputs[0].type.shape
                // Merge into an earlier independent kernel over the same index space when no
                // step in between (nor this one) reads that kernel's outputs.
                if !isReduction, let g = steps.indices.last(where: { j in
                    steps[j].opaque == nil && !steps[j].isReduction && steps[j].indexSpace == space
                        && !steps[(j + 1)...].contains(where: { reads($0.members, $0.opaque, of: steps[j].roots, eqs) })
                        && !reads(Set(c), nil, of: steps[j].roots, eqs)
                }) {
                    steps[g].roots.append(i)
                    steps[g].members.formUnion(c)
                    let moved = steps.remove(at: g)
                    steps.append(moved)
                } else {
                    steps.append(Pending(position: i, roots: [i], members: Set(c), isReduction: isReduction,
                                         indexSpace: space, opaque: nil))
                }
            }
        }

        var result: [Step] = []
        var kernelNumber = 0
        for s in steps {
            if let o = s.opaque {
                result.append(.primitive(eqs[o]))
                continue
            }
            let builder = KernelBuilder(indexSpace: s.indexSpace) { v in
                isLeaf(v) ? nil : eqs[producerIndex[ObjectIdentifier(v)]!]
            }
            let rootVars = s.roots.map { eqs[$0].outputs[0] }
            var stores: [KernelStore] = []
            var reduction: KernelReduction?
            if s.isReduction {
                let eq = eqs[s.roots[0]]
                guard case .reduce(let op, let axes) = eq.primitive else { preconditionFailure("fusion: reduction root") }
                let value = try builder.emit(eq.inputs[0], builder.identity)
                let outType = eq.outputs[0].type.dtype
                let acc = outType
                reduction = KernelReduction(op: op, axes: axes.sorted(), value: value, accumulatorDType: acc)
            } else {
                for (k, r) in s.roots.enumerated() {
                    // A root is emitted through its own equation (other kernels load it).
                    stores.append(KernelStore(output: k, value: try builder.emitRoot(eqs[r])))
                }
            }
            let kernel = Kernel(name: "fused_\(kernelNumber)", inputs: builder.inputs.map(\.type.strong),
                                outputs: rootVars.map(\.type.strong), indexSpace: s.indexSpace, body: builder.body,
                                stores: stores, reduction: reduction)
            kernelNumber += 1
            result.append(.kernel(KernelStep(kernel: kernel, inputs: builder.inputs, outputs: rootVars,
                                             equations: s.members.sorted().map { eqs[$0] })))
        }
        return result
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

    /// Conversions and identities are cheap enough to recompute in every kernel using them.
    private static func isCheap(_ eq: JaxprEquation) -> Bool {
        if case .convertElementType = eq.primitive { return true }
        if case .stopGradient = eq.primitive { return true }
        return false
    }
}
