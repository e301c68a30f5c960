/// The options of `triangular_solve` (JAX's `lax.linalg.triangular_solve`).
public struct TriangularSolveOptions: Hashable, Sendable {
    /// Solve `op(a) x = b` when true, `x op(a) = b` when false.
    public var leftSide: Bool
    /// Whether `a` is lower (else upper) triangular; the other triangle is ignored.
    public var lower: Bool
    /// `op(a) = aᵀ` when true, `a` when false.
    public var transposeA: Bool
    /// Whether the diagonal of `a` is taken as ones (and not read).
    public var unitDiagonal: Bool

    /// Creates the options.
    public init(leftSide: Bool = true, lower: Bool = true, transposeA: Bool = false, unitDiagonal: Bool = false) {
        self.leftSide = leftSide
        self.lower = lower
        self.transposeA = transposeA
        self.unitDiagonal = unitDiagonal
    }
}

/// The linear-algebra primitives (`Primitive.linalg`). Each works on the trailing two
/// axes of its operands; leading axes are batch axes (equal in all operands).
///
/// Outputs: `cholesky(a)` -> lower `l` (zeros above the diagonal; NaNs on and below it when
/// `a` is not positive definite, which is `jnp.linalg.cholesky`'s result: JAX's primitive
/// gives all NaNs and its API keeps the lower triangle); `triangularSolve(a, b)` -> `x`;
/// `lu(a)` (square) -> `(lu, pivots int32[..., n], permutation int32[..., n])` with
/// `a[permutation] = l u`; `qr(a)` -> `(q, r)`; `eigh(a)` -> `(v, w)`, eigenvalues
/// ascending, from the lower triangle; `svd(a)` -> `(s, u, vt)`, `s` descending.
///
/// `qr` and `svd` give reduced factors (`k = min(m, n)`: `q` m×k, `r` k×n; `u` m×k, `vt` k×n)
/// unless `fullMatrices` (`q` m×m, `r` m×n; `u` m×m, `vt` n×n), as JAX's `full_matrices`.
public enum LinalgOp: Hashable, Sendable {
    case cholesky
    case triangularSolve(TriangularSolveOptions)
    case lu
    case qr(fullMatrices: Bool)
    case eigh
    case svd(fullMatrices: Bool)

    /// The printed primitive name, as JAX's.
    public var primitiveName: String {
        switch self {
        case .cholesky: return "cholesky"
        case .triangularSolve: return "triangular_solve"
        case .lu: return "lu"
        case .qr: return "qr"
        case .eigh: return "eigh"
        case .svd: return "svd"
        }
    }

    /// The jaxpr parameters, spelled as JAX prints them.
    var params: [(String, String)] {
        func b(_ v: Bool) -> String { v ? "True" : "False" }
        switch self {
        case .cholesky, .lu: return []
        case .triangularSolve(let o):
            return [("conjugate_a", "False"), ("left_side", b(o.leftSide)), ("lower", b(o.lower)),
                    ("transpose_a", b(o.transposeA)), ("unit_diagonal", b(o.unitDiagonal))]
        case .qr(let full): return [("full_matrices", b(full))]
        case .eigh: return [("lower", "True"), ("sort_eigenvalues", "True")]
        case .svd(let full): return [("compute_uv", "True"), ("full_matrices", b(full))]
        }
    }
}

/// The shape rules of the linear-algebra primitives.
enum LinalgShapes {
    static func outputTypes(_ op: LinalgOp, _ inputs: [ShapedType], fail: (String) -> Never) -> [ShapedType] {
        var expected = 1
        if case .triangularSolve = op { expected = 2 }
        if inputs.count != expected { fail("expects \(expected) operand(s), got \(inputs.count)") }
        let a = inputs[0]
        if !a.dtype.isFloatingPoint { fail("unsupported dtype \(a.dtype) (expects a floating-point type; convert with asType(.float32))") }
        if a.rank < 2 { fail("expects a matrix (rank >= 2), got shape \(shapeString(a.shape))") }
        let batch = Array(a.shape.dropLast(2)), m = a.shape[a.rank - 2], n = a.shape[a.rank - 1]
        func square() { if m != n { fail("expects square matrices, got shape \(shapeString(a.shape))") } }
        let dtype = a.dtype
        switch op {
        case .cholesky:
            square()
            return [ShapedType(a.shape, dtype)]
        case .triangularSolve(let o):
            square()
            let b = inputs[1]
            if b.dtype != dtype { fail("operands have different dtypes \(dtype) and \(b.dtype)") }
            if b.rank != a.rank || Array(b.shape.dropLast(2)) != batch {
                fail("b must have the batch shape of a, got shapes \(shapeString(a.shape)) and \(shapeString(b.shape))")
            }
            let solved = o.leftSide ? b.shape[b.rank - 2] : b.shape[b.rank - 1]
            if solved != m {
                fail("a of shape \(shapeString(a.shape)) does not match b of shape \(shapeString(b.shape)) (left_side: \(o.leftSide))")
            }
            return [ShapedType(b.shape, dtype)]
        case .lu:
            square()
            return [ShapedType(a.shape, dtype), ShapedType(batch + [n], .int32), ShapedType(batch + [n], .int32)]
        case .qr(let full):
            let k = full ? m : Swift.min(m, n)
            return [ShapedType(batch + [m, k], dtype), ShapedType(batch + [k, n], dtype)]
        case .eigh:
            square()
            return [ShapedType(a.shape, dtype), ShapedType(batch + [n], dtype)]
        case .svd(let full):
            let k = Swift.min(m, n)
            return [ShapedType(batch + [k], dtype), ShapedType(batch + [m, full ? m : k], dtype),
                    ShapedType(batch + [full ? n : k, n], dtype)]
        }
    }
}
