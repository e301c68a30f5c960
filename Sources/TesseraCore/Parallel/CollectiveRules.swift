/// Differentiation and batching rules of the collectives (called from the exhaustive
/// rule switches). They bind collectives themselves, so they run inside `pmap`'s trace,
/// where the named axis is in scope.
enum CollectiveRules {
    /// Outputs and tangents of a collective.
    static func jvp(_ op: CollectiveOp, axisName: String, axisSize n: Int, primals: [Tensor],
                    tangents: [Tensor?]) -> ([Tensor], [Tensor?]) {
        let p = Primitive.collective(op, axisName: axisName, axisSize: n)
        let outs = bind(p, primals)
        switch op {
        case .axisIndex:
            return (outs, [nil])
        case .psum, .allGather, .ppermute:
            // Linear: the tangent goes through the same collective.
            guard let t = tangents[0], primals[0].dtype.isFloatingPoint else { return (outs, [nil]) }
            return (outs, [bind1(p, t)])
        case .pmax, .pmin:
            guard let t = tangents[0], primals[0].dtype.isFloatingPoint else { return (outs, [nil]) }
            let (mask, ties) = winners(primals[0], outs[0], axisName: axisName, n: n)
            let share = Lax.binary(.div, Lax.binary(.mul, t, mask), ties)
            return (outs, [bind1(.collective(.psum, axisName: axisName, axisSize: n), share)])
        }
    }

    /// Cotangent of a collective's operand (JAX's transposes: psum's is psum).
    static func vjp(_ op: CollectiveOp, axisName: String, axisSize n: Int, inputs: [Tensor], outputs: [Tensor],
                    cotangent: Tensor?, needs: [Bool]) -> [Tensor?] {
        guard let ct = cotangent, needs.first == true, inputs[0].dtype.isFloatingPoint else {
            return inputs.map { _ in nil }
        }
        let psumP = Primitive.collective(.psum, axisName: axisName, axisSize: n)
        switch op {
        case .axisIndex:
            return []
        case .psum:
            return [bind1(psumP, ct)]
        case .pmax, .pmin:
            let (mask, ties) = winners(inputs[0], outputs[0], axisName: axisName, n: n)
            return [Lax.binary(.div, Lax.binary(.mul, bind1(psumP, ct), mask), ties)]
        case .allGather(let axis):
            // Every device's slice `i` of the gathered cotangent belongs to device i.
            let total = bind1(psumP, ct)
            let index = bind(.collective(.axisIndex, axisName: axisName, axisSize: n), [])[0]
            var starts = [Tensor](repeating: Tensor(Int32(0)), count: total.rank)
            starts[axis] = index
            var sizes = total.shape
            sizes[axis] = 1
            let slice = Lax.dynamicSlice(total, starts: starts, sizes: sizes)
            return [Lax.reshape(slice, inputs[0].shape)]
        case .ppermute(let pairs):
            let inverse = pairs.map { CollectivePair(source: $0.target, target: $0.source) }
            return [bind1(.collective(.ppermute(pairs: inverse), axisName: axisName, axisSize: n), ct)]
        }
    }

    /// Batching over another (vmap) axis inside pmap: the collective acts elementwise
    /// across devices, so the batch axis stays (all_gather's new axis shifts past it).
    static func batch(_ op: CollectiveOp, axisName: String, axisSize n: Int, _ xs: [BatchedValue],
                      batchSize: Int) -> [BatchedValue] {
        switch op {
        case .axisIndex:
            return [BatchedValue(bind(.collective(op, axisName: axisName, axisSize: n), [])[0], nil)]
        case .psum, .pmax, .pmin, .ppermute:
            return [BatchedValue(bind1(.collective(op, axisName: axisName, axisSize: n), xs[0].value), xs[0].batchDim)]
        case .allGather(let axis):
            let x = BatchAxis.materialize(xs[0], at: 0, size: batchSize)
            let out = bind1(.collective(.allGather(axis: axis + 1), axisName: axisName, axisSize: n), x)
            return [BatchedValue(out, 0)]
        }
    }

    /// 1 where this device holds the extremum, and the number of devices that do.
    private static func winners(_ x: Tensor, _ out: Tensor, axisName: String, n: Int) -> (Tensor, Tensor) {
        let mask = Lax.convert(Lax.compare(.eq, x, out), to: x.dtype)
        let ties = bind1(.collective(.psum, axisName: axisName, axisSize: n), mask)
        return (mask, ties)
    }

    /// The printed parameters.
    static func params(_ op: CollectiveOp, axisName: String) -> [(String, String)] {
        switch op {
        case .psum, .pmax, .pmin:
            return [("axes", "('\(axisName)',)"), ("axis_index_groups", "None")]
        case .allGather(let axis):
            return [("all_gather_dimension", "\(axis)"), ("axis_name", "'\(axisName)'"), ("tiled", "False")]
        case .ppermute(let pairs):
            let ps = pairs.map { "(\($0.source), \($0.target))" }.joined(separator: ", ")
            return [("axis_name", "'\(axisName)'"), ("perm", "(\(ps)\(pairs.count == 1 ? "," : ""))")]
        case .axisIndex:
            return [("axis_name", "'\(axisName)'")]
        }
    }
}
