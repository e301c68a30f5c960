/// Differentiation and batching rules of the `linalg` primitives.
///
/// Forward mode uses JAX's tangent formulas (`tangents`), which take the primal outputs as
/// constants and are linear in the input tangents. Reverse mode transposes that linear map
/// (by differentiating it with respect to the tangents, as JAX's linearize-and-transpose),
/// except for `triangular_solve`, whose transpose is written out (it is what the others'
/// transposes are built on).
enum LinalgRules {
    typealias M = MatrixOps

    static func jvp(_ op: LinalgOp, primals: [Tensor], tangents: [Tensor?]) -> ([Tensor], [Tensor?]) {
        let outs = bind(.linalg(op), primals)
        if tangents.allSatisfy({ $0 == nil }) { return (outs, outs.map { _ in nil }) }
        return (outs, self.tangents(op, inputs: primals, outputs: outs, tangents: tangents))
    }

    static func vjp(_ op: LinalgOp, inputs: [Tensor], outputs: [Tensor], cotangents: [Tensor?], needs: [Bool]) -> [Tensor?] {
        if case .triangularSolve(let o) = op {
            return triangularSolveVJP(o, a: inputs[0], x: outputs[0], ct: cotangents[0], needs: needs)
        }
        let floatOutputs = outputs.indices.filter { outputs[$0].dtype.isFloatingPoint }
        let zeros = inputs.map { AutodiffValues.zeros($0.type.strong) }
        let (_, transpose) = vjpFlat({ ts in
            let t = tangents(op, inputs: inputs, outputs: outputs, tangents: ts.map { Optional($0) })
            return floatOutputs.map { AutodiffValues.instantiate(t[$0], outputs[$0].type.strong) }
        }, primals: zeros, wrt: needs)
        return transpose(floatOutputs.map { cotangents[$0] })
    }

    static func batch(_ op: LinalgOp, _ xs: [BatchedValue], _ size: Int) -> [BatchedValue] {
        let operands = xs.map { BatchAxis.materialize($0, at: 0, size: size) }
        return bind(.linalg(op), operands).map { BatchedValue($0, 0) }
    }

    /// The operands' cotangents of `x = triangular_solve(a, b)`.
    static func triangularSolveVJP(_ o: TriangularSolveOptions, a: Tensor, x: Tensor, ct: Tensor?, needs: [Bool]) -> [Tensor?] {
        guard let ct else { return [nil, nil] }
        var flipped = o
        flipped.transposeA.toggle()
        let bBar = Lax.triangularSolve(a, ct, flipped)
        var aBar: Tensor? = nil
        if needs[0] {
            // The cotangent of op(a) is -b̄ xᵀ (left side) or -xᵀ b̄ (right side).
            let opBar = o.leftSide ? M.mm(bBar, M.mT(x)) : M.mm(M.mT(x), bBar)
            let full = Lax.unary(.neg, o.transposeA ? M.mT(opBar) : opBar)
            aBar = triangle(full, o)
        }
        return [aBar, needs[1] ? bBar : nil]
    }

    /// The part of `t` that `triangular_solve` reads from `a` (its triangle, without the
    /// diagonal when it is a unit diagonal).
    static func triangle(_ t: Tensor, _ o: TriangularSolveOptions) -> Tensor {
        let k = o.unitDiagonal ? 1 : 0
        return o.lower ? M.tril(t, -k) : M.triu(t, k)
    }

    /// The output tangents of `op` from the input tangents (nil is zero).
    static func tangents(_ op: LinalgOp, inputs: [Tensor], outputs: [Tensor], tangents ts: [Tensor?]) -> [Tensor?] {
        let a = inputs[0]
        switch op {
        case .cholesky:
            guard let t = ts[0] else { return [nil] }
            let l = outputs[0]
            let sigma = lowerSymmetric(t)
            let tmp = Lax.triangularSolve(l, sigma, TriangularSolveOptions(leftSide: false, lower: true, transposeA: true))
            let inner = Lax.triangularSolve(l, tmp, TriangularSolveOptions(leftSide: true, lower: true))
            let half = Lax.binary(.mul, Lax.full(0.5, shape: inner.shape, dtype: inner.dtype), M.diagMatrix(M.diagonal(inner)))
            let phi = Lax.binary(.add, M.tril(inner, -1), half)
            return [M.mm(l, phi)]

        case .triangularSolve(let o):
            let x = outputs[0]
            var rhs = ts[1]
            if let ta = ts[0] {
                let masked = triangle(ta, o)
                let opT = o.transposeA ? M.mT(masked) : masked
                let term = o.leftSide ? M.mm(opT, x) : M.mm(x, opT)
                rhs = rhs.map { Lax.binary(.sub, $0, term) } ?? Lax.unary(.neg, term)
            }
            return [rhs.map { Lax.triangularSolve(a, $0, o) }]

        case .lu:
            guard let t = ts[0] else { return [nil, nil, nil] }
            let packed = outputs[0], perm = outputs[2]
            let l = Lax.binary(.add, M.tril(packed, -1), M.eye(packed.shape, packed.dtype))
            let u = M.triu(packed)
            let x = M.permuteRows(t, perm)
            let la = Lax.triangularSolve(packed, x, TriangularSolveOptions(leftSide: true, lower: true, unitDiagonal: true))
            let lau = Lax.triangularSolve(packed, la, TriangularSolveOptions(leftSide: false, lower: false))
            let lDot = M.mm(l, M.tril(lau, -1)), uDot = M.mm(M.triu(lau), u)
            return [Lax.binary(.add, lDot, uDot), nil, nil]

        case .qr(let full):
            guard let t = ts[0] else { return [nil, nil] }
            let m = a.shape[a.rank - 2], n = a.shape[a.rank - 1]
            if m < n { usageError("qr: derivatives are implemented only for matrices with rows >= columns, got shape \(shapeString(a.shape))") }
            // As JAX: the complete factorisation of a non-square matrix has no unique derivative.
            if full && m != n { usageError("qr: derivatives of fullMatrices: true are implemented only for square matrices (as JAX), got shape \(shapeString(a.shape)); use fullMatrices: false") }
            let q = outputs[0], r = outputs[1]
            let dxRinv = Lax.triangularSolve(r, t, TriangularSolveOptions(leftSide: false, lower: false))
            let qtDxRinv = M.mm(M.mT(q), dxRinv)
            let lower = M.tril(qtDxRinv, -1)
            let omega = Lax.binary(.sub, lower, M.mT(lower))
            let dq = Lax.binary(.add, M.mm(q, Lax.binary(.sub, omega, qtDxRinv)), dxRinv)
            let dr = M.mm(Lax.binary(.sub, qtDxRinv, omega), r)
            return [dq, dr]

        case .eigh:
            guard let t = ts[0] else { return [nil, nil] }
            let v = outputs[0], w = outputs[1], n = w.shape[w.rank - 1]
            let eye = M.eye(v.shape, v.dtype)
            let gaps = Lax.binary(.sub, M.spread(w, rows: true, count: n), M.spread(w, rows: false, count: n))
            let f = Lax.binary(.sub, Lax.binary(.div, Lax.onesLike(eye), Lax.binary(.add, eye, gaps)), eye)
            let projected = M.mm(M.mm(M.mT(v), lowerSymmetric(t)), v)
            return [M.mm(v, Lax.binary(.mul, f, projected)), M.diagonal(projected)]

        case .svd(let full):
            guard let t = ts[0] else { return [nil, nil, nil] }
            if full && a.shape[a.rank - 2] != a.shape[a.rank - 1] {
                usageError("svd: derivatives of fullMatrices: true are implemented only for square matrices (JAX has none), got shape \(shapeString(a.shape)); use fullMatrices: false")
            }
            return svdTangents(a: a, s: outputs[0], u: outputs[1], vt: outputs[2], t: t)
        }
    }

    /// The symmetric matrix whose lower triangle is that of `t` (what the primitives read).
    static func lowerSymmetric(_ t: Tensor) -> Tensor {
        Lax.binary(.add, M.tril(t), M.mT(M.tril(t, -1)))
    }

    /// JAX's `_svd_jvp_rule` for real matrices (reduced factors).
    static func svdTangents(a: Tensor, s: Tensor, u: Tensor, vt: Tensor, t: Tensor) -> [Tensor?] {
        let m = a.shape[a.rank - 2], n = a.shape[a.rank - 1], k = Swift.min(m, n)
        let v = M.mT(vt), ut = M.mT(u)
        let sCols = M.spread(s, rows: true, count: k)   // [i, j] = s_j
        let sRows = M.spread(s, rows: false, count: k)  // [i, j] = s_i
        let dS = M.mm(M.mm(ut, t), v)
        let ds = M.diagonal(dS)
        let eye = M.eye(dS.shape, dS.dtype)
        let diffs = Lax.binary(.mul, Lax.binary(.add, sCols, sRows), Lax.binary(.sub, sCols, sRows))
        let f = Lax.binary(.sub, Lax.binary(.div, Lax.onesLike(eye), Lax.binary(.add, diffs, eye)), eye)
        let dSS = Lax.binary(.mul, sCols, dS), sdS = Lax.binary(.mul, sRows, dS)
        var dU = M.mm(u, Lax.binary(.mul, f, Lax.binary(.add, dSS, M.mT(dSS))))
        var dV = M.mm(v, Lax.binary(.mul, f, Lax.binary(.add, sdS, M.mT(sdS))))
        if m > n {
            let dAV = M.mm(t, v)
            let rest = Lax.binary(.sub, dAV, M.mm(u, M.mm(ut, dAV)))
            dU = Lax.binary(.add, dU, Lax.binary(.div, rest, M.spread(s, rows: true, count: m)))
        }
        if n > m {
            let dAHU = M.mm(M.mT(t), u)
            let rest = Lax.binary(.sub, dAHU, M.mm(v, M.mm(vt, dAHU)))
            dV = Lax.binary(.add, dV, Lax.binary(.div, rest, M.spread(s, rows: true, count: n)))
        }
        return [ds, dU, M.mT(dV)]
    }
}
