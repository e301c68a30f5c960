/// Reverse-mode rules: for every primitive, the cotangents of its operands from the
/// cotangents of its outputs (`nil` is zero), given the primal operands and outputs.
///
/// One exhaustive `switch` over `Primitive` without `default:`: a primitive without a
/// VJP rule does not compile. Rules use `Lax` ops only, so they are traced by any outer
/// transformation (higher-order derivatives, `jit`). `needs[i]` says whether operand `i`'s
/// cotangent is wanted; the result has one entry per operand (nil when zero or not needed).
public enum VJPRules {
    /// The operands' cotangents.
    public static func vjp(_ primitive: Primitive, inputs: [Tensor], outputs: [Tensor], cotangents: [Tensor?],
                           needs: [Bool]) -> [Tensor?] {
        let none = [Tensor?](repeating: nil, count: inputs.count)
        /// The single output's cotangent (nodes are only visited with a nonzero one).
        func ct() -> Tensor { cotangents[0] ?? AutodiffValues.zeros(outputs[0].type.strong) }
        /// Cotangent of operand 0 only.
        func first(_ c: @autoclosure () -> Tensor?) -> [Tensor?] {
            var r = none
            if needs[0] { r[0] = c() }
            return r
        }
        let x = inputs.first

        switch primitive {
        case .unary(let op):
            return first(ElementwiseDerivatives.unary(op, x: x!, y: outputs[0], t: ct()))

        case .binary(let op):
            let c = ct()
            let (dx, dy) = ElementwiseDerivatives.binary(op, x: inputs[0], y: inputs[1], out: outputs[0],
                                                         tx: needs[0] ? c : nil, ty: needs[1] ? c : nil)
            return [dx, dy]

        case .compare, .bitcastConvertType, .iota, .argReduce, .threefry2x32, .stopGradient:
            return none

        case .select:
            let c = ct(), zero = AutodiffValues.zeros(c.type.strong), which = inputs[0]
            return [nil,
                    needs[1] ? Lax.select(which, onTrue: zero, onFalse: c) : nil,
                    needs[2] ? Lax.select(which, onTrue: c, onFalse: zero) : nil]

        case .convertElementType(let newDType, _):
            guard x!.dtype.isFloatingPoint, newDType.isFloatingPoint else { return none }
            return first(Lax.convert(ct(), to: x!.dtype, weak: x!.isWeaklyTyped))

        case .broadcastInDim(let shape, let dims):
            let c = ct()
            var summed: [Int] = (0..<shape.count).filter { !dims.contains($0) }
            for (i, d) in dims.enumerated() where x!.shape[i] == 1 && shape[d] != 1 { summed.append(d) }
            return first(Lax.reshape(Lax.reduce(.sum, c, axes: summed.sorted()), x!.shape))

        case .reshape:
            return first(Lax.reshape(ct(), x!.shape))

        case .transpose(let perm):
            let inverse = perm.indices.sorted { perm[$0] < perm[$1] }
            return first(Lax.transpose(ct(), inverse))

        case .slice(let start, _, let strides):
            let c = ct()
            let config = (0..<x!.rank).map { d -> PadConfig in
                let n = c.shape[d]
                let realLimit = n == 0 ? start[d] : start[d] + (n - 1) * strides[d] + 1
                return PadConfig(low: start[d], high: x!.shape[d] - realLimit, interior: n == 0 ? 0 : strides[d] - 1)
            }
            return first(Lax.pad(c, Lax.scalar(0, c.dtype), config))

        case .dynamicSlice:
            let starts = Array(inputs.dropFirst())
            return first(Lax.dynamicUpdateSlice(AutodiffValues.zeros(x!.type.strong), ct(), starts: starts))

        case .dynamicUpdateSlice:
            let c = ct(), u = inputs[1], starts = Array(inputs.dropFirst(2))
            var r = none
            if needs[0] { r[0] = Lax.dynamicUpdateSlice(c, AutodiffValues.zeros(u.type.strong), starts: starts) }
            if needs[1] { r[1] = Lax.dynamicSlice(c, starts: starts, sizes: u.shape) }
            return r

        case .pad(let config):
            let c = ct()
            let unpad = config.map { PadConfig(low: -$0.low, high: -$0.high, interior: 0) }
            let unpadded = Lax.pad(c, Lax.scalar(0, c.dtype), unpad)
            let ctX = Lax.slice(unpadded, start: [Int](repeating: 0, count: c.rank), limit: unpadded.shape,
                                strides: config.map { $0.interior + 1 })
            var r = none
            if needs[0] { r[0] = ctX }
            if needs[1] {
                let all = Array(0..<c.rank)
                r[1] = Lax.binary(.sub, Lax.reduce(.sum, c, axes: all), Lax.reduce(.sum, ctX, axes: all))
            }
            return r

        case .concatenate(let dimension):
            let c = ct()
            var offset = 0
            return inputs.indices.map { k in
                let size = inputs[k].shape[dimension]
                defer { offset += size }
                guard needs[k] else { return nil }
                return Lax.sliceInDim(c, axis: dimension, start: offset, limit: offset + size)
            }

        case .rev(let dims):
            return first(Lax.rev(ct(), axes: dims))

        case .gather(let dn, let sliceSizes, let mode):
            let indices = mode == .clip
                ? StructuralDerivatives.clampIndices(inputs[1], operandShape: x!.shape, dn: dn, sliceSizes: sliceSizes)
                : inputs[1]
            return first(Lax.scatter(AutodiffValues.zeros(x!.type.strong), indices, ct(),
                                     StructuralDerivatives.scatterNumbers(for: dn), mode: .add))

        case .scatter(let dn, let mode):
            return ScatterDerivatives.vjp(inputs, out: outputs[0], ct: ct(), needs: needs, dn, mode)

        case .reduce(let op, let axes):
            guard x!.dtype.isFloatingPoint else { return none }
            return first(ReductionDerivatives.vjp(op, x: x!, out: outputs[0], ct: ct(), axes: axes))

        case .cumulative(let op, let axis, let reverse):
            if op == .cumsum { return first(Lax.cumulative(.cumsum, ct(), axis: axis, reverse: !reverse)) }
            let (_, pullback) = vjpFlat({ [StructuralDerivatives.prefixScan(op, $0[0], axis: axis, reverse: reverse)] },
                                        primals: inputs, wrt: [true])
            return first(pullback([ct()])[0])

        case .sort(let dimension, let isStable, let numKeys):
            let (_, perm) = StructuralDerivatives.sortWithPermutation(inputs, dimension: dimension,
                                                                       isStable: isStable, numKeys: numKeys)
            return inputs.indices.map { k in
                guard needs[k], inputs[k].dtype.isFloatingPoint, let c = cotangents[k] else { return nil }
                return StructuralDerivatives.untakeAlongAxis(c, perm, axis: dimension)
            }

        case .dotGeneral(let dn, _):
            let c = ct()
            return [needs[0] ? StructuralDerivatives.dotTransposeLHS(c, lhs: inputs[0], rhs: inputs[1], dn) : nil,
                    needs[1] ? StructuralDerivatives.dotTransposeRHS(c, lhs: inputs[0], rhs: inputs[1], dn) : nil]

        case .convGeneralDilated(let p): return ConvRules.vjp(p, inputs: inputs, cotangent: ct(), needs: needs)
        case .linalg(let op): return LinalgRules.vjp(op, inputs: inputs, outputs: outputs, cotangents: cotangents, needs: needs)
        case .cond(let branches):
            return ControlFlowDerivatives.condVJP(branches: branches, inputs: inputs, outputs: outputs,
                                                  cotangents: cotangents, needs: needs)

        case .whileLoop:
            usageError("""
                Reverse-mode differentiation does not work for whileLoop or forLoop with dynamic start/stop values. \
                Try using scan, or using forLoop with static start/stop.
                """)

        case .scan(let body, let length, let reverse, let nConsts, let nCarry):
            return ControlFlowDerivatives.scanVJP(body: body, length: length, reverse: reverse, constCount: nConsts,
                                                  carryCount: nCarry, inputs: inputs, cotangents: cotangents, needs: needs)

        case .collective(let op, let axisName, let axisSize):
            return CollectiveRules.vjp(op, axisName: axisName, axisSize: axisSize, inputs: inputs, outputs: outputs,
                                       cotangent: cotangents.first ?? nil, needs: needs)
        }
    }
}
