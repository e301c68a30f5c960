/// Forward-mode rules: for every primitive, its outputs and their tangents from the
/// primal operands and their tangents (`nil` is a symbolic zero).
///
/// One exhaustive `switch` over `Primitive` without `default:` (DESIGN.md core idea 1):
/// a primitive without a JVP rule does not compile. Integer and bool values always have
/// zero tangents (JAX's float0): `convert_element_type` to or from an integer type gives
/// a zero tangent.
public enum JVPRules {
    /// The outputs of `primitive` on `primals` and their tangents.
    public static func jvp(_ primitive: Primitive, primals: [Tensor], tangents: [Tensor?]) -> ([Tensor], [Tensor?]) {
        func primalOut() -> [Tensor] { bind(primitive, primals) }
        /// A primitive linear in operand 0 (other operands are indices or parameters).
        func linearInFirst() -> ([Tensor], [Tensor?]) {
            let outs = primalOut()
            guard let t = tangents[0] else { return (outs, [nil]) }
            return (outs, [bind(primitive, [t] + primals.dropFirst())[0]])
        }
        /// A primitive linear jointly in the operands at `linear` positions.
        func linearIn(_ linear: [Int]) -> ([Tensor], [Tensor?]) {
            let outs = primalOut()
            if linear.allSatisfy({ tangents[$0] == nil }) { return (outs, outs.map { _ in nil }) }
            var args = primals
            for i in linear { args[i] = AutodiffValues.instantiate(tangents[i], primals[i].type.strong) }
            return (outs, bind(primitive, args).map { Optional($0) })
        }
        func zeroTangents() -> ([Tensor], [Tensor?]) {
            let outs = primalOut()
            return (outs, outs.map { _ in nil })
        }

        switch primitive {
        case .unary(let op):
            let y = primalOut()[0]
            guard let t = tangents[0] else { return ([y], [nil]) }
            return ([y], [ElementwiseDerivatives.unary(op, x: primals[0], y: y, t: t)])

        case .binary(let op):
            let out = primalOut()[0]
            let (dx, dy) = ElementwiseDerivatives.binary(op, x: primals[0], y: primals[1], out: out,
                                                         tx: tangents[0], ty: tangents[1])
            switch (dx, dy) {
            case (nil, nil): return ([out], [nil])
            case (let a?, nil): return ([out], [a])
            case (nil, let b?): return ([out], [b])
            case (let a?, let b?): return ([out], [Lax.binary(.add, a, b)])
            }

        case .compare, .bitcastConvertType, .iota, .argReduce, .threefry2x32, .stopGradient:
            return zeroTangents()

        case .select:
            let outs = primalOut()
            if tangents[1] == nil && tangents[2] == nil { return (outs, [nil]) }
            let type = primals[1].type.strong
            return (outs, [Lax.select(primals[0], onTrue: AutodiffValues.instantiate(tangents[2], type),
                                      onFalse: AutodiffValues.instantiate(tangents[1], type))])

        case .convertElementType(let newDType, _):
            if !primals[0].dtype.isFloatingPoint || !newDType.isFloatingPoint { return zeroTangents() }
            return linearInFirst()

        case .broadcastInDim, .reshape, .transpose, .slice, .rev, .dynamicSlice:
            return linearInFirst()

        case .gather(let dn, let sliceSizes, let mode):
            if mode == .clip { return linearInFirst() }
            let outs = primalOut()
            guard let t = tangents[0] else { return (outs, [nil]) }
            return (outs, [StructuralDerivatives.gatherOrZero(t, primals[1], dn, sliceSizes: sliceSizes)])

        case .dynamicUpdateSlice:
            return linearIn([0, 1])

        case .pad:
            return linearIn([0, 1])

        case .concatenate:
            return linearIn(Array(primals.indices))

        case .scatter(let dn, let mode):
            return ([ScatterDerivatives.primal(primals, dn, mode)],
                    [ScatterDerivatives.jvp(primals, tangents, dn, mode)])

        case .reduce(let op, let axes):
            let out = primalOut()[0]
            guard let t = tangents[0], primals[0].dtype.isFloatingPoint else { return ([out], [nil]) }
            return ([out], [ReductionDerivatives.jvp(op, x: primals[0], out: out, t: t, axes: axes)])

        case .cumulative(let op, let axis, let reverse):
            guard let t = tangents[0] else { return (primalOut(), [nil]) }
            if op == .cumsum { return linearInFirst() }
            let (outs, touts) = jvpFlat({ [StructuralDerivatives.prefixScan(op, $0[0], axis: axis, reverse: reverse)] },
                                        primals: primals, tangents: [t])
            return (outs, touts)

        case .sort(let dimension, let isStable, let numKeys):
            if tangents.allSatisfy({ $0 == nil }) { return zeroTangents() }
            let (outs, perm) = StructuralDerivatives.sortWithPermutation(primals, dimension: dimension,
                                                                          isStable: isStable, numKeys: numKeys)
            let touts = tangents.map { t in t.map { StructuralDerivatives.takeAlongAxis($0, perm, axis: dimension) } }
            return (outs, touts)

        case .dotGeneral(let dn, let preferred):
            let out = primalOut()[0]
            var terms: [Tensor] = []
            if let tx = tangents[0] { terms.append(Lax.dotGeneral(tx, primals[1], dn, preferred: preferred)) }
            if let ty = tangents[1] { terms.append(Lax.dotGeneral(primals[0], ty, dn, preferred: preferred)) }
            guard let first = terms.first else { return ([out], [nil]) }
            return ([out], [terms.count == 2 ? Lax.binary(.add, first, terms[1]) : first])

        case .convGeneralDilated(let p): return ConvRules.jvp(p, primals: primals, tangents: tangents)
        case .linalg(let op): return LinalgRules.jvp(op, primals: primals, tangents: tangents)
        case .cond(let branches):
            return ControlFlowDerivatives.condJVP(branches: branches, primals: primals, tangents: tangents)

        case .whileLoop(let cond, let body, let nc, let nb):
            return ControlFlowDerivatives.whileJVP(cond: cond, body: body, condConstCount: nc, bodyConstCount: nb,
                                                   primals: primals, tangents: tangents)

        case .scan(let body, let length, let reverse, let nConsts, let nCarry):
            return ControlFlowDerivatives.scanJVP(body: body, length: length, reverse: reverse, constCount: nConsts,
                                                  carryCount: nCarry, primals: primals, tangents: tangents)

        case .collective(let op, let axisName, let axisSize):
            return CollectiveRules.jvp(op, axisName: axisName, axisSize: axisSize, primals: primals, tangents: tangents)
        }
    }
}

/// Derivatives of the reductions (sum, prod, max, min; and/or have none).
enum ReductionDerivatives {
    /// The tangent of `reduce_op(x)` over `axes`.
    static func jvp(_ op: ReduceOp, x: Tensor, out: Tensor, t: Tensor, axes: [Int]) -> Tensor? {
        switch op {
        case .sum: return Lax.reduce(.sum, t, axes: axes)
        case .prod:
            let others = StructuralDerivatives.productOfOthers(x, axes: axes)
            return Lax.reduce(.sum, Lax.binary(.mul, t, others), axes: axes)
        case .max, .min:
            let weights = tieWeights(x: x, out: out, axes: axes)
            return Lax.reduce(.sum, Lax.binary(.mul, t, weights), axes: axes)
        case .and, .or: return nil
        }
    }

    /// The cotangent of `x` for `reduce_op(x)` over `axes`.
    static func vjp(_ op: ReduceOp, x: Tensor, out: Tensor, ct: Tensor, axes: [Int]) -> Tensor? {
        let kept = (0..<x.rank).filter { !axes.contains($0) }
        let spread = Lax.broadcastInDim(ct, shape: x.shape, dims: kept)
        switch op {
        case .sum: return spread
        case .prod: return Lax.binary(.mul, spread, StructuralDerivatives.productOfOthers(x, axes: axes))
        case .max, .min: return Lax.binary(.mul, spread, tieWeights(x: x, out: out, axes: axes))
        case .and, .or: return nil
        }
    }

    /// 1/count where `x` equals the extremum, 0 elsewhere: ties share the derivative
    /// equally, as JAX's rule for reduce_max/reduce_min.
    static func tieWeights(x: Tensor, out: Tensor, axes: [Int]) -> Tensor {
        let kept = (0..<x.rank).filter { !axes.contains($0) }
        let at = Lax.compare(.eq, x, Lax.broadcastInDim(out, shape: x.shape, dims: kept))
        let indicator = Lax.convert(at, to: x.dtype)
        let counts = Lax.reduce(.sum, indicator, axes: axes)
        return Lax.binary(.div, indicator, Lax.broadcastInDim(counts, shape: x.shape, dims: kept))
    }
}
