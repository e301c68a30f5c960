/// The batching rule of `conv_general_dilated` (JAX's `_conv_general_dilated_batch_rule`):
/// the vmapped axis is folded into the lhs batch axis, the rhs output-feature axis, or
/// (when both are batched) into the feature groups, so one convolution does the whole batch.
enum ConvBatching {
    static func batch(_ p: ConvParams, _ xs: [BatchedValue], _ size: Int) -> [BatchedValue] {
        let dn = p.dimensionNumbers
        let into = ConvRules.reshapeAxisInto, outOf = ConvRules.reshapeAxisOutOf
        switch (xs[0].batchDim, xs[1].batchDim) {
        case (let lb?, let rb?):
            let lhs = xs[0].value, rhs = xs[1].value
            var q = p
            let newLHS: Tensor
            if p.batchGroupCount > 1 {
                newLHS = into(lb, dn.lhsSpec[0], lhs)
                q.batchGroupCount *= size
            } else {
                newLHS = into(lb, dn.lhsSpec[1], lhs)
                q.featureGroupCount *= size
            }
            let newRHS = into(rb, dn.rhsSpec[0], rhs)
            let out = Lax.convGeneralDilated(newLHS, newRHS, q)
            return [BatchedValue(outOf(dn.outSpec[1], size, out), dn.outSpec[1])]

        case (let lb?, nil):
            let lhs = xs[0].value, rhs = xs[1].value
            if p.batchGroupCount == 1 {
                let out = Lax.convGeneralDilated(into(lb, dn.lhsSpec[0], lhs), rhs, p)
                return [BatchedValue(outOf(dn.outSpec[0], size, out), dn.outSpec[0])]
            }
            var newLHS = outOf(dn.lhsSpec[0] + (lb <= dn.lhsSpec[0] ? 1 : 0), p.batchGroupCount, lhs)
            newLHS = into(lb + (dn.lhsSpec[0] < lb ? 1 : 0), dn.lhsSpec[0] + 1, newLHS)
            newLHS = into(dn.lhsSpec[0], dn.lhsSpec[0], newLHS)
            let out = Lax.convGeneralDilated(newLHS, rhs, p)
            return [BatchedValue(outOf(dn.outSpec[0], size, out), dn.outSpec[0])]

        case (nil, let rb?):
            let lhs = xs[0].value, rhs = xs[1].value
            if p.featureGroupCount == 1 && p.batchGroupCount == 1 {
                let out = Lax.convGeneralDilated(lhs, into(rb, dn.rhsSpec[0], rhs), p)
                return [BatchedValue(outOf(dn.outSpec[1], size, out), dn.outSpec[1])]
            }
            // Groups must stay outermost in the output-feature axis: factor them out, fold
            // the batch into the rest, and put them back; the same on the output.
            let groups = p.featureGroupCount > 1 ? p.featureGroupCount : p.batchGroupCount
            var newRHS = outOf(dn.rhsSpec[0] + (rb <= dn.rhsSpec[0] ? 1 : 0), groups, rhs)
            newRHS = into(rb + (dn.rhsSpec[0] < rb ? 1 : 0), dn.rhsSpec[0] + 1, newRHS)
            newRHS = into(dn.rhsSpec[0], dn.rhsSpec[0], newRHS)
            var out = Lax.convGeneralDilated(lhs, newRHS, p)
            out = outOf(dn.outSpec[1], groups, out)
            out = outOf(dn.outSpec[1] + 1, size, out)
            out = into(dn.outSpec[1], dn.outSpec[1] + 1, out)
            return [BatchedValue(out, dn.outSpec[1])]

        case (nil, nil):
            return [BatchedValue(Lax.convGeneralDilated(xs[0].value, xs[1].value, p), nil)]
        }
    }
}
