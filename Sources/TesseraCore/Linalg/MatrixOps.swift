extension Lax {
    /// `cholesky(a)`: the lower Cholesky factor (lower triangle of `a` read).
    public static func cholesky(_ a: Tensor) -> Tensor { bind1(.linalg(.cholesky), a) }
    /// `triangular_solve(a, b)`: `x` with `op(a) x = b` (left side) or `x op(a) = b`.
    public static func triangularSolve(_ a: Tensor, _ b: Tensor, _ options: TriangularSolveOptions) -> Tensor {
        bind1(.linalg(.triangularSolve(options)), a, b)
    }
    /// `lu(a)` -> `(lu, pivots, permutation)` of square matrices.
    public static func lu(_ a: Tensor) -> (lu: Tensor, pivots: Tensor, permutation: Tensor) {
        let r = bind(.linalg(.lu), [a])
        return (r[0], r[1], r[2])
    }
    /// `qr(a)` -> `(q, r)`: reduced (`q` m×k, `r` k×n, `k = min(m, n)`) or with `fullMatrices` `q` m×m, `r` m×n.
    public static func qr(_ a: Tensor, fullMatrices: Bool = false) -> (q: Tensor, r: Tensor) {
        let r = bind(.linalg(.qr(fullMatrices: fullMatrices)), [a])
        return (r[0], r[1])
    }
    /// `eigh(a)` -> `(v, w)` of symmetric matrices (lower triangle read), `w` ascending.
    public static func eigh(_ a: Tensor) -> (v: Tensor, w: Tensor) {
        let r = bind(.linalg(.eigh), [a])
        return (r[0], r[1])
    }
    /// `svd(a)` -> `(s, u, vt)`, `s` descending: reduced (`u` m×k, `vt` k×n) or with `fullMatrices` `u` m×m, `vt` n×n.
    public static func svd(_ a: Tensor, fullMatrices: Bool = false) -> (s: Tensor, u: Tensor, vt: Tensor) {
        let r = bind(.linalg(.svd(fullMatrices: fullMatrices)), [a])
        return (r[0], r[1], r[2])
    }
}

/// Batched matrix helpers on the trailing two axes, written with `Lax` (so they trace,
/// differentiate and batch), used by the linear-algebra rules and API.
enum MatrixOps {
    /// `a @ b` over the trailing two axes with equal leading (batch) axes.
    static func mm(_ a: Tensor, _ b: Tensor) -> Tensor {
        let r = a.rank
        let batch = Array(0..<(r - 2))
        return Lax.dotGeneral(a, b, DotDimensionNumbers(lhsContracting: [r - 1], rhsContracting: [r - 2],
                                                        lhsBatch: batch, rhsBatch: batch))
    }

    /// Swaps the trailing two axes.
    static func mT(_ a: Tensor) -> Tensor {
        let r = a.rank
        return Lax.transpose(a, Array(0..<(r - 2)) + [r - 1, r - 2])
    }

    /// A bool mask of `shape` (trailing two axes) true where `col - row` satisfies `keep`.
    static func mask(_ shape: [Int], _ keep: CompareOp, _ k: Int) -> Tensor {
        let r = shape.count
        let rows = Lax.iota(.int32, shape: shape, dimension: r - 2)
        let cols = Lax.iota(.int32, shape: shape, dimension: r - 1)
        let diff = Lax.binary(.sub, cols, rows)
        return Lax.compare(keep, diff, Lax.full(Double(k), shape: shape, dtype: .int32))
    }

    /// Elements on and below diagonal `k` (`col - row <= k`); others zero.
    static func tril(_ a: Tensor, _ k: Int = 0) -> Tensor {
        Lax.select(mask(a.shape, .le, k), onTrue: a, onFalse: Lax.zerosLike(a))
    }

    /// Elements on and above diagonal `k` (`col - row >= k`); others zero.
    static func triu(_ a: Tensor, _ k: Int = 0) -> Tensor {
        Lax.select(mask(a.shape, .ge, k), onTrue: a, onFalse: Lax.zerosLike(a))
    }

    /// The identity of `shape` (trailing two axes), broadcast over leading axes.
    static func eye(_ shape: [Int], _ dtype: DType) -> Tensor {
        Lax.convert(mask(shape, .eq, 0), to: dtype)
    }

    /// The diagonal `[..., n]` of square matrices `[..., n, n]`.
    static func diagonal(_ a: Tensor) -> Tensor {
        Lax.reduce(.sum, Lax.binary(.mul, a, eye(a.shape, a.dtype)), axes: [a.rank - 1])
    }

    /// Square matrices `[..., n, n]` with `d` (`[..., n]`) on the diagonal.
    static func diagMatrix(_ d: Tensor) -> Tensor {
        let n = d.shape[d.rank - 1], shape = d.shape + [n]
        return Lax.binary(.mul, Lax.broadcastInDim(d, shape: shape, dims: Array(0..<(d.rank - 1)) + [d.rank]), eye(shape, d.dtype))
    }

    /// `v` (`[..., n]`) broadcast along a new axis at `axis` (rank-2 position -2 or -1) to `[..., n, n]`-like shape.
    static func spread(_ v: Tensor, rows: Bool, count: Int) -> Tensor {
        let r = v.rank
        let batch = Array(0..<(r - 1))
        if rows {
            // out[..., i, j] = v[..., j]
            return Lax.broadcastInDim(v, shape: Array(v.shape.dropLast()) + [count, v.shape[r - 1]], dims: batch + [r])
        }
        // out[..., i, j] = v[..., i]
        return Lax.broadcastInDim(v, shape: Array(v.shape.dropLast()) + [v.shape[r - 1], count], dims: batch + [r - 1])
    }

    /// A one-hot permutation matrix `p[..., i, j] = (perm[..., i] == j)` of `dtype`.
    static func permutationMatrix(_ perm: Tensor, _ dtype: DType) -> Tensor {
        let n = perm.shape[perm.rank - 1], shape = perm.shape + [n]
        let cols = Lax.iota(.int32, shape: shape, dimension: perm.rank)
        let p = Lax.broadcastInDim(perm, shape: shape, dims: Array(0..<perm.rank))
        return Lax.convert(Lax.compare(.eq, p, cols), to: dtype)
    }

    /// `b[..., perm[..., i], :]`: the rows of matrices `b` (`[..., n, k]`) in the order `perm`
    /// (`[..., n]`, the same leading axes), as one gather (O(n k), not a permutation matmul).
    static func permuteRows(_ b: Tensor, _ perm: Tensor) -> Tensor {
        let nb = b.rank - 2, k = b.shape[b.rank - 1], batch = Array(0..<nb)
        let indices = Lax.expandDims(Lax.convert(perm, to: .int32), axis: perm.rank)
        let dn = GatherDimensionNumbers(offsetDims: [nb + 1], collapsedSliceDims: [nb], startIndexMap: [nb],
                                        operandBatchingDims: batch, startIndicesBatchingDims: batch)
        return Lax.gather(b, indices, dn, sliceSizes: [Int](repeating: 1, count: nb + 1) + [k])
    }

    /// `x + y`, treating nil as zero.
    static func add(_ x: Tensor?, _ y: Tensor?) -> Tensor? {
        guard let x else { return y }
        guard let y else { return x }
        return Lax.binary(.add, x, y)
    }
}
