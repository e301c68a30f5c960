import COpenBLAS
import TesseraCore

/// The `linalg` primitives on a BLAS device's host memory with LAPACK (OpenBLAS):
/// cholesky (`potrf`), triangular_solve (CBLAS `trsm`), lu (`getrf`), qr (`geqrf` +
/// `orgqr`), eigh (`syevd`) and svd (`gesdd`), float32 and float64, one LAPACK call per
/// matrix of the leading (batch) axes.
///
/// Operands are row-major and LAPACK is column-major: a row-major buffer read column-major
/// is the transpose, which these kernels use where it is free (cholesky and eigh of a
/// symmetric matrix, svd by `aᵀ = v s uᵀ`) and otherwise transpose into a workspace.
/// Failures follow JAX: a matrix that is not positive definite gives a NaN Cholesky factor
/// (below the diagonal),
/// eigh and svd that do not converge give NaNs, and a singular matrix keeps its LU factors
/// (zero pivots; solves then give infinities or NaNs). Other dtypes and empty matrices are
/// left to the host implementation (`run` returns false).
enum LapackKernels {
    /// Computes `op` into `out` and returns true, or returns false (nothing written) when
    /// LAPACK does not serve the operands' dtype or a matrix is empty.
    static func run(_ op: LinalgOp, _ x: [UnsafeRawBufferPointer], _ types: [ShapedType],
                    _ out: [UnsafeMutableRawBufferPointer], _ outTypes: [ShapedType]) -> Bool {
        if types.contains(where: { $0.count == 0 }) || outTypes.contains(where: { $0.count == 0 }) { return false }
        switch types[0].dtype {
        case .float32: run(op, x, types, out, outTypes, Float.self)
        case .float64: run(op, x, types, out, outTypes, Double.self)
        case .bool, .int32, .int64, .uint32, .float16: return false
        }
        return true
    }

    private static func run<T: LapackScalar>(_ op: LinalgOp, _ x: [UnsafeRawBufferPointer], _ types: [ShapedType],
                                             _ out: [UnsafeMutableRawBufferPointer], _ outTypes: [ShapedType], _: T.Type) {
        let rank = types[0].rank
        let m = types[0].shape[rank - 2], n = types[0].shape[rank - 1]
        let batch = types[0].shape.dropLast(2).reduce(1, *)
        let a = x[0].baseAddress!.assumingMemoryBound(to: T.self)
        // The element pointer of matrix `b` of output `k`.
        func output<E>(_ k: Int, _ b: Int, _: E.Type) -> UnsafeMutablePointer<E> {
            let perMatrix = outTypes[k].count / batch
            return out[k].baseAddress!.assumingMemoryBound(to: E.self) + b * perMatrix
        }
        for b in 0..<batch {
            let matrix = a + b * m * n
            switch op {
            case .cholesky:
                cholesky(matrix, n: n, into: output(0, b, T.self))
            case .triangularSolve(let o):
                let rows = types[1].shape[rank - 2], cols = types[1].shape[rank - 1]
                let rhs = x[1].baseAddress!.assumingMemoryBound(to: T.self) + b * rows * cols
                triangularSolve(matrix, m: m, rhs, rows: rows, cols: cols, o, into: output(0, b, T.self))
            case .lu:
                lu(matrix, n: n, into: output(0, b, T.self), pivots: output(1, b, Int32.self), permutation: output(2, b, Int32.self))
            case .qr(let full):
                LapackDecompositions.qr(matrix, m: m, n: n, fullMatrices: full, q: output(0, b, T.self), r: output(1, b, T.self))
            case .eigh:
                LapackDecompositions.eigh(matrix, n: n, vectors: output(0, b, T.self), values: output(1, b, T.self))
            case .svd(let full):
                LapackDecompositions.svd(matrix, m: m, n: n, fullMatrices: full,
                                         s: output(0, b, T.self), u: output(1, b, T.self), vt: output(2, b, T.self))
            }
        }
    }

    /// The lower Cholesky factor of the row-major `n`×`n` `a` (lower triangle read) into `l`
    /// (NaNs on and below the diagonal if `a` is not positive definite). Row-major lower is
    /// column-major upper, so `potrf("U")` on a copy gives `l` in place.
    static func cholesky<T: LapackScalar>(_ a: UnsafePointer<T>, n: Int, into l: UnsafeMutablePointer<T>) {
        l.update(from: a, count: n * n)
        let info = T.potrf(CChar(UInt8(ascii: "U")), n, l, n)
        for i in 0..<n {
            if info != 0 { (l + i * n).update(repeating: .nan, count: i + 1) }
            (l + i * n + i + 1).update(repeating: 0, count: n - i - 1)
        }
    }

    /// `op(a) x = b` or `x op(a) = b` for triangular `a` (`m`×`m`), `b` `rows`×`cols`, into `x`.
    static func triangularSolve<T: LapackScalar>(_ a: UnsafePointer<T>, m: Int, _ b: UnsafePointer<T>, rows: Int, cols: Int,
                                                 _ o: TriangularSolveOptions, into x: UnsafeMutablePointer<T>) {
        x.update(from: b, count: rows * cols)
        T.trsm(o.leftSide ? CblasLeft : CblasRight, o.lower ? CblasLower : CblasUpper, o.transposeA ? CblasTrans : CblasNoTrans,
               o.unitDiagonal ? CblasUnit : CblasNonUnit, rows, cols, a, m, x, cols)
    }

    /// LU with partial pivoting of the row-major `n`×`n` `a`: packed factors into `f`, the
    /// 0-based row swapped at each step into `pivots`, and the permutation (`a[perm] = l u`).
    static func lu<T: LapackScalar>(_ a: UnsafePointer<T>, n: Int, into f: UnsafeMutablePointer<T>,
                                    pivots: UnsafeMutablePointer<Int32>, permutation: UnsafeMutablePointer<Int32>) {
        let work = UnsafeMutablePointer<T>.allocate(capacity: n * n)
        defer { work.deallocate() }
        transpose(a, rows: n, cols: n, into: work)
        // info > 0 is an exactly zero pivot: the factorisation is complete, as JAX returns it.
        _ = T.getrf(n, n, work, n, pivots)
        transpose(work, rows: n, cols: n, into: f)
        for i in 0..<n { permutation[i] = Int32(i) }
        for k in 0..<n {
            pivots[k] -= 1
            let p = Int(pivots[k])
            if p != k { permutation.swapAt(k, p) }
        }
    }

    /// Whether any of the `count` elements at `a` is NaN.
    static func containsNaN<T: LapackScalar>(_ a: UnsafePointer<T>, _ count: Int) -> Bool {
        UnsafeBufferPointer(start: a, count: count).contains { $0.isNaN }
    }

    /// `t[j, i] = a[i, j]` for the row-major `rows`×`cols` `a` (in cache-sized tiles).
    static func transpose<T>(_ a: UnsafePointer<T>, rows: Int, cols: Int, into t: UnsafeMutablePointer<T>) {
        let tile = 32
        for i0 in stride(from: 0, to: rows, by: tile) {
            for j0 in stride(from: 0, to: cols, by: tile) {
                for i in i0..<Swift.min(rows, i0 + tile) {
                    for j in j0..<Swift.min(cols, j0 + tile) { t[j * rows + i] = a[i * cols + j] }
                }
            }
        }
    }
}

extension UnsafeMutablePointer {
    /// Exchanges elements `i` and `j`.
    fileprivate func swapAt(_ i: Int, _ j: Int) {
        let t = self[i]
        self[i] = self[j]
        self[j] = t
    }
}
