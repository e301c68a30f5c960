/// Runs a cond, whileLoop or scan that holds a collective on every device of a pmap in
/// lockstep: the host drives the loop (or picks the branch) and each iteration runs the
/// body's plan on all devices, so the collectives inside have every device taking part.
///
/// A collective needs every device, so the devices must agree on the branch of a cond and
/// on when a whileLoop stops (as in JAX, where disagreeing devices would wait on each other
/// for ever); here disagreement stops with a message. Make the predicate the same on every
/// device by computing it from a collective (`pmax(x, axisName:)`, `psum`).
enum PmapLockstep {
    static func run(_ primitive: Primitive, _ plans: [PmapPlan], _ args: [[Tensor]], devices: [Device],
                    name: String) -> [[Tensor]] {
        let n = devices.count
        switch primitive {
        case .cond(let branches):
            let indices = args.map { Swift.max(0, Swift.min(branches.count - 1, Int($0[0].readScalarForControlFlow(primitive)))) }
            let index = agreed(indices, what: "the branch of cond", values: indices.map { "branch \($0)" }, name: name, devices: devices)
            return plans[index].run(args.map { Array($0.dropFirst()) })

        case .whileLoop(_, _, let nc, let nb):
            let condConsts = args.map { Array($0[0..<nc]) }, bodyConsts = args.map { Array($0[nc..<(nc + nb)]) }
            var carry = args.map { Array($0[(nc + nb)...]) }
            while true {
                let preds = plans[0].run((0..<n).map { condConsts[$0] + carry[$0] })
                    .map { $0[0].readScalarForControlFlow(primitive) != 0 }
                let go = agreed(preds, what: "whether whileLoop goes on", values: preds.map { $0 ? "continue" : "stop" },
                                name: name, devices: devices)
                if !go { return carry }
                carry = plans[1].run((0..<n).map { bodyConsts[$0] + carry[$0] })
            }

        case .scan(let body, let length, let reverse, let nConsts, let nCarry):
            let consts = args.map { Array($0[0..<nConsts]) }
            var carry = args.map { Array($0[nConsts..<(nConsts + nCarry)]) }
            let xs = args.map { Array($0[(nConsts + nCarry)...]) }
            let yTypes = Array(body.outTypes[nCarry...])
            var ys: [[[Tensor]]] = Array(repeating: Array(repeating: [], count: yTypes.count), count: n)
            for step in 0..<length {
                let i = reverse ? length - 1 - step : step
                let outs = plans[0].run((0..<n).map { d in
                    consts[d] + carry[d] + xs[d].map { Lax.indexInDim($0, axis: 0, index: i) }
                })
                for d in 0..<n {
                    carry[d] = Array(outs[d][0..<nCarry])
                    for (k, y) in outs[d][nCarry...].enumerated() { ys[d][k].append(y) }
                }
            }
            return (0..<n).map { d in
                carry[d] + yTypes.enumerated().map { k, t in
                    if length == 0 { return Lax.full(0, shape: [0] + t.shape, dtype: t.dtype).to(devices[d]) }
                    return Lax.stack(reverse ? Array(ys[d][k].reversed()) : ys[d][k], axis: 0)
                }
            }

        case .unary, .binary, .compare, .select, .convertElementType, .bitcastConvertType, .iota,
             .broadcastInDim, .reshape, .transpose, .slice, .dynamicSlice, .dynamicUpdateSlice, .pad,
             .concatenate, .rev, .gather, .scatter, .reduce, .argReduce, .cumulative, .sort, .dotGeneral,
             .threefry2x32, .stopGradient, .collective, .convGeneralDilated, .linalg:
            preconditionFailure("pmap: \(printedName(primitive)) is not a control-flow primitive")
        }
    }

    /// The value every device chose, or a stop naming each device's choice.
    private static func agreed<T: Equatable>(_ choices: [T], what: String, values: [String], name: String,
                                             devices: [Device]) -> T {
        if choices.allSatisfy({ $0 == choices[0] }) { return choices[0] }
        let each = zip(devices, values).enumerated().map { d, p in "device \(d) (\(p.0.id)): \(p.1)" }
        usageError("pmap(\(name)): the devices disagree on \(what) (\(each.joined(separator: ", "))), and its body holds a collective, which needs every device to take part. Make the predicate the same on every device, e.g. from pmax(x, axisName:) or psum, or move the collective out of the control flow.")
    }
}
