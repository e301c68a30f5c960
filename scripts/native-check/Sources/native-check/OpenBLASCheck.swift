import COpenBLAS

func checkOpenBLAS() throws {
    // [1 2; 3 4] x [5 6; 7 8] = [19 22; 43 50]
    let a: [Float] = [1, 2, 3, 4]
    let b: [Float] = [5, 6, 7, 8]
    var c = [Float](repeating: 0, count: 4)
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 2, 2, 2, 1, a, 2, b, 2, 0, &c, 2)
    guard c == [19, 22, 43, 50] else { throw CheckError("sgemm 2x2 gave \(c)") }
    report("openblas", "sgemm 2x2 = \(c)")

    var cd = [Double](repeating: 0, count: 4)
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, 2, 2, 2, 1, a.map(Double.init), 2, b.map(Double.init), 2, 0, &cd, 2)
    guard cd == [17, 23, 39, 53] else { throw CheckError("dgemm 2x2 (B^T) gave \(cd)") }
    report("openblas", "dgemm 2x2 with B^T = \(cd)")

    try checkLAPACK()

    let config = openblas_get_config().map { String(cString: $0) } ?? "?"
    report("openblas", "config: \(config); threads: \(openblas_get_num_threads()); corename: \(openblas_get_corename().map { String(cString: $0) } ?? "?")")

    // Throughput on 512x512 (informational).
    let n = 512
    let x = [Float](repeating: 0.5, count: n * n)
    var y = [Float](repeating: 0, count: n * n)
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n), 1, x, Int32(n), x, Int32(n), 0, &y, Int32(n))
    let reps = 20
    let t = ContinuousClock().measure {
        for _ in 0..<reps {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n), 1, x, Int32(n), x, Int32(n), 0, &y, Int32(n))
        }
    }
    let secs = Double(t.components.seconds) + Double(t.components.attoseconds) / 1e18
    let gflops = 2.0 * Double(n * n * n) * Double(reps) / secs / 1e9
    guard y[0] == Float(n) * 0.25 else { throw CheckError("sgemm 512 gave \(y[0])") }
    report("openblas", "sgemm 512x512: \(Int(gflops.rounded())) GFLOP/s")
}

/// LAPACK routines are declared in the COpenBLAS shim (column-major, Fortran by-pointer ABI,
/// hidden trailing length argument for each CHARACTER argument).
func checkLAPACK() throws {
    // Solve [4 2; 2 3] x = [2; 1] with dgesv and factor it with spotrf.
    var m: [Double] = [4, 2, 2, 3]   // symmetric, so row/column-major agree
    var rhs: [Double] = [2, 1]
    var n: blasint = 2, nrhs: blasint = 1, lda: blasint = 2, ldb: blasint = 2, info: blasint = 0
    var ipiv = [blasint](repeating: 0, count: 2)
    dgesv_(&n, &nrhs, &m, &lda, &ipiv, &rhs, &ldb, &info)
    guard info == 0, abs(rhs[0] - 0.5) < 1e-12, abs(rhs[1]) < 1e-12 else { throw CheckError("dgesv gave info=\(info) x=\(rhs)") }
    var s: [Float] = [4, 2, 2, 3]
    var uplo = CChar(UInt8(ascii: "L"))
    spotrf_(&uplo, &n, &s, &lda, &info, 1)
    guard info == 0, s[0] == 2, s[1] == 1, abs(s[3] - Float(2).squareRoot()) < 1e-6 else { throw CheckError("spotrf gave info=\(info) L=\(s)") }
    report("openblas", "LAPACK dgesv x = \(rhs), spotrf L = [\(s[0]) 0; \(s[1]) \(s[3])]")
}
