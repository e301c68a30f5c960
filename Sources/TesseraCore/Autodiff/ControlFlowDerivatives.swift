/// JVP and VJP rules of `cond`, `while` and `scan`: the derivative of each branch or step
/// is traced into a new jaxpr with `traceToJaxpr` and a new control-flow primitive is
/// bound, so outer transformations see one structured operation.
enum ControlFlowDerivatives {
    typealias Z = AutodiffValues

    /// Picks the elements of `xs` where `mask` is true.
    static func pick<T>(_ xs: [T], _ mask: [Bool]) -> [T] { zip(xs, mask).compactMap { $1 ? $0 : nil } }

    /// Spreads `values` into `count` slots at the `mask` positions, nil elsewhere.
    static func spread(_ values: [Tensor], _ mask: [Bool]) -> [Tensor?] {
        var it = values.makeIterator()
        return mask.map { $0 ? it.next() : nil }
    }

    /// `tangents` instantiated at the `mask` positions (zeros of `types` where nil).
    static func instantiated(_ tangents: [Tensor?], _ types: [ShapedType], _ mask: [Bool]) -> [Tensor] {
        pick(Array(zip(tangents, types)), mask).map { Z.instantiate($0.0, $0.1.strong) }
    }

    // MARK: cond

    static func condJVP(branches: [ClosedJaxpr], primals: [Tensor], tangents: [Tensor?]) -> ([Tensor], [Tensor?]) {
        let index = primals[0], ops = Array(primals.dropFirst()), opTangents = Array(tangents.dropFirst())
        let mask = zip(ops, opTangents).map { $0.dtype.isFloatingPoint && $1 != nil }
        if !mask.contains(true) {
            let outs = bind(.cond(branches: branches), primals)
            return (outs, outs.map { _ in nil })
        }
        let opTypes = ops.map(\.type), outTypes = branches[0].outTypes
        let outMask = outTypes.map(Z.isDifferentiable)
        let inTypes = opTypes + pick(opTypes, mask).map(\.strong)
        let jvpBranches = branches.map { branch in
            traceToJaxpr(name: "cond_jvp", inTypes: inTypes) { args in
                let p = Array(args[0..<ops.count]), ts = spread(Array(args[ops.count...]), mask)
                let (outs, touts) = jvpFlat({ evalJaxpr(branch, $0) }, primals: p, tangents: ts)
                return outs + instantiated(touts, outTypes, outMask)
            }
        }
        let results = bind(.cond(branches: jvpBranches), [index] + ops + pick(opTangents, mask).map { $0! })
        let n = outTypes.count
        return (Array(results[0..<n]), spread(Array(results[n...]), outMask))
    }

    static func condVJP(branches: [ClosedJaxpr], inputs: [Tensor], outputs: [Tensor], cotangents: [Tensor?],
                        needs: [Bool]) -> [Tensor?] {
        let index = inputs[0], ops = Array(inputs.dropFirst())
        let mask = ops.indices.map { needs[$0 + 1] && ops[$0].dtype.isFloatingPoint }
        if !mask.contains(true) { return inputs.map { _ in nil } }
        let opTypes = ops.map(\.type), outTypes = branches[0].outTypes
        let outMask = outTypes.map(Z.isDifferentiable)
        let ctTypes = pick(outTypes, outMask).map(\.strong)
        let vjpBranches = branches.map { branch in
            traceToJaxpr(name: "cond_vjp", inTypes: opTypes + ctTypes) { args in
                let p = Array(args[0..<ops.count])
                let (_, pullback) = vjpFlat({ evalJaxpr(branch, $0) }, primals: p, wrt: mask)
                let cts = pullback(spread(Array(args[ops.count...]), outMask))
                return instantiated(cts, opTypes, mask)
            }
        }
        let outCts = instantiated(cotangents, outTypes, outMask)
        let results = bind(.cond(branches: vjpBranches), [index] + ops + outCts)
        return [nil] + spread(results, mask)
    }

    // MARK: while

    static func whileJVP(cond: ClosedJaxpr, body: ClosedJaxpr, condConstCount nc: Int, bodyConstCount nb: Int,
                         primals: [Tensor], tangents: [Tensor?]) -> ([Tensor], [Tensor?]) {
        let primitive = Primitive.whileLoop(cond: cond, body: body, condConstCount: nc, bodyConstCount: nb)
        let condConsts = Array(primals[0..<nc]), bodyConsts = Array(primals[nc..<(nc + nb)])
        let carry = Array(primals[(nc + nb)...])
        let bodyConstTangents = Array(tangents[nc..<(nc + nb)]), carryTangents = Array(tangents[(nc + nb)...])
        let constMask = zip(bodyConsts, bodyConstTangents).map { $0.dtype.isFloatingPoint && $1 != nil }
        if !constMask.contains(true) && carryTangents.allSatisfy({ $0 == nil }) {
            let outs = bind(primitive, primals)
            return (outs, outs.map { _ in nil })
        }
        let carryTypes = carry.map(\.type), carryMask = carryTypes.map(Z.isDifferentiable)
        let carryTanTypes = pick(carryTypes, carryMask).map(\.strong)
        let constTanTypes = pick(bodyConsts.map(\.type), constMask).map(\.strong)
        let nk = carry.count, nct = constTanTypes.count
        let newCond = traceToJaxpr(name: "while_cond_jvp", inTypes: condConsts.map(\.type) + carryTypes + carryTanTypes) { args in
            evalJaxpr(cond, Array(args[0..<(nc + nk)]))
        }
        let newBody = traceToJaxpr(name: "while_body_jvp",
                                   inTypes: bodyConsts.map(\.type) + constTanTypes + carryTypes + carryTanTypes) { args in
            let c = Array(args[0..<nb]), ct = spread(Array(args[nb..<(nb + nct)]), constMask)
            let k = Array(args[(nb + nct)..<(nb + nct + nk)]), kt = spread(Array(args[(nb + nct + nk)...]), carryMask)
            let (outs, touts) = jvpFlat({ evalJaxpr(body, $0) }, primals: c + k, tangents: ct + kt)
            return outs + instantiated(touts, carryTypes, carryMask)
        }
        let args = condConsts + bodyConsts + pick(bodyConstTangents, constMask).map { $0! }
            + carry + instantiated(carryTangents, carryTypes, carryMask)
        let results = bind(.whileLoop(cond: newCond, body: newBody, condConstCount: nc, bodyConstCount: nb + nct), args)
        return (Array(results[0..<nk]), spread(Array(results[nk...]), carryMask))
    }

    // MARK: scan

    static func scanJVP(body: ClosedJaxpr, length: Int, reverse: Bool, constCount nC: Int, carryCount nK: Int,
                        primals: [Tensor], tangents: [Tensor?]) -> ([Tensor], [Tensor?]) {
        if tangents.allSatisfy({ $0 == nil }) {
            let outs = bind(.scan(body: body, length: length, reverse: reverse, constCount: nC, carryCount: nK), primals)
            return (outs, outs.map { _ in nil })
        }
        let consts = Array(primals[0..<nC]), carry = Array(primals[nC..<(nC + nK)]), xs = Array(primals[(nC + nK)...])
        let tC = Array(tangents[0..<nC]), tK = Array(tangents[nC..<(nC + nK)]), tX = Array(tangents[(nC + nK)...])
        let constMask = zip(consts, tC).map { $0.dtype.isFloatingPoint && $1 != nil }
        let carryMask = carry.map { $0.dtype.isFloatingPoint }
        let xMask = zip(xs, tX).map { $0.dtype.isFloatingPoint && $1 != nil }
        let inTypes = body.inTypes, outTypes = body.outTypes
        let constTypes = Array(inTypes[0..<nC]), carryTypes = Array(inTypes[nC..<(nC + nK)])
        let xTypes = Array(inTypes[(nC + nK)...])
        let yTypes = Array(outTypes[nK...]), yMask = yTypes.map(Z.isDifferentiable)
        let nct = constMask.filter { $0 }.count, nkt = carryMask.filter { $0 }.count, nX = xs.count
        let newIn = constTypes + pick(constTypes, constMask).map(\.strong) + carryTypes + pick(carryTypes, carryMask).map(\.strong)
            + xTypes + pick(xTypes, xMask).map(\.strong)
        let newBody = traceToJaxpr(name: "scan_jvp", inTypes: newIn) { args in
            var i = 0
            func take(_ n: Int) -> [Tensor] { defer { i += n }; return Array(args[i..<(i + n)]) }
            let c = take(nC), ct = spread(take(nct), constMask), k = take(nK), kt = spread(take(nkt), carryMask)
            let x = take(nX), xt = spread(Array(args[i...]), xMask)
            let (outs, touts) = jvpFlat({ evalJaxpr(body, $0) }, primals: c + k + x, tangents: ct + kt + xt)
            return Array(outs[0..<nK]) + instantiated(Array(touts[0..<nK]), carryTypes, carryMask)
                + Array(outs[nK...]) + instantiated(Array(touts[nK...]), yTypes, yMask)
        }
        let args = consts + pick(tC, constMask).map { $0! } + carry + instantiated(tK, carry.map(\.type), carryMask)
            + xs + pick(tX, xMask).map { $0! }
        let results = bind(.scan(body: newBody, length: length, reverse: reverse, constCount: nC + nct,
                                 carryCount: nK + nkt), args)
        let nY = yTypes.count
        let outCarry = Array(results[0..<nK]), outCarryT = Array(results[nK..<(nK + nkt)])
        let ys = Array(results[(nK + nkt)..<(nK + nkt + nY)]), ysT = Array(results[(nK + nkt + nY)...])
        return (outCarry + ys, spread(outCarryT, carryMask) + spread(ysT, yMask))
    }

    /// Reverse mode through `scan`: a forward scan that also emits each step's input carry,
    /// then a scan in the opposite direction whose body is the VJP of the step.
    static func scanVJP(body: ClosedJaxpr, length: Int, reverse: Bool, constCount nC: Int, carryCount nK: Int,
                        inputs: [Tensor], cotangents: [Tensor?], needs: [Bool]) -> [Tensor?] {
        let consts = Array(inputs[0..<nC]), carry = Array(inputs[nC..<(nC + nK)]), xs = Array(inputs[(nC + nK)...])
        let nX = xs.count
        let constMask = (0..<nC).map { needs[$0] && consts[$0].dtype.isFloatingPoint }
        let carryMask = carry.map { $0.dtype.isFloatingPoint }
        let xMask = (0..<nX).map { needs[nC + nK + $0] && xs[$0].dtype.isFloatingPoint }
        let inTypes = body.inTypes, outTypes = body.outTypes
        let constTypes = Array(inTypes[0..<nC]), carryTypes = Array(inTypes[nC..<(nC + nK)])
        let xTypes = Array(inTypes[(nC + nK)...])
        let yTypes = Array(outTypes[nK...]), yMask = yTypes.map(Z.isDifferentiable)

        // Forward pass keeping the carry that enters each step.
        let residualBody = traceToJaxpr(name: "scan_residuals", inTypes: inTypes) { args in
            Array(evalJaxpr(body, args)[0..<nK]) + Array(args[nC..<(nC + nK)])
        }
        let forward = bind(.scan(body: residualBody, length: length, reverse: reverse, constCount: nC, carryCount: nK),
                           consts + carry + xs)
        let stepCarries = Array(forward[nK...])

        let accTypes = pick(constTypes, constMask).map(\.strong), ctKTypes = pick(carryTypes, carryMask).map(\.strong)
        let ctYTypes = pick(yTypes, yMask).map(\.strong)
        let nAcc = accTypes.count, nCtK = ctKTypes.count
        let backwardBody = traceToJaxpr(name: "scan_vjp", inTypes: constTypes + accTypes + ctKTypes + xTypes + carryTypes + ctYTypes) { args in
            var i = 0
            func take(_ n: Int) -> [Tensor] { defer { i += n }; return Array(args[i..<(i + n)]) }
            let c = take(nC), acc = take(nAcc), ctK = take(nCtK), x = take(nX), k = take(nK), ctY = Array(args[i...])
            let (_, pullback) = vjpFlat({ evalJaxpr(body, $0) }, primals: c + k + x, wrt: constMask + carryMask + xMask)
            let cts = pullback(spread(ctK, carryMask) + spread(ctY, yMask))
            let ctC = instantiated(Array(cts[0..<nC]), constTypes, constMask)
            let newAcc = zip(acc, ctC).map { Lax.binary(.add, $0, $1) }
            return newAcc + instantiated(Array(cts[nC..<(nC + nK)]), carryTypes, carryMask)
                + instantiated(Array(cts[(nC + nK)...]), xTypes, xMask)
        }
        let ctCarryOut = instantiated(Array(cotangents[0..<nK]), carry.map(\.type), carryMask)
        let ctYs = instantiated(Array(cotangents[nK...]), yTypes.map { ShapedType([length] + $0.shape, $0.dtype) }, yMask)
        let args = consts + accTypes.map(Z.zeros) + ctCarryOut + xs + stepCarries + ctYs
        let results = bind(.scan(body: backwardBody, length: length, reverse: !reverse, constCount: nC,
                                 carryCount: nAcc + nCtK), args)
        let ctConsts = Array(results[0..<nAcc]), ctCarry = Array(results[nAcc..<(nAcc + nCtK)])
        let ctXs = Array(results[(nAcc + nCtK)...])
        let carryNeeded = (0..<nK).map { needs[nC + $0] }
        let carryResult = zip(spread(ctCarry, carryMask), carryNeeded).map { $1 ? $0 : nil }
        return spread(ctConsts, constMask) + carryResult + spread(ctXs, xMask)
    }
}
