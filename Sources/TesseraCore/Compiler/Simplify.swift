/// Simplification passes run by `jit` before fusion: constant folding, algebraic no-ops,
/// common-subexpression elimination and dead-code elimination.
///
/// - **Constant folding**: an equation whose operands are all literals or constants is
///   evaluated at compile time on the target device (through `bind`, i.e. the backend's
///   `execute`). Scalar results become literals; larger results become new constants, but
///   only when they are no larger than their largest operand (a broadcast of a literal or an
///   iota is cheaper inside a kernel than as a stored constant).
/// - **No-ops**: `x * 1`, `x / 1`, `x - 0`, `x + 0` (integers; floats only for `x + -0.0`,
///   since `-0.0 + 0.0` is `+0.0`), reshape/broadcast/transpose/slice to the same shape,
///   conversion to the same type, `stop_gradient` (no derivative is taken of a compiled
///   program: `jit` inlines under `grad`).
/// - **CSE**: equations with the same primitive and operands are computed once.
/// - **DCE**: equations whose results are unused are dropped (every primitive is pure).
public enum Simplifier {
    /// The simplified program, evaluating constants on `device`.
    public static func simplify(_ closed: ClosedJaxpr, device: Device) -> ClosedJaxpr {
        var pass = Pass(device: device)
        return pass.run(closed)
    }

    struct EquationKey: Hashable {
        var primitive: Primitive
        var inputs: [JaxprAtom]
    }

    struct Pass {
        let device: Device
        var subst: [ObjectIdentifier: JaxprAtom] = [:]
        var constValues: [ObjectIdentifier: Tensor] = [:]
        /// Variables known to hold one value everywhere (a broadcast of a literal).
        var splats: [ObjectIdentifier: ScalarLiteral] = [:]
        var constVars: [JaxprVar] = []
        var consts: [Tensor] = []
        var equations: [JaxprEquation] = []
        var seen: [EquationKey: [JaxprVar]] = [:]

        init(device: Device) { self.device = device }

        func resolve(_ a: JaxprAtom) -> JaxprAtom {
            if case .variable(let v) = a, let s = subst[ObjectIdentifier(v)] { return s }
            return a
        }

        mutating func run(_ closed: ClosedJaxpr) -> ClosedJaxpr {
            let jaxpr = closed.jaxpr
            for (v, c) in zip(jaxpr.constVars, closed.consts) {
                if let l = c.literalValue {
                    subst[ObjectIdentifier(v)] = .literal(ScalarLiteral(l.value, dtype: v.type.dtype, weak: v.type.weakType))
                    continue
                }
                constVars.append(v)
                consts.append(c)
                constValues[ObjectIdentifier(v)] = c
            }
            for eq in jaxpr.equations { visit(eq) }
            let outputs = jaxpr.outputs.map(resolve)
            let live = eliminateDeadCode(outputs: outputs)
            let used = usedVariables(live, outputs: outputs)
            var keptVars: [JaxprVar] = [], keptConsts: [Tensor] = []
            for (v, c) in zip(constVars, consts) where used.contains(ObjectIdentifier(v)) {
                keptVars.append(v)
                keptConsts.append(c)
            }
            let simplified = Jaxpr(constVars: keptVars, inVars: jaxpr.inVars, equations: live, outputs: outputs)
            return ClosedJaxpr(jaxpr: simplified, consts: keptConsts)
        }

        mutating func visit(_ original: JaxprEquation) {
            var eq = original
            eq.inputs = eq.inputs.map(resolve)
            if let same = noOp(eq) {
                subst[ObjectIdentifier(eq.outputs[0])] = same
                return
            }
            if fold(eq) { return }
            let key = EquationKey(primitive: eq.primitive, inputs: eq.inputs)
            if let previous = seen[key] {
                for (v, p) in zip(eq.outputs, previous) { subst[ObjectIdentifier(v)] = .variable(p) }
                return
            }
            seen[key] = eq.outputs
            if case .broadcastInDim = eq.primitive, let s = scalarValue(eq.inputs[0]) {
                splats[ObjectIdentifier(eq.outputs[0])] = s
            }
            equations.append(eq)
        }

        /// The literal an atom stands for everywhere (a literal, or a broadcast of one).
        func scalarValue(_ a: JaxprAtom) -> ScalarLiteral? {
            switch a {
            case .literal(let l): return l
            case .variable(let v): return splats[ObjectIdentifier(v)]
            }
        }

        /// The atom an equation returns unchanged, if it is a no-op.
        func noOp(_ eq: JaxprEquation) -> JaxprAtom? {
            guard eq.outputs.count == 1 else { return nil }
            let out = eq.outputs[0].type
            func same(_ a: JaxprAtom) -> JaxprAtom? { a.type == out ? a : nil }
            switch eq.primitive {
            case .binary(let op):
                let (x, y) = (eq.inputs[0], eq.inputs[1])
                func isValue(_ a: JaxprAtom, _ v: Double, negativeZero: Bool = false) -> Bool {
                    guard let s = scalarValue(a) else { return false }
                    if negativeZero { return s.doubleValue == 0 && s.doubleValue.sign == .minus }
                    return s.doubleValue == v && !(v == 0 && out.dtype.isFloatingPoint && s.doubleValue.sign == .minus)
                }
                let float = out.dtype.isFloatingPoint
                switch op {
                case .mul:
                    if isValue(y, 1) { return same(x) }
                    if isValue(x, 1) { return same(y) }
                case .div:
                    if isValue(y, 1) { return same(x) }
                case .add:
                    if float ? isValue(y, 0, negativeZero: true) : isValue(y, 0) { return same(x) }
                    if float ? isValue(x, 0, negativeZero: true) : isValue(x, 0) { return same(y) }
                case .sub:
                    if isValue(y, 0) { return same(x) }
                case .rem, .pow, .max, .min, .atan2, .and, .or, .xor, .shiftLeft, .shiftRightLogical,
                     .shiftRightArithmetic:
                    return nil
                }
                return nil
            case .reshape, .broadcastInDim, .transpose, .slice, .convertElementType, .rev:
                guard eq.inputs[0].type == out else { return nil }
                switch eq.primitive {
                case .transpose(let perm): return perm == Array(0..<perm.count) ? eq.inputs[0] : nil
                case .rev(let dims): return dims.isEmpty ? eq.inputs[0] : nil
                case .slice(_, _, let strides): return strides.allSatisfy { $0 == 1 } ? eq.inputs[0] : nil
                case .broadcastInDim(_, let dims): return dims == Array(0..<dims.count) ? eq.inputs[0] : nil
                default: return eq.inputs[0]
                }
            case .stopGradient:
                return same(eq.inputs[0])
            case .convGeneralDilated, .linalg: return nil
            case .unary, .compare, .select, .bitcastConvertType, .iota, .dynamicSlice, .dynamicUpdateSlice,
                 .pad, .concatenate, .gather, .scatter, .reduce, .argReduce, .cumulative, .sort, .dotGeneral,
                 .threefry2x32, .cond, .whileLoop, .scan, .collective:
                return nil
            }
        }

        /// Evaluates an equation on constant operands; true when it was folded away.
        mutating func fold(_ eq: JaxprEquation) -> Bool {
            if eq.primitive.isControlFlow || eq.inputs.isEmpty { return false }
            var args: [Tensor] = []
            var largest = 0
            for a in eq.inputs {
                switch a {
                case .literal(let l):
                    args.append(Tensor(literal: l))
                    largest = Swift.max(largest, 1)
                case .variable(let v):
                    guard let c = constValues[ObjectIdentifier(v)] else { return false }
                    args.append(c)
                    largest = Swift.max(largest, v.type.count)
                }
            }
            let allScalar = eq.outputs.allSatisfy { $0.type.rank == 0 }
            if !allScalar && eq.outputs.contains(where: { $0.type.count > largest }) { return false }
            // Place all-literal operands on the target device so the work runs there.
            if !args.contains(where: { $0.base is DeviceArray }) { args[0] = args[0].to(device) }
            let results = bind(eq.primitive, args)
            var replacements: [(JaxprVar, JaxprAtom, Tensor?)] = []
            for (v, r) in zip(eq.outputs, results) {
                if r.base is FailedArray { return false }
                if v.type.rank == 0 {
                    guard let bytes = try? r.bytes() else { return false }
                    let value = bytes.withUnsafeBytes { RawElement.load($0.baseAddress!, v.type.dtype) }
                    let lit = ScalarLiteral(ScalarLiteral.Value(value), dtype: v.type.dtype, weak: v.type.weakType)
                    replacements.append((v, .literal(lit), nil))
                } else {
                    if (try? r.waitUntilReady()) == nil { return false }
                    replacements.append((v, .variable(v), r))
                }
            }
            for (v, atom, tensor) in replacements {
                if let tensor {
                    constVars.append(v)
                    consts.append(tensor)
                    constValues[ObjectIdentifier(v)] = tensor
                } else {
                    subst[ObjectIdentifier(v)] = atom
                }
            }
            return true
        }

        func eliminateDeadCode(outputs: [JaxprAtom]) -> [JaxprEquation] {
            var live = Set<ObjectIdentifier>()
            for case .variable(let v) in outputs { live.insert(ObjectIdentifier(v)) }
            var kept: [JaxprEquation] = []
            for eq in equations.reversed() where eq.outputs.contains(where: { live.contains(ObjectIdentifier($0)) }) {
                kept.append(eq)
                for case .variable(let v) in eq.inputs { live.insert(ObjectIdentifier(v)) }
            }
            return kept.reversed()
        }

        func usedVariables(_ eqs: [JaxprEquation], outputs: [JaxprAtom]) -> Set<ObjectIdentifier> {
            var used = Set<ObjectIdentifier>()
            for case .variable(let v) in outputs { used.insert(ObjectIdentifier(v)) }
            for eq in eqs { for case .variable(let v) in eq.inputs { used.insert(ObjectIdentifier(v)) } }
            return used
        }
    }
}
