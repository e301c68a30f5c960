/// The order of a vector or matrix norm (NumPy's `ord`).
public enum NormOrder: Hashable, Sendable {
    /// `(Σ|x|^p)^(1/p)` for vectors; for matrices, `1`, `-1`, `2` (largest singular
    /// value) and `-2` (smallest) as NumPy.
    case p(Double)
    /// Max of |x| (vectors), max row sum (matrices).
    case inf
    /// Min of |x| (vectors), min row sum (matrices).
    case negInf
    /// Frobenius norm (matrices).
    case fro
    /// Nuclear norm: the sum of singular values (matrices).
    case nuc
}

extension Linalg {
    /// The norm of `x`, as `jnp.linalg.norm`: over all elements (2-norm of the flattened
    /// array when `ord` is nil), over one axis (a vector norm) or two axes (a matrix norm).
    ///
    /// ```swift
    /// Linalg.norm(v)                         // Euclidean length
    /// Linalg.norm(a, ord: .nuc, axes: [0, 1])
    /// ```
    public static func norm(_ x: Tensor, ord: NormOrder? = nil, axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let x = Special.floating(x)
        let axes = (axes ?? (ord == nil ? Array(0..<x.rank) : (x.rank == 1 ? [0] : [x.rank - 2, x.rank - 1])))
            .map { $0 < 0 ? $0 + x.rank : $0 }
        if axes.contains(where: { $0 < 0 || $0 >= x.rank }) { usageError("norm: axes out of bounds for shape \(shapeString(x.shape))") }
        let absX = abs(x)
        if ord == nil { return sqrt((x * x).sum(axes: axes, keepDims: keepDims)) }
        if axes.count == 1 {
            switch ord! {
            case .inf: return absX.max(axes: axes, keepDims: keepDims)
            case .negInf: return absX.min(axes: axes, keepDims: keepDims)
            case .p(0): return (x .!= 0).asType(x.dtype).sum(axes: axes, keepDims: keepDims)
            case .p(1): return absX.sum(axes: axes, keepDims: keepDims)
            case .p(2): return sqrt((x * x).sum(axes: axes, keepDims: keepDims))
            case .p(let p):
                let pt = Tensor.fullLike(x, p)
                let s = pow(absX, pt).sum(axes: axes, keepDims: keepDims)
                return pow(s, Tensor.fullLike(s, 1 / p))
            case .fro, .nuc: usageError("norm: ord \(ord!) is a matrix norm; pass two axes")
            }
        }
        if axes.count != 2 { usageError("norm: expects one or two axes, got \(axes)") }
        let (r, c) = (axes[0], axes[1])
        func restore(_ t: Tensor) -> Tensor {
            guard keepDims else { return t }
            var shape = x.shape
            shape[r] = 1
            shape[c] = 1
            return t.reshaped(shape)
        }
        switch ord! {
        case .fro: return restore(sqrt((x * x).sum(axes: axes)))
        case .inf: return restore(absX.sum(axes: [c], keepDims: true).max(axes: axes))
        case .negInf: return restore(absX.sum(axes: [c], keepDims: true).min(axes: axes))
        case .p(1): return restore(absX.sum(axes: [r], keepDims: true).max(axes: axes))
        case .p(-1): return restore(absX.sum(axes: [r], keepDims: true).min(axes: axes))
        case .p(2), .p(-2), .nuc:
            let rest = (0..<x.rank).filter { $0 != r && $0 != c }
            let s = svd(x.transposed(rest + [r, c])).s
            let last = s.rank - 1
            switch ord! {
            case .p(2): return restore(s.max(axes: [last]))
            case .p(-2): return restore(s.min(axes: [last]))
            default: return restore(s.sum(axes: [last]))
            }
        case .p(let p): usageError("norm: unsupported matrix norm order \(p) (use 1, -1, 2, -2, .inf, .negInf, .fro or .nuc)")
        }
    }
}
