/// Batching (vmap) rules: for a primitive applied to operands with batch axes, the
/// primitives on whole batches that compute it for every example at once, with the
/// batch axes of the results.
///
/// One exhaustive switch over `Primitive` without `default:`: a primitive without a
/// batching rule does not compile. Rules are written with `Lax` only and never loop over
/// the examples: `dot_general` becomes a batched `dot_general`, batched indices of
/// `dynamic_slice` become a `gather` with batching dimensions, and so on (JAX's rules).
public enum BatchingRules {
    /// The batched results of `primitive` on `operands`, of which at least one is batched,
    /// for a batch of `axisSize` examples. `trace` is the batch trace doing the work (the
    /// control-flow rules evaluate sub-programs with its tracers).
    public static func batch(_ primitive: Primitive, _ operands: [BatchedValue], axisSize n: Int,
                             trace: BatchTrace) -> [BatchedValue] {
        let xs = operands
        switch primitive {
        case .unary, .convertElementType, .bitcastConvertType, .stopGradient:
            // Elementwise on one operand: the batch axis stays where it is.
            return [BatchedValue(bind1(primitive, xs[0].value), xs[0].batchDim)]

        case .binary, .compare, .select, .threefry2x32:
            return elementwise(primitive, xs, n)

        case .iota:
            // No operands, so never batched: the same value for every example.
            return bind(primitive, xs.map(\.value)).map { BatchedValue($0, nil) }

        case .broadcastInDim(let shape, let dims):
            let x = BatchAxis.materialize(xs[0], at: 0, size: n)
            return [BatchedValue(Lax.broadcastInDim(x, shape: [n] + shape, dims: [0] + dims.map { $0 + 1 }), 0)]

        case .reshape(let newSizes):
            let x = BatchAxis.materialize(xs[0], at: 0, size: n)
            return [BatchedValue(Lax.reshape(x, [n] + newSizes), 0)]

        case .transpose(let perm):
            let x = BatchAxis.materialize(xs[0], at: 0, size: n)
            return [BatchedValue(Lax.transpose(x, [0] + perm.map { $0 + 1 }), 0)]

        case .slice(var start, var limit, var strides):
            let x = BatchAxis.materialize(xs[0], at: 0, size: n)
            start.insert(0, at: 0)
            limit.insert(n, at: 0)
            strides.insert(1, at: 0)
            return [BatchedValue(Lax.slice(x, start: start, limit: limit, strides: strides), 0)]

        case .dynamicSlice(let sizes):
            return [IndexingBatching.dynamicSlice(xs[0], starts: Array(xs.dropFirst()), sizes: sizes, n)]

        case .dynamicUpdateSlice:
            return [IndexingBatching.dynamicUpdateSlice(xs[0], xs[1], starts: Array(xs.dropFirst(2)), n)]

        case .pad(let config):
            return [pad(xs[0], xs[1], config, n)]

        case .concatenate(let dimension):
            let parts = xs.map { BatchAxis.materialize($0, at: 0, size: n) }
            return [BatchedValue(Lax.concatenate(parts, axis: dimension + 1), 0)]

        case .rev(let dims):
            let x = BatchAxis.materialize(xs[0], at: 0, size: n)
            return [BatchedValue(Lax.rev(x, axes: dims.map { $0 + 1 }), 0)]

        case .gather(let dn, let sliceSizes, let mode):
            return [IndexingBatching.gather(xs[0], xs[1], dn, sliceSizes: sliceSizes, mode: mode, n)]

        case .scatter(let dn, let mode):
            return [IndexingBatching.scatter(xs[0], xs[1], xs[2], dn, mode: mode, n)]

        case .reduce(let op, let axes):
            let d = xs[0].batchDim ?? 0
            let x = BatchAxis.materialize(xs[0], at: d, size: n)
            let out = Lax.reduce(op, x, axes: axes.map { BatchAxis.axis($0, skipping: d) })
            return [BatchedValue(out, d - axes.filter { $0 < d }.count)]

        case .argReduce(let op, let axis, let indexDType):
            let d = xs[0].batchDim ?? 0
            let x = BatchAxis.materialize(xs[0], at: d, size: n)
            let out = Lax.argReduce(op, x, axis: BatchAxis.axis(axis, skipping: d), indexDType: indexDType)
            return [BatchedValue(out, axis < d ? d - 1 : d)]

        case .cumulative(let op, let axis, let reverse):
            let d = xs[0].batchDim ?? 0
            let x = BatchAxis.materialize(xs[0], at: d, size: n)
            return [BatchedValue(Lax.cumulative(op, x, axis: BatchAxis.axis(axis, skipping: d), reverse: reverse), d)]

        case .sort(let dimension, let isStable, let numKeys):
            let parts = xs.map { BatchAxis.materialize($0, at: 0, size: n) }
            return Lax.sort(parts, dimension: dimension + 1, isStable: isStable, numKeys: numKeys)
                .map { BatchedValue($0, 0) }

        case .dotGeneral(let dn, let preferred):
            return [dotGeneral(xs[0], xs[1], dn, preferred: preferred, n)]
        case .convGeneralDilated(let p): return ConvBatching.batch(p, xs, n)
        case .linalg(let op): return LinalgRules.batch(op, xs, n)

        case .cond(let branches):
            return ControlFlowBatching.cond(branches: branches, xs, n, trace: trace)

        case .whileLoop(let cond, let body, let condConstCount, let bodyConstCount):
            return ControlFlowBatching.whileLoop(cond: cond, body: body, condConstCount: condConstCount,
                                                 bodyConstCount: bodyConstCount, xs, n, trace: trace)

        case .scan(let body, let length, let reverse, let constCount, let carryCount):
            return ControlFlowBatching.scan(body: body, length: length, reverse: reverse, constCount: constCount,
                                            carryCount: carryCount, xs, n, trace: trace)

        case .collective(let op, let axisName, let axisSize):
            return CollectiveRules.batch(op, axisName: axisName, axisSize: axisSize, xs, batchSize: n)
        }
    }

    /// Elementwise operations of several operands of one per-example shape (and
    /// `select`'s predicate, which may be a scalar): batch axes are moved to a common
    /// position and unbatched operands are broadcast along it.
    static func elementwise(_ primitive: Primitive, _ xs: [BatchedValue], _ n: Int) -> [BatchedValue] {
        let exampleShape = xs.max(by: { $0.exampleShape.count < $1.exampleShape.count })!.exampleShape
        let target = Swift.min(xs.first(where: \.isBatched)?.batchDim ?? 0, exampleShape.count)
        var fullShape = exampleShape
        fullShape.insert(n, at: target)
        let args = xs.map { v -> Tensor in
            if v.exampleShape.count < exampleShape.count {
                // A scalar predicate of `select`: keep it scalar if shared, else spread it.
                guard v.isBatched else { return v.value }
                return Lax.broadcastInDim(v.value, shape: fullShape, dims: [target])
            }
            return BatchAxis.materialize(v, at: target, size: n)
        }
        return bind(primitive, args).map { BatchedValue($0, target) }
    }

    /// `pad`: a shared padding value pads the batch as one tensor; a batched padding value
    /// pads with zeros and selects each example's value outside the original elements.
    static func pad(_ x: BatchedValue, _ value: BatchedValue, _ config: [PadConfig], _ n: Int) -> BatchedValue {
        let xb = BatchAxis.materialize(x, at: 0, size: n)
        let batchedConfig = [PadConfig(low: 0, high: 0)] + config
        guard value.isBatched else {
            return BatchedValue(Lax.pad(xb, value.value, batchedConfig), 0)
        }
        let padded = Lax.pad(xb, Lax.scalar(0, xb.dtype), batchedConfig)
        let inside = Lax.pad(Lax.full(1, shape: x.exampleShape, dtype: .bool), Lax.scalar(0, .bool), config)
        let outShape = padded.shape
        let mask = Lax.broadcastInDim(inside, shape: outShape, dims: Array(1..<outShape.count))
        let fill = Lax.broadcastInDim(BatchAxis.materialize(value, at: 0, size: n), shape: outShape, dims: [0])
        return BatchedValue(Lax.select(mask, onTrue: padded, onFalse: fill), 0)
    }

    /// `dot_general`: with both operands batched, the batch axis becomes a dot_general
    /// batch dimension; with one, it is a free axis of that operand. Never a loop.
    static func dotGeneral(_ lhs: BatchedValue, _ rhs: BatchedValue, _ dn: DotDimensionNumbers,
                           preferred: DType?, _ n: Int) -> BatchedValue {
        func shift(_ axes: [Int], _ d: Int) -> [Int] { axes.map { BatchAxis.axis($0, skipping: d) } }
        func free(rank: Int, _ contracting: [Int], _ batch: [Int]) -> [Int] {
            (0..<rank).filter { !contracting.contains($0) && !batch.contains($0) }
        }
        switch (lhs.batchDim, rhs.batchDim) {
        case (let l?, let r?):
            let a = BatchAxis.moveAxis(lhs.value, from: l, to: 0), b = BatchAxis.moveAxis(rhs.value, from: r, to: 0)
            let dims = DotDimensionNumbers(lhsContracting: shift(dn.lhsContracting, 0), rhsContracting: shift(dn.rhsContracting, 0),
                                           lhsBatch: [0] + shift(dn.lhsBatch, 0), rhsBatch: [0] + shift(dn.rhsBatch, 0))
            return BatchedValue(Lax.dotGeneral(a, b, dims, preferred: preferred), 0)
        case (let l?, nil):
            let dims = DotDimensionNumbers(lhsContracting: shift(dn.lhsContracting, l), rhsContracting: dn.rhsContracting,
                                           lhsBatch: shift(dn.lhsBatch, l), rhsBatch: dn.rhsBatch)
            let lhsFree = free(rank: lhs.value.rank, dims.lhsContracting, dims.lhsBatch)
            let out = Lax.dotGeneral(lhs.value, rhs.value, dims, preferred: preferred)
            return BatchedValue(out, dims.lhsBatch.count + lhsFree.firstIndex(of: l)!)
        case (nil, let r?):
            let dims = DotDimensionNumbers(lhsContracting: dn.lhsContracting, rhsContracting: shift(dn.rhsContracting, r),
                                           lhsBatch: dn.lhsBatch, rhsBatch: shift(dn.rhsBatch, r))
            let lhsFree = free(rank: lhs.value.rank, dims.lhsContracting, dims.lhsBatch)
            let rhsFree = free(rank: rhs.value.rank, dims.rhsContracting, dims.rhsBatch)
            if dims.lhsBatch.isEmpty && rhsFree == [r] {
                // A matrix-vector product over a batch of vectors: contracting with the
                // batch as lhs gives the batch axis first, as one matmul (no transpose).
                let swapped = DotDimensionNumbers(lhsContracting: dims.rhsContracting, rhsContracting: dims.lhsContracting)
                return BatchedValue(Lax.dotGeneral(rhs.value, lhs.value, swapped, preferred: preferred), 0)
            }
            let out = Lax.dotGeneral(lhs.value, rhs.value, dims, preferred: preferred)
            return BatchedValue(out, dims.lhsBatch.count + lhsFree.count + rhsFree.firstIndex(of: r)!)
        case (nil, nil):
            return BatchedValue(Lax.dotGeneral(lhs.value, rhs.value, dn, preferred: preferred), nil)
        }
    }
}
