/// Linear algebra, as `jax.numpy.linalg`. Every function works on the trailing two axes
/// and batches over leading axes; all are differentiable (JAX's rules) and vmappable.
///
/// ```swift
/// let l = Linalg.cholesky(a)          // a = l lᵀ
/// let x = Linalg.solve(a, b)          // a x = b
/// Linalg.det(a); Linalg.inv(a)
/// ```
public enum Linalg {
    typealias M = MatrixOps

    /// The lower Cholesky factor of symmetric positive-definite matrices (the input is
    /// symmetrised as `(a + aᵀ) / 2`, as JAX). Not positive definite: NaNs on and below the
    /// diagonal, zeros above (as `jnp.linalg.cholesky`).
    public static func cholesky(_ a: Tensor) -> Tensor {
        let a = square(a, "cholesky")
        return Lax.cholesky(symmetrized(a))
    }

    /// Solves `op(a) x = b` (`leftSide`) or `x op(a) = b` for triangular `a`, as
    /// `jax.lax.linalg.triangular_solve`.
    public static func triangularSolve(_ a: Tensor, _ b: Tensor, leftSide: Bool = true, lower: Bool = true,
                                       transposeA: Bool = false, unitDiagonal: Bool = false) -> Tensor {
        let (a2, b2) = promoted(a, b)
        return Lax.triangularSolve(a2, b2, TriangularSolveOptions(leftSide: leftSide, lower: lower,
                                                                 transposeA: transposeA, unitDiagonal: unitDiagonal))
    }

    /// The LU factorisation with partial pivoting: `(p, l, u)` with `a = p l u` (as `jax.scipy.linalg.lu`).
    public static func lu(_ a: Tensor) -> (p: Tensor, l: Tensor, u: Tensor) {
        let a = square(a, "lu")
        let (packed, _, perm) = Lax.lu(a)
        let l = Lax.binary(.add, M.tril(packed, -1), M.eye(packed.shape, packed.dtype))
        return (M.mT(M.permutationMatrix(perm, a.dtype)), l, M.triu(packed))
    }

    /// Solves `a x = b` for square `a`; `b` is a vector `[n]` or matrices `[..., n, k]`, batch axes
    /// broadcast (by LU with partial pivoting).
    public static func solve(_ a: Tensor, _ b: Tensor) -> Tensor {
        var (a, b) = promoted(square(a, "solve"), b)
        let n = a.shape[a.rank - 1]
        let vector = b.rank == 1   // as NumPy 2 and JAX: only a 1-D b is a vector
        if vector { b = Lax.expandDims(b, axis: b.rank) }
        if b.rank < 2 || b.shape[b.rank - 2] != n {
            usageError("solve: b of shape \(shapeString(b.shape)) does not match a of shape \(shapeString(a.shape))")
        }
        let batch = broadcastShapes("solve", Array(a.shape.dropLast(2)), Array(b.shape.dropLast(2)))
        a = Lax.broadcast(a, to: batch + Array(a.shape.suffix(2)))
        b = Lax.broadcast(b, to: batch + Array(b.shape.suffix(2)))
        let (packed, _, perm) = Lax.lu(a)
        let pb = M.permuteRows(b, perm)
        let y = Lax.triangularSolve(packed, pb, TriangularSolveOptions(leftSide: true, lower: true, unitDiagonal: true))
        let x = Lax.triangularSolve(packed, y, TriangularSolveOptions(leftSide: true, lower: false))
        return vector ? Lax.reshape(x, Array(x.shape.dropLast())) : x
    }

    /// The inverse of square matrices.
    public static func inv(_ a: Tensor) -> Tensor {
        let a = square(a, "inv")
        return solve(a, M.eye(a.shape, a.dtype))
    }

    /// The determinant of square matrices (from the LU factorisation).
    public static func det(_ a: Tensor) -> Tensor {
        let a = square(a, "det")
        let (packed, pivots, _) = Lax.lu(a)
        let diag = M.diagonal(packed)
        return Lax.binary(.mul, parity(pivots, a.dtype), Lax.reduce(.prod, diag, axes: [diag.rank - 1]))
    }

    /// The sign and the log of the absolute value of the determinant (`det = sign * exp(logAbsDet)`).
    public static func slogdet(_ a: Tensor) -> (sign: Tensor, logAbsDet: Tensor) {
        let a = square(a, "slogdet")
        let (packed, pivots, _) = Lax.lu(a)
        let diag = M.diagonal(packed), axis = diag.rank - 1
        let logAbs = Lax.reduce(.sum, Lax.unary(.log, Lax.unary(.abs, diag)), axes: [axis])
        let sign = Lax.binary(.mul, parity(pivots, a.dtype), Lax.reduce(.prod, Lax.unary(.sign, diag), axes: [axis]))
        return (sign, logAbs)
    }

    /// The QR decomposition `a = q r` (`q` has orthonormal columns, `r` is upper triangular):
    /// reduced (`q` m×k, `r` k×n, `k = min(m, n)`) as `jnp.linalg.qr(a)`, or with
    /// `fullMatrices` `q` m×m and `r` m×n, as `jnp.linalg.qr(a, mode="complete")`.
    ///
    /// ```swift
    /// let (q, r) = Linalg.qr(a, fullMatrices: true)   // a: [5, 3] -> q: [5, 5], r: [5, 3]
    /// ```
    public static func qr(_ a: Tensor, fullMatrices: Bool = false) -> (q: Tensor, r: Tensor) {
        let a = matrix(a, "qr")
        let (q, r) = Lax.qr(a, fullMatrices: fullMatrices)
        return (q, r)
    }

    /// Eigenvalues (ascending) and eigenvectors (columns) of symmetric matrices (the input
    /// is symmetrised as `(a + aᵀ) / 2`), as `jnp.linalg.eigh`.
    public static func eigh(_ a: Tensor) -> (eigenvalues: Tensor, eigenvectors: Tensor) {
        let a = square(a, "eigh")
        let (v, w) = Lax.eigh(symmetrized(a))
        return (w, v)
    }

    /// The singular value decomposition `a = u diag(s) vt`, `s` descending: reduced (`u` m×k,
    /// `vt` k×n, `k = min(m, n)`) as `jnp.linalg.svd(a, full_matrices=False)`, or with
    /// `fullMatrices` square `u` m×m and `vt` n×n, as `jnp.linalg.svd(a)` (JAX's default).
    ///
    /// ```swift
    /// let (u, s, vt) = Linalg.svd(a, fullMatrices: true)   // a: [5, 3] -> u: [5, 5], s: [3], vt: [3, 3]
    /// ```
    public static func svd(_ a: Tensor, fullMatrices: Bool = false) -> (u: Tensor, s: Tensor, vt: Tensor) {
        let a = matrix(a, "svd")
        let (s, u, vt) = Lax.svd(a, fullMatrices: fullMatrices)
        return (u, s, vt)
    }

    /// The eigenvalues (ascending) of symmetric matrices, as `jnp.linalg.eigvalsh`.
    public static func eigvalsh(_ a: Tensor) -> Tensor { eigh(a).eigenvalues }

    /// The singular values (descending), as `jnp.linalg.svdvals`.
    public static func svdvals(_ a: Tensor) -> Tensor { svd(a).s }

    /// `(a + aᵀ) / 2`.
    static func symmetrized(_ a: Tensor) -> Tensor {
        Lax.binary(.mul, Lax.binary(.add, a, M.mT(a)), Lax.full(0.5, shape: a.shape, dtype: a.dtype))
    }

    /// `-1` for an odd number of row swaps, else `1` (one value per matrix).
    static func parity(_ pivots: Tensor, _ dtype: DType) -> Tensor {
        let swaps = Lax.compare(.ne, pivots, Lax.iota(.int32, shape: pivots.shape, dimension: pivots.rank - 1))
        let count = Lax.reduce(.sum, Lax.convert(swaps, to: .int32), axes: [pivots.rank - 1])
        let odd = Lax.convert(Lax.binary(.rem, count, Lax.full(2, shape: count.shape, dtype: .int32)), to: dtype)
        return Lax.binary(.sub, Lax.full(1, shape: odd.shape, dtype: dtype),
                          Lax.binary(.mul, Lax.full(2, shape: odd.shape, dtype: dtype), odd))
    }

    /// `a` as a floating-point stack of matrices (rank >= 2).
    static func matrix(_ a: Tensor, _ name: String) -> Tensor {
        if a.rank < 2 { usageError("\(name): expects a matrix or a stack of matrices (rank >= 2), got shape \(shapeString(a.shape))") }
        return Special.floating(a)
    }

    /// `a` as a floating-point stack of square matrices.
    static func square(_ a: Tensor, _ name: String) -> Tensor {
        let m = matrix(a, name)
        if m.shape[m.rank - 1] != m.shape[m.rank - 2] {
            usageError("\(name): expects square matrices, got shape \(shapeString(a.shape))")
        }
        return m
    }

    /// Both operands in one floating-point dtype (strong).
    static func promoted(_ a: Tensor, _ b: Tensor) -> (Tensor, Tensor) {
        var (dtype, _) = promoteTypes(a.dtype, weak: a.isWeaklyTyped, b.dtype, weak: b.isWeaklyTyped)
        if !dtype.isFloatingPoint { dtype = .float32 }
        return (Lax.convert(a, to: dtype), Lax.convert(b, to: dtype))
    }
}
