/// Eager semantics of the structured control-flow primitives: the core runs them by
/// evaluating their sub-jaxprs, reading predicates and indices from the device.
enum ControlFlowEvaluation {
    static func run(_ primitive: Primitive, _ args: [Tensor]) -> [Tensor] {
        switch primitive {
        case .cond(let branches):
            var index = Int(args[0].readScalarForControlFlow(primitive))
            index = Swift.max(0, Swift.min(branches.count - 1, index))
            return evalJaxpr(branches[index], Array(args.dropFirst()))

        case .whileLoop(let cond, let body, let nc, let nb):
            let condConsts = Array(args[0..<nc]), bodyConsts = Array(args[nc..<(nc + nb)])
            var carry = Array(args[(nc + nb)...])
            while evalJaxpr(cond, condConsts + carry)[0].readScalarForControlFlow(primitive) != 0 {
                carry = evalJaxpr(body, bodyConsts + carry)
            }
            return carry

        case .scan(let body, let length, let reverse, let nConsts, let nCarry):
            let consts = Array(args[0..<nConsts])
            var carry = Array(args[nConsts..<(nConsts + nCarry)])
            let xs = Array(args[(nConsts + nCarry)...])
            let yTypes = Array(body.outTypes[nCarry...])
            var ys: [[Tensor]] = Array(repeating: [], count: yTypes.count)
            for step in 0..<length {
                let i = reverse ? length - 1 - step : step
                let xSlices = xs.map { Lax.indexInDim($0, axis: 0, index: i) }
                let outs = evalJaxpr(body, consts + carry + xSlices)
                carry = Array(outs[0..<nCarry])
                for (k, y) in outs[nCarry...].enumerated() { ys[k].append(y) }
            }
            let stacked: [Tensor] = yTypes.enumerated().map { k, t in
                if length == 0 { return Lax.full(0, shape: [0] + t.shape, dtype: t.dtype) }
                let seq = reverse ? Array(ys[k].reversed()) : ys[k]
                return Lax.stack(seq, axis: 0)
            }
            return carry + stacked

        case .unary, .binary, .compare, .select, .convertElementType, .bitcastConvertType, .iota,
             .broadcastInDim, .reshape, .transpose, .slice, .dynamicSlice, .dynamicUpdateSlice, .pad,
             .concatenate, .rev, .gather, .scatter, .reduce, .argReduce, .cumulative, .sort, .dotGeneral,
             .threefry2x32, .stopGradient, .collective:
            preconditionFailure("\(printedName(primitive)) is not a control-flow primitive")
        case .convGeneralDilated, .linalg: preconditionFailure("\(printedName(primitive)) is not a control-flow primitive")
        }
    }
}

extension Tensor {
    /// Reads a concrete scalar (a predicate or branch index) for eager control flow.
    func readScalarForControlFlow(_ primitive: Primitive) -> Int64 {
        guard rank == 0 else { usageError("\(printedName(primitive)): expected a scalar predicate or index, got \(type)") }
        return scalarAsInt64(context: printedName(primitive))
    }
}
