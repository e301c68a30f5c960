/// Derivatives of `scatter` in each combining mode, as JAX's rules.
///
/// `set` handles duplicate indices by finding which update the scatter kept (scattering
/// update ids), so only the winner receives a cotangent. `min`/`max` split the derivative
/// equally among ties between the operand and the updates. `mul` assumes unique indices
/// for the updates' derivative (JAX raises for non-unique indices there).
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
            let fromU = Lax.scatter(AutodiffValues.zeros(x.type.strong), i, Lax.binary(.mul, xAt, tu), dn, mode: .add)
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
            if needs[2] { ctU = gatherAtUpdates(Lax.binary(.mul, ct, x), i, dn, updatesShape: u.shape) }
        case .min, .max:
            let (maskX, maskU, counts) = extremumMasks(p, out: out, dn)
            let shared = Lax.binary(.div, ct, counts)
            if needs[0] { ctX = Lax.binary(.mul, maskX, shared) }
            if needs[2] { ctU = Lax.binary(.mul, maskU, gatherAtUpdates(shared, i, dn, updatesShape: u.shape)) }
        }
        return [ctX, nil, ctU]
    }
}
