/// Abstract evaluation: the output types of a primitive from its input types, with the
/// operand checks that give programmer errors their messages.
///
/// One exhaustive switch over `Primitive` (no `default:`): a new primitive without a
/// shape rule does not compile.
public enum ShapeRules {
    /// The output types of `primitive` applied to operands of `inputs` types.
    /// Stops with a message naming the primitive and the offending shapes/dtypes.
    public static func outputTypes(_ primitive: Primitive, _ inputs: [ShapedType]) -> [ShapedType] {
        let name = printedName(primitive)
        func fail(_ why: String) -> Never { usageError("\(name): \(why)") }
        func expectCount(_ n: Int) {
            if inputs.count != n { fail("expects \(n) operand(s), got \(inputs.count)") }
        }
        func allWeak(_ ts: [ShapedType]) -> Bool { ts.allSatisfy(\.weakType) }
        func checkAxis(_ axis: Int, rank: Int) {
            if axis < 0 || axis >= rank { fail("axis \(axis) is out of bounds for a tensor of rank \(rank)") }
        }
        func sameShapeAndDType(_ a: ShapedType, _ b: ShapedType) {
            if a.shape != b.shape {
                fail("operands could not be broadcast together with shapes \(shapeString(a.shape)) \(shapeString(b.shape))")
            }
            if a.dtype != b.dtype { fail("operands have different dtypes \(a.dtype) and \(b.dtype); convert one with asType(_:)") }
        }

        switch primitive {
        case .unary(let op):
            expectCount(1)
            let x = inputs[0]
            if op.requiresFloat && !x.dtype.isFloatingPoint {
                fail("unsupported dtype \(x.dtype) (expects a floating-point type; convert with asType(.float32))")
            }
            switch op {
            case .not:
                if x.dtype.isFloatingPoint { fail("unsupported dtype \(x.dtype) (expects bool or an integer type)") }
                return [x]
            case .neg, .abs, .sign:
                if x.dtype == .bool { fail("unsupported dtype bool (expects a numeric type)") }
                return [x]
            case .isFinite:
                return [ShapedType(x.shape, .bool)]
            case .floor, .ceil, .round, .exp, .exp2, .log, .log1p, .expm1, .sin, .cos, .tan, .tanh,
                 .logistic, .sqrt, .rsqrt, .erf, .erfInv, .lgamma, .digamma:
                return [x]
            }

        case .binary(let op):
            expectCount(2)
            let (a, b) = (inputs[0], inputs[1])
            sameShapeAndDType(a, b)
            switch op {
            case .and, .or, .xor:
                if a.dtype.isFloatingPoint { fail("unsupported dtype \(a.dtype) (expects bool or an integer type)") }
            case .shiftLeft, .shiftRightLogical, .shiftRightArithmetic:
                if !a.dtype.isInteger { fail("unsupported dtype \(a.dtype) (expects an integer type)") }
            case .atan2:
                if !a.dtype.isFloatingPoint { fail("unsupported dtype \(a.dtype) (expects a floating-point type)") }
            case .add, .sub, .mul, .div, .rem, .pow, .max, .min:
                if a.dtype == .bool && op != .max && op != .min && op != .add && op != .mul {
                    fail("unsupported dtype bool (expects a numeric type)")
                }
            }
            return [ShapedType(a.shape, a.dtype, weak: allWeak([a, b]))]

        case .compare:
            expectCount(2)
            sameShapeAndDType(inputs[0], inputs[1])
            return [ShapedType(inputs[0].shape, .bool)]

        case .select:
            expectCount(3)
            let (which, f, t) = (inputs[0], inputs[1], inputs[2])
            if which.dtype != .bool { fail("the predicate must be bool, got \(which.dtype)") }
            sameShapeAndDType(f, t)
            if which.rank != 0 && which.shape != f.shape {
                fail("predicate shape \(shapeString(which.shape)) must be () or match the operands' \(shapeString(f.shape))")
            }
            return [ShapedType(f.shape, f.dtype, weak: allWeak([f, t]))]

        case .convertElementType(let newDType, let weak):
            expectCount(1)
            return [ShapedType(inputs[0].shape, newDType, weak: weak)]

        case .bitcastConvertType(let newDType):
            expectCount(1)
            if newDType.byteSize != inputs[0].dtype.byteSize {
                fail("cannot bitcast \(inputs[0].dtype) to \(newDType): element sizes differ")
            }
            return [ShapedType(inputs[0].shape, newDType)]

        case .iota(let dtype, let shape, let dimension):
            expectCount(0)
            checkAxis(dimension, rank: shape.count)
            if shape.contains(where: { $0 < 0 }) { fail("negative dimension in shape \(shapeString(shape))") }
            return [ShapedType(shape, dtype)]

        case .broadcastInDim(let shape, let dims):
            expectCount(1)
            let x = inputs[0]
            if dims.count != x.rank { fail("broadcast_dimensions \(dims) must have one entry per operand axis (rank \(x.rank))") }
            for (i, d) in dims.enumerated() {
                checkAxis(d, rank: shape.count)
                if i > 0 && dims[i - 1] >= d { fail("broadcast_dimensions \(dims) must be strictly increasing") }
                if x.shape[i] != 1 && x.shape[i] != shape[d] {
                    fail("operands could not be broadcast together with shapes \(shapeString(x.shape)) \(shapeString(shape))")
                }
            }
            return [x.with(shape: shape)]

        case .reshape(let newSizes):
            expectCount(1)
            if newSizes.contains(where: { $0 < 0 }) || newSizes.reduce(1, *) != inputs[0].count {
                fail("cannot reshape array of shape \(shapeString(inputs[0].shape)) (\(inputs[0].count) elements) into shape \(shapeString(newSizes))")
            }
            return [inputs[0].with(shape: newSizes)]

        case .transpose(let perm):
            expectCount(1)
            let x = inputs[0]
            if perm.sorted() != Array(0..<x.rank) { fail("permutation \(perm) is not a permutation of the \(x.rank) axes") }
            return [x.with(shape: perm.map { x.shape[$0] })]

        case .slice(let start, let limit, let strides):
            expectCount(1)
            let x = inputs[0]
            if start.count != x.rank || limit.count != x.rank || strides.count != x.rank {
                fail("start, limit and strides must have one entry per axis (rank \(x.rank))")
            }
            var out: [Int] = []
            for i in 0..<x.rank {
                if start[i] < 0 || limit[i] > x.shape[i] || start[i] > limit[i] || strides[i] < 1 {
                    fail("slice [\(start[i]):\(limit[i]):\(strides[i])] is out of bounds for axis \(i) of size \(x.shape[i])")
                }
                out.append((limit[i] - start[i] + strides[i] - 1) / strides[i])
            }
            return [x.with(shape: out)]

        case .dynamicSlice(let sizes):
            let x = inputs[0]
            if inputs.count != 1 + x.rank { fail("expects the operand and \(x.rank) start indices, got \(inputs.count - 1)") }
            for i in inputs.dropFirst() where i.rank != 0 || !i.dtype.isInteger {
                fail("start indices must be integer scalars, got \(i)")
            }
            if sizes.count != x.rank { fail("slice_sizes \(sizes) must have one entry per axis (rank \(x.rank))") }
            for i in 0..<x.rank where sizes[i] < 0 || sizes[i] > x.shape[i] {
                fail("slice size \(sizes[i]) exceeds axis \(i) of size \(x.shape[i])")
            }
            return [x.with(shape: sizes)]

        case .dynamicUpdateSlice:
            let x = inputs[0]
            if inputs.count != 2 + x.rank { fail("expects the operand, the update and \(x.rank) start indices") }
            let u = inputs[1]
            if u.rank != x.rank || u.dtype != x.dtype || zip(u.shape, x.shape).contains(where: { $0 > $1 }) {
                fail("update \(u) does not fit into operand \(x)")
            }
            for i in inputs.dropFirst(2) where i.rank != 0 || !i.dtype.isInteger {
                fail("start indices must be integer scalars, got \(i)")
            }
            return [x.strong]

        case .pad(let config):
            expectCount(2)
            let (x, v) = (inputs[0], inputs[1])
            if v.rank != 0 || v.dtype != x.dtype { fail("the padding value must be a scalar of dtype \(x.dtype), got \(v)") }
            if config.count != x.rank { fail("padding config must have one entry per axis (rank \(x.rank))") }
            var out: [Int] = []
            for (n, c) in zip(x.shape, config) {
                if c.interior < 0 { fail("interior padding must be non-negative") }
                let size = c.low + c.high + n + Swift.max(0, n - 1) * c.interior
                if size < 0 { fail("padding \(c) gives a negative size for an axis of size \(n)") }
                out.append(size)
            }
            return [x.with(shape: out)]

        case .concatenate(let dimension):
            guard let first = inputs.first else { fail("needs at least one operand") }
            checkAxis(dimension, rank: first.rank)
            var total = 0
            for t in inputs {
                if t.rank != first.rank || t.dtype != first.dtype {
                    fail("all operands must have the same rank and dtype, got \(inputs.map(\.description).joined(separator: ", "))")
                }
                for i in 0..<t.rank where i != dimension && t.shape[i] != first.shape[i] {
                    fail("operand shapes \(inputs.map { shapeString($0.shape) }.joined(separator: " ")) differ outside axis \(dimension)")
                }
                total += t.shape[dimension]
            }
            var shape = first.shape
            shape[dimension] = total
            return [ShapedType(shape, first.dtype, weak: allWeak(inputs))]

        case .rev(let dims):
            expectCount(1)
            for d in dims { checkAxis(d, rank: inputs[0].rank) }
            return [inputs[0]]

        case .gather(let dn, let sliceSizes, _):
            expectCount(2)
            return [GatherShapes.outputType(operand: inputs[0], indices: inputs[1], dimensionNumbers: dn, sliceSizes: sliceSizes, fail: fail)]

        case .scatter(let dn, _):
            expectCount(3)
            GatherShapes.checkScatter(operand: inputs[0], indices: inputs[1], updates: inputs[2], dimensionNumbers: dn, fail: fail)
            return [inputs[0].strong]

        case .reduce(let op, let axes):
            expectCount(1)
            let x = inputs[0]
            for a in axes { checkAxis(a, rank: x.rank) }
            if Set(axes).count != axes.count { fail("duplicate axes \(axes)") }
            if (op == .and || op == .or) && x.dtype.isFloatingPoint { fail("unsupported dtype \(x.dtype) (expects bool or an integer type)") }
            let shape = x.shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element)
            return [x.with(shape: shape)]

        case .argReduce(_, let axis, let indexDType):
            expectCount(1)
            let x = inputs[0]
            checkAxis(axis, rank: x.rank)
            if x.shape[axis] == 0 { fail("attempt to get \(name) of an empty sequence (axis \(axis) has size 0)") }
            if !indexDType.isInteger { fail("index dtype must be an integer type, got \(indexDType)") }
            var shape = x.shape
            shape.remove(at: axis)
            return [ShapedType(shape, indexDType)]

        case .cumulative(_, let axis, _):
            expectCount(1)
            checkAxis(axis, rank: inputs[0].rank)
            return [inputs[0]]

        case .sort(let dimension, _, let numKeys):
            guard let first = inputs.first else { fail("needs at least one operand") }
            checkAxis(dimension, rank: first.rank)
            if numKeys < 1 || numKeys > inputs.count { fail("num_keys \(numKeys) must be between 1 and the operand count \(inputs.count)") }
            for t in inputs where t.shape != first.shape {
                fail("all operands must have the same shape, got \(inputs.map { shapeString($0.shape) }.joined(separator: " "))")
            }
            return inputs

        case .dotGeneral(let dn, let preferred):
            expectCount(2)
            return [DotShapes.outputType(lhs: inputs[0], rhs: inputs[1], dimensionNumbers: dn, preferred: preferred, fail: fail)]

        case .convGeneralDilated(let p): return [ConvShapes.outputType(inputs, p, fail: fail)]
        case .linalg(let op): return LinalgShapes.outputTypes(op, inputs, fail: fail)
        case .threefry2x32:
            expectCount(4)
            for t in inputs where t.dtype != .uint32 { fail("operands must be uint32, got \(t)") }
            for t in inputs where t.shape != inputs[0].shape { fail("operands must have one shape, got \(inputs.map(\.description))") }
            let out = ShapedType(inputs[0].shape, .uint32)
            return [out, out]

        case .stopGradient:
            expectCount(1)
            return inputs

        case .cond(let branches):
            guard let index = inputs.first else { fail("needs an index operand") }
            if index.rank != 0 || !(index.dtype == .int32 || index.dtype == .bool) {
                fail("the branch index must be an int32 or bool scalar, got \(index)")
            }
            guard let b0 = branches.first else { fail("needs at least one branch") }
            let ops = Array(inputs.dropFirst())
            for (i, b) in branches.enumerated() {
                if !typesMatch(b.inTypes, ops) { fail("branch \(i) takes \(b.inTypes) but the operands are \(ops)") }
                if !typesMatch(b.outTypes, b0.outTypes) {
                    fail("branches must return the same types: branch 0 returns \(b0.outTypes), branch \(i) returns \(b.outTypes)")
                }
            }
            return b0.outTypes

        case .whileLoop(let cond, let body, let nc, let nb):
            if inputs.count < nc + nb { fail("expects \(nc) + \(nb) constants before the carry") }
            let condConsts = Array(inputs[0..<nc]), bodyConsts = Array(inputs[nc..<(nc + nb)])
            let carry = Array(inputs[(nc + nb)...])
            if !typesMatch(cond.inTypes, condConsts + carry) { fail("cond_fun takes \(cond.inTypes) but gets \(condConsts + carry)") }
            if cond.outTypes.count != 1 || cond.outTypes[0].dtype != .bool || cond.outTypes[0].rank != 0 {
                fail("cond_fun must return a bool scalar, got \(cond.outTypes)")
            }
            if !typesMatch(body.inTypes, bodyConsts + carry) { fail("body_fun takes \(body.inTypes) but gets \(bodyConsts + carry)") }
            if !typesMatch(body.outTypes, carry) {
                fail("body_fun must return the carry's types \(carry), got \(body.outTypes)")
            }
            return carry.map(\.strong)

        case .scan(let body, let length, _, let nConsts, let nCarry):
            if inputs.count < nConsts + nCarry { fail("expects \(nConsts) constants and \(nCarry) carries") }
            let consts = Array(inputs[0..<nConsts]), carry = Array(inputs[nConsts..<(nConsts + nCarry)])
            let xs = Array(inputs[(nConsts + nCarry)...])
            for x in xs where x.rank == 0 || x.shape[0] != length {
                fail("scanned inputs must have leading axis of size \(length), got \(x)")
            }
            let xSlices = xs.map { $0.with(shape: Array($0.shape.dropFirst())) }
            if !typesMatch(body.inTypes, consts + carry + xSlices) {
                fail("the body takes \(body.inTypes) but gets \(consts + carry + xSlices)")
            }
            let outs = body.outTypes
            if outs.count < nCarry || !typesMatch(Array(outs[0..<nCarry]), carry) {
                fail("the body must return the carry's types \(carry) first, got \(outs)")
            }
            let ys = outs[nCarry...].map { ShapedType([length] + $0.shape, $0.dtype) }
            return carry.map(\.strong) + ys

        case .collective(let op, _, let n):
            switch op {
            case .axisIndex:
                expectCount(0)
                return [ShapedType([], .int32)]
            case .psum, .pmax, .pmin, .ppermute:
                expectCount(1)
                if case .ppermute = op {} else if inputs[0].dtype == .bool { fail("unsupported dtype bool (expects a numeric type)") }
                return [inputs[0].strong]
            case .allGather(let axis):
                expectCount(1)
                if axis < 0 || axis > inputs[0].rank { fail("axis \(axis) is out of bounds for a result of rank \(inputs[0].rank + 1)") }
                var shape = inputs[0].shape
                shape.insert(n, at: axis)
                return [ShapedType(shape, inputs[0].dtype)]
            }
        }
    }

    /// Whether two type lists agree in shape and dtype (weak types may differ).
    public static func typesMatch(_ a: [ShapedType], _ b: [ShapedType]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.shape == $1.shape && $0.dtype == $1.dtype }
    }
}
