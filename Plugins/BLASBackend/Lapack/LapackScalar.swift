import COpenBLAS

/// The float32 and float64 LAPACK/BLAS routines of the linear-algebra kernels under one
/// generic name (`Float` calls the `s` routines, `Double` the `d` ones).
///
/// The LAPACK routines are OpenBLAS's Fortran symbols (declared in the COpenBLAS shim):
/// every argument by pointer, matrices column-major, one hidden length per character
/// argument. Each wrapper returns LAPACK's `info` (0 on success, `< 0` a bad argument,
/// `> 0` a numerical failure). Workspace sizes come from LAPACK's own query (`lwork = -1`).
protocol LapackScalar: BinaryFloatingPoint, Sendable {
    /// Cholesky factorisation of the `uplo` triangle of column-major `n`×`n` `a`, in place.
    static func potrf(_ uplo: CChar, _ n: Int, _ a: UnsafeMutablePointer<Self>, _ lda: Int) -> Int
    /// LU factorisation with partial pivoting of column-major `m`×`n` `a`, in place (1-based `ipiv`).
    static func getrf(_ m: Int, _ n: Int, _ a: UnsafeMutablePointer<Self>, _ lda: Int, _ ipiv: UnsafeMutablePointer<Int32>) -> Int
    /// Householder QR of column-major `m`×`n` `a`, in place (`r` above, reflectors below the diagonal).
    static func geqrf(_ m: Int, _ n: Int, _ a: UnsafeMutablePointer<Self>, _ lda: Int, _ tau: UnsafeMutablePointer<Self>,
                      _ work: UnsafeMutablePointer<Self>, _ lwork: Int) -> Int
    /// The first `n` columns of the `m`×`m` orthogonal matrix of `k` reflectors stored in `a`.
    static func orgqr(_ m: Int, _ n: Int, _ k: Int, _ a: UnsafeMutablePointer<Self>, _ lda: Int, _ tau: UnsafePointer<Self>,
                      _ work: UnsafeMutablePointer<Self>, _ lwork: Int) -> Int
    /// Eigenvalues (ascending, into `w`) and eigenvectors (columns, over `a`) of a symmetric matrix.
    static func syevd(_ jobz: CChar, _ uplo: CChar, _ n: Int, _ a: UnsafeMutablePointer<Self>, _ lda: Int,
                      _ w: UnsafeMutablePointer<Self>, _ work: UnsafeMutablePointer<Self>, _ lwork: Int,
                      _ iwork: UnsafeMutablePointer<Int32>, _ liwork: Int) -> Int
    /// Singular values and vectors of column-major `m`×`n` `a` (divide and conquer; `a` destroyed).
    static func gesdd(_ jobz: CChar, _ m: Int, _ n: Int, _ a: UnsafeMutablePointer<Self>, _ lda: Int,
                      _ s: UnsafeMutablePointer<Self>, _ u: UnsafeMutablePointer<Self>, _ ldu: Int,
                      _ vt: UnsafeMutablePointer<Self>, _ ldvt: Int, _ work: UnsafeMutablePointer<Self>, _ lwork: Int,
                      _ iwork: UnsafeMutablePointer<Int32>) -> Int
    /// CBLAS `trsm` on row-major operands: `b <- op(a)⁻¹ b` (left) or `b op(a)⁻¹` (right).
    static func trsm(_ side: CBLAS_SIDE, _ uplo: CBLAS_UPLO, _ trans: CBLAS_TRANSPOSE, _ diag: CBLAS_DIAG,
                     _ m: Int, _ n: Int, _ a: UnsafePointer<Self>, _ lda: Int, _ b: UnsafeMutablePointer<Self>, _ ldb: Int)
}

/// Calls `body` with pointers to Fortran integer and character arguments.
@inline(__always)
private func fortran<R>(_ values: [Int], _ body: (UnsafePointer<Int32>) -> R) -> R {
    let ints = values.map { Int32(truncatingIfNeeded: $0) }
    return ints.withUnsafeBufferPointer { body($0.baseAddress!) }
}

extension Float: LapackScalar {
    static func potrf(_ uplo: CChar, _ n: Int, _ a: UnsafeMutablePointer<Float>, _ lda: Int) -> Int {
        var u = uplo, info: Int32 = 0
        fortran([n, lda]) { p in spotrf_(&u, p, a, p + 1, &info, 1) }
        return Int(info)
    }
    static func getrf(_ m: Int, _ n: Int, _ a: UnsafeMutablePointer<Float>, _ lda: Int, _ ipiv: UnsafeMutablePointer<Int32>) -> Int {
        var info: Int32 = 0
        fortran([m, n, lda]) { p in sgetrf_(p, p + 1, a, p + 2, ipiv, &info) }
        return Int(info)
    }
    static func geqrf(_ m: Int, _ n: Int, _ a: UnsafeMutablePointer<Float>, _ lda: Int, _ tau: UnsafeMutablePointer<Float>,
                      _ work: UnsafeMutablePointer<Float>, _ lwork: Int) -> Int {
        var info: Int32 = 0
        fortran([m, n, lda, lwork]) { p in sgeqrf_(p, p + 1, a, p + 2, tau, work, p + 3, &info) }
        return Int(info)
    }
    static func orgqr(_ m: Int, _ n: Int, _ k: Int, _ a: UnsafeMutablePointer<Float>, _ lda: Int, _ tau: UnsafePointer<Float>,
                      _ work: UnsafeMutablePointer<Float>, _ lwork: Int) -> Int {
        var info: Int32 = 0
        fortran([m, n, k, lda, lwork]) { p in sorgqr_(p, p + 1, p + 2, a, p + 3, tau, work, p + 4, &info) }
        return Int(info)
    }
    static func syevd(_ jobz: CChar, _ uplo: CChar, _ n: Int, _ a: UnsafeMutablePointer<Float>, _ lda: Int,
                      _ w: UnsafeMutablePointer<Float>, _ work: UnsafeMutablePointer<Float>, _ lwork: Int,
                      _ iwork: UnsafeMutablePointer<Int32>, _ liwork: Int) -> Int {
        var j = jobz, u = uplo, info: Int32 = 0
        fortran([n, lda, lwork, liwork]) { p in ssyevd_(&j, &u, p, a, p + 1, w, work, p + 2, iwork, p + 3, &info, 1, 1) }
        return Int(info)
    }
    static func gesdd(_ jobz: CChar, _ m: Int, _ n: Int, _ a: UnsafeMutablePointer<Float>, _ lda: Int,
                      _ s: UnsafeMutablePointer<Float>, _ u: UnsafeMutablePointer<Float>, _ ldu: Int,
                      _ vt: UnsafeMutablePointer<Float>, _ ldvt: Int, _ work: UnsafeMutablePointer<Float>, _ lwork: Int,
                      _ iwork: UnsafeMutablePointer<Int32>) -> Int {
        var j = jobz, info: Int32 = 0
        fortran([m, n, lda, ldu, ldvt, lwork]) { p in
            sgesdd_(&j, p, p + 1, a, p + 2, s, u, p + 3, vt, p + 4, work, p + 5, iwork, &info, 1)
        }
        return Int(info)
    }
    static func trsm(_ side: CBLAS_SIDE, _ uplo: CBLAS_UPLO, _ trans: CBLAS_TRANSPOSE, _ diag: CBLAS_DIAG,
                     _ m: Int, _ n: Int, _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafeMutablePointer<Float>, _ ldb: Int) {
        cblas_strsm(CblasRowMajor, side, uplo, trans, diag, Int32(m), Int32(n), 1, a, Int32(lda), b, Int32(ldb))
    }
}

extension Double: LapackScalar {
    static func potrf(_ uplo: CChar, _ n: Int, _ a: UnsafeMutablePointer<Double>, _ lda: Int) -> Int {
        var u = uplo, info: Int32 = 0
        fortran([n, lda]) { p in dpotrf_(&u, p, a, p + 1, &info, 1) }
        return Int(info)
    }
    static func getrf(_ m: Int, _ n: Int, _ a: UnsafeMutablePointer<Double>, _ lda: Int, _ ipiv: UnsafeMutablePointer<Int32>) -> Int {
        var info: Int32 = 0
        fortran([m, n, lda]) { p in dgetrf_(p, p + 1, a, p + 2, ipiv, &info) }
        return Int(info)
    }
    static func geqrf(_ m: Int, _ n: Int, _ a: UnsafeMutablePointer<Double>, _ lda: Int, _ tau: UnsafeMutablePointer<Double>,
                      _ work: UnsafeMutablePointer<Double>, _ lwork: Int) -> Int {
        var info: Int32 = 0
        fortran([m, n, lda, lwork]) { p in dgeqrf_(p, p + 1, a, p + 2, tau, work, p + 3, &info) }
        return Int(info)
    }
    static func orgqr(_ m: Int, _ n: Int, _ k: Int, _ a: UnsafeMutablePointer<Double>, _ lda: Int, _ tau: UnsafePointer<Double>,
                      _ work: UnsafeMutablePointer<Double>, _ lwork: Int) -> Int {
        var info: Int32 = 0
        fortran([m, n, k, lda, lwork]) { p in dorgqr_(p, p + 1, p + 2, a, p + 3, tau, work, p + 4, &info) }
        return Int(info)
    }
    static func syevd(_ jobz: CChar, _ uplo: CChar, _ n: Int, _ a: UnsafeMutablePointer<Double>, _ lda: Int,
                      _ w: UnsafeMutablePointer<Double>, _ work: UnsafeMutablePointer<Double>, _ lwork: Int,
                      _ iwork: UnsafeMutablePointer<Int32>, _ liwork: Int) -> Int {
        var j = jobz, u = uplo, info: Int32 = 0
        fortran([n, lda, lwork, liwork]) { p in dsyevd_(&j, &u, p, a, p + 1, w, work, p + 2, iwork, p + 3, &info, 1, 1) }
        return Int(info)
    }
    static func gesdd(_ jobz: CChar, _ m: Int, _ n: Int, _ a: UnsafeMutablePointer<Double>, _ lda: Int,
                      _ s: UnsafeMutablePointer<Double>, _ u: UnsafeMutablePointer<Double>, _ ldu: Int,
                      _ vt: UnsafeMutablePointer<Double>, _ ldvt: Int, _ work: UnsafeMutablePointer<Double>, _ lwork: Int,
                      _ iwork: UnsafeMutablePointer<Int32>) -> Int {
        var j = jobz, info: Int32 = 0
        fortran([m, n, lda, ldu, ldvt, lwork]) { p in
            dgesdd_(&j, p, p + 1, a, p + 2, s, u, p + 3, vt, p + 4, work, p + 5, iwork, &info, 1)
        }
        return Int(info)
    }
    static func trsm(_ side: CBLAS_SIDE, _ uplo: CBLAS_UPLO, _ trans: CBLAS_TRANSPOSE, _ diag: CBLAS_DIAG,
                     _ m: Int, _ n: Int, _ a: UnsafePointer<Double>, _ lda: Int, _ b: UnsafeMutablePointer<Double>, _ ldb: Int) {
        cblas_dtrsm(CblasRowMajor, side, uplo, trans, diag, Int32(m), Int32(n), 1, a, Int32(lda), b, Int32(ldb))
    }
}
