/// Derivatives of `scatter` in each combining mode, as JAX's rules.
///
/// `set` handles duplicate indices by finding which update the scatter kept (scattering
/// update ids), so only the winner receives a cotangent. `min`/`max` split the derivative
/// equally among ties between the operand and the updates. `mul` gives each update the
/// product of the *other* updates combined into the same element (`exclusiveProducts`), so
/// duplicate indices are differentiated exactly; JAX raises NotImplementedError there
/// ("scatter_mul gradients are only implemented if `unique_indices=True`"), and with
/// unique indices both give the same values.
enum ScatterDerivatives {
    static func primal(_ p: [Tensor], _ dn: ScatterDimensionNumbers, _ mode: ScatterMode) -> Tensor {
        Lax.scatter(p[0], p[1], p[2], dn, mode: mode)
    }

    /// Reads, for each update element, the operand element it is combined with; zero for
    /// updates whose window is out of bounds (the scatter drops them).
    static func gatherAtUpdates(_ x: Tensor, _ indices: Tensor, _ dn: ScatterDimensionNumbers, updatesShape: [Int]) -> Tensor {
        let (gdn, sizes) = StructuralDerivatives.gatherNumbers(for: dn, operandRank: x.rank, updatesShape: updatesShape)
        return StructuralDerivatives.gatherOrZero(x, indices, gdn, sliceSizes: sizes)
    }

    /// (operand mask, update mask, reference counts) for min/max scatters.
    private static func extremumMasks(_ p: [Tensor], out: Tensor, _ dn: ScatterDimensionNumbers) -> (Tensor, Tensor, Tensor) {
        let (x, i, u) = (p[0], p[1], p[2])
        let maskX = Lax.convert(Lax.compare(.eq, x, out), to: x.dtype)
        let maskU = Lax.convert(Lax.compare(.eq, u, gatherAtUpdates(out, i, dn, updatesShape: u.shape)), to: u.dtype)
        let counts = Lax.binary(.add, maskX, Lax.scatter(AutodiffValues.zeros(x.type.strong), i, maskU, dn, mode: .add))
        return (maskX, maskU, counts)
    }

    /// For each update element u_j, the product of the other updates scattered into the same
    /// operand element (1 when it is alone there), gathered back to the updates' shape.
    ///
    /// Written without dividing by zero: with P the product of the nonzero updates at an
    /// element and Z the number of zero updates there, an update u_j != 0 gets P / u_j when
    /// Z == 0 (else 0) and a zero update gets P when Z == 1 (else 0). Elements hit by a single
    /// update take exactly 1, so unique indices (and infinite updates there) give JAX's
    /// values.
    static func exclusiveProducts(_ x: Tensor, _ i: Tensor, _ u: Tensor, _ dn: ScatterDimensionNumbers) -> Tensor {
        let zeroX = AutodiffValues.zeros(x.type.strong)
        let oneX = Lax.full(1, shape: x.shape, dtype: x.dtype)
        let zeroU = AutodiffValues.zeros(u.type.strong), oneU = Lax.full(1, shape: u.shape, dtype: u.dtype)
        let isZero = Lax.compare(.eq, u, zeroU)
        let nonzero = Lax.select(isZero, onTrue: oneU, onFalse: u)
        let at = { (t: Tensor) in gatherAtUpdates(t, i, dn, updatesShape: u.shape) }
        let count = at(Lax.scatter(zeroX, i, oneU, dn, mode: .add))
        let zeros = at(Lax.scatter(zeroX, i, Lax.convert(isZero, to: u.dtype), dn, mode: .add))
        let product = at(Lax.scatter(oneX, i, nonzero, dn, mode: .mul))
        let fromNonzero = Lax.select(Lax.compare(.eq, zeros, zeroU), onTrue: Lax.binary(.div, product, nonzero), onFalse: zeroU)
        let fromZero = Lax.select(Lax.compare(.eq, zeros, oneU), onTrue: product, onFalse: zeroU)
        let shared = Lax.select(isZero, onTrue: fromZero, onFalse: fromNonzero)
        return Lax.select(Lax.compare(.le, count, oneU), onTrue: oneU, onFalse: shared)
    }

    static func jvp(_ p: [Tensor], _ t: [Tensor?], _ dn: ScatterDimensionNumbers, _ mode: ScatterMode) -> Tensor? {
        let (x, i, u) = (p[0], p[1], p[2])
        guard x.dtype.isFloatingPoint, t[0] != nil || t[2] != nil else { return nil }
        let tx = AutodiffValues.instantiate(t[0], x.type.strong)
        let tu = AutodiffValues.instantiate(t[2], u.type.strong)
        switch mode {
        case .add, .set:
            return Lax.scatter(tx, i, tu, dn, mode: mode)
        case .mul:
            let fromX = Lax.scatter(tx, i, u, dn, mode: .mul)
            let xAt = gatherAtUpdates(x, i, dn, updatesShape: u.shape)
            let others = exclusiveProducts(x, i, u, dn)
            let fromU = Lax.scatter(AutodiffValues.zeros(x.type.strong), i,
                                    Lax.binary(.mul, Lax.binary(.mul, xAt, others), tu), dn, mode: .add)
            return Lax.binary(.add, fromX, fromU)
        case .min, .max:
            let out = primal(p, dn, mode)
            let (maskX, maskU, counts) = extremumMasks(p, out: out, dn)
            let fromU = Lax.scatter(AutodiffValues.zeros(x.type.strong), i, Lax.binary(.mul, maskU, tu), dn, mode: .add)
            return Lax.binary(.div, Lax.binary(.add, Lax.binary(.mul, maskX, tx), fromU), counts)
        }
    }

    static func vjp(_ p: [Tensor], out: Tensor, ct: Tensor, needs: [Bool], _ dn: ScatterDimensionNumbers,
                    _ mode: ScatterMode) -> [Tensor?] {
        let (x, i, u) = (p[0], p[1], p[2])
        guard x.dtype.isFloatingPoint else { return [nil, nil, nil] }
        var ctX: Tensor? = nil, ctU: Tensor? = nil
        switch mode {
        case .add:
            if needs[0] { ctX = ct }
            if needs[2] { ctU = gatherAtUpdates(ct, i, dn, updatesShape: u.shape) }
        case .set:
            if needs[0] { ctX = Lax.scatter(ct, i, AutodiffValues.zeros(u.type.strong), dn, mode: .set) }
            if needs[2] {
                let ids = StructuralDerivatives.updateIDs(updatesShape: u.shape, windowDims: dn.updateWindowDims)
                let none = Lax.full(-1, shape: x.shape, dtype: .int32)
                let winners = gatherAtUpdates(Lax.scatter(none, i, ids, dn, mode: .set), i, dn, updatesShape: u.shape)
                let won = Lax.compare(.eq, winners, ids)
                ctU = Lax.select(won, onTrue: gatherAtUpdates(ct, i, dn, updatesShape: u.shape),
                                 onFalse: AutodiffValues.zeros(u.type.strong))
            }
        case .mul:
            if needs[0] { ctX = Lax.scatter(ct, i, u, dn, mode: .mul) }
            if needs[2] {
                ctU = Lax.binary(.mul, gatherAtUpdates(Lax.binary(.mul, ct, x), i, dn, updatesShape: u.shape),
                                 exclusiveProducts(x, i, u, dn))
            }
        case .min, .max:
            let (maskX, maskU, counts) = extremumMasks(p, out: out, dn)
            let shared = Lax.binary(.div, ct, counts)
            if needs[0] { ctX = Lax.binary(.mul, maskX, shared) }
            if needs[2] { ctU = Lax.binary(.mul, maskU, gatherAtUpdates(shared, i, dn, updatesShape: u.shape)) }
        }
        return [ctX, nil, ctU]
    }
}
