/// Vectorising map: `vmap(f)` runs a function written for one example on a batch, as
/// one program over the whole batch (no per-example loop).
///
/// `inAxes` has one entry per argument (or one entry for all of them): the axis of each
/// of the argument's tensors that is mapped over, or `nil` for an argument shared by
/// every example. Negative axes count from the end. `outAxes` is where the batch axis
/// goes in every result (results that do not depend on the mapped axis are broadcast).
///
/// ```swift
/// let matvec: @Sendable (Tensor) -> Tensor = { x in matmul(a, x) }
/// let batched = vmap(matvec)            // [b, n] -> [b, m], one dot_general
/// let perExample = vmap(grad(loss), inAxes: [nil, 0, 0])
/// ```
public func vmap<A: TensorTree, R: TensorTree>(_ f: @escaping @Sendable (A) -> R, inAxes: [Int?] = [0],
                                               outAxes: Int = 0) -> @Sendable (A) -> R {
    { a in
        VmapCore.apply([a.tensors], inAxes: inAxes, outAxes: outAxes) { leaves in
            f(a.replacingTensors(leaves[0]))
        }
    }
}

/// Vectorising map of a function of two arguments; see `vmap(_:inAxes:outAxes:)`.
///
/// ```swift
/// vmap({ (w: Tensor, x: Tensor) in matmul(w, x) }, inAxes: [nil, 0])(w, xs)
/// ```
public func vmap<A: TensorTree, B: TensorTree, R: TensorTree>(_ f: @escaping @Sendable (A, B) -> R, inAxes: [Int?] = [0],
                                                              outAxes: Int = 0) -> @Sendable (A, B) -> R {
    { a, b in
        VmapCore.apply([a.tensors, b.tensors], inAxes: inAxes, outAxes: outAxes) { leaves in
            f(a.replacingTensors(leaves[0]), b.replacingTensors(leaves[1]))
        }
    }
}

/// Vectorising map of a function of three arguments; see `vmap(_:inAxes:outAxes:)`.
///
/// ```swift
/// vmap(grad(loss), inAxes: [nil, 0, 0])(params, xs, ys)   // per-example gradients
/// ```
public func vmap<A: TensorTree, B: TensorTree, C: TensorTree, R: TensorTree>(
    _ f: @escaping @Sendable (A, B, C) -> R, inAxes: [Int?] = [0], outAxes: Int = 0
) -> @Sendable (A, B, C) -> R {
    { a, b, c in
        VmapCore.apply([a.tensors, b.tensors, c.tensors], inAxes: inAxes, outAxes: outAxes) { leaves in
            f(a.replacingTensors(leaves[0]), b.replacingTensors(leaves[1]), c.replacingTensors(leaves[2]))
        }
    }
}

/// The tree-independent part of `vmap`: axis checks, the batch trace, out axes.
enum VmapCore {
    static func apply<R: TensorTree>(_ args: [[Tensor]], inAxes: [Int?], outAxes: Int,
                                     _ body: ([[Tensor]]) -> R) -> R {
        let axes = resolveInAxes(inAxes, args)
        let n = mappedSize(args, axes)
        var result: R?
        let flat = zip(args, axes).flatMap { leaves, leafAxes in zip(leaves, leafAxes).map { BatchedValue($0, $1) } }
        let outs = BatchTrace.run(axisSize: n, flat) { tracers in
            var grouped: [[Tensor]] = [], i = 0
            for leaves in args {
                grouped.append(Array(tracers[i..<(i + leaves.count)]))
                i += leaves.count
            }
            let r = body(grouped)
            result = r
            return r.tensors
        }
        let placed = outs.map { o -> Tensor in
            let rank = o.exampleShape.count + 1
            guard let axis = BatchAxis.normalize(outAxes, rank: rank) else {
                usageError("vmap: outAxes \(outAxes) is out of range for a result of rank \(rank) (per-example shape \(shapeString(o.exampleShape)) plus the mapped axis)")
            }
            return BatchAxis.materialize(o, at: axis, size: n)
        }
        return result!.replacingTensors(placed)
    }

    /// The mapped axis (normalised) of every leaf of every argument, or nil if shared.
    static func resolveInAxes(_ inAxes: [Int?], _ args: [[Tensor]]) -> [[Int?]] {
        let perArgument: [Int?]
        if inAxes.count == args.count {
            perArgument = inAxes
        } else if inAxes.count == 1 {
            perArgument = Array(repeating: inAxes[0], count: args.count)
        } else {
            usageError("vmap: inAxes has \(inAxes.count) entries but the function takes \(args.count) argument(s); give one entry per argument (nil for an unmapped one)")
        }
        return zip(args, perArgument).enumerated().map { i, pair in
            let (leaves, axis) = pair
            return leaves.map { leaf -> Int? in
                guard let axis else { return nil }
                guard let a = BatchAxis.normalize(axis, rank: leaf.rank) else {
                    usageError("vmap: inAxes entry \(axis) for argument \(i) is out of range for a tensor of rank \(leaf.rank) (shape \(shapeString(leaf.shape)))")
                }
                return a
            }
        }
    }

    /// The common size of the mapped axes; stops with a message listing every mapped
    /// argument and its size when they disagree.
    static func mappedSize(_ args: [[Tensor]], _ axes: [[Int?]]) -> Int {
        var entries: [(label: String, size: Int, axis: Int)] = []
        for (i, (leaves, leafAxes)) in zip(args, axes).enumerated() {
            for (j, (leaf, axis)) in zip(leaves, leafAxes).enumerated() {
                guard let axis else { continue }
                let label = leaves.count == 1 ? "argument \(i)" : "argument \(i) (tensor \(j))"
                entries.append((label, leaf.shape[axis], axis))
            }
        }
        guard let first = entries.first else {
            usageError("vmap: no argument is mapped (every inAxes entry is nil, or the mapped arguments hold no tensors); map at least one argument")
        }
        if entries.contains(where: { $0.size != first.size }) {
            let list = entries.map { "\($0.label) has size \($0.size) along axis \($0.axis)" }.joined(separator: ", ")
            usageError("vmap got inconsistent sizes for the mapped axis: \(list)")
        }
        return first.size
    }
}
