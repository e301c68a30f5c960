import COpenBLAS

/// QR, symmetric eigen- and singular value decompositions of one row-major matrix with
/// LAPACK (`geqrf`/`orgqr`, `syevd`, `gesdd`); see `LapackKernels`.
enum LapackDecompositions {
    /// `a = q r` of the row-major `m`×`n` `a`: reduced (`q` m×k, `r` k×n, `k = min(m, n)`) or
    /// full (`q` m×m, `r` m×n). LAPACK's sign convention, as NumPy and JAX on CPU.
    static func qr<T: LapackScalar>(_ a: UnsafePointer<T>, m: Int, n: Int, fullMatrices: Bool,
                                    q: UnsafeMutablePointer<T>, r: UnsafeMutablePointer<T>) {
        let k = Swift.min(m, n), qCols = fullMatrices ? m : k, rRows = qCols
        // Column-major workspace with room for the m×qCols q that orgqr builds in place.
        var w = [T](repeating: 0, count: m * Swift.max(n, qCols))
        var tau = [T](repeating: 0, count: k)
        w.withUnsafeMutableBufferPointer { w in
            tau.withUnsafeMutableBufferPointer { tau in
                let wp = w.baseAddress!, tp = tau.baseAddress!
                LapackKernels.transpose(a, rows: m, cols: n, into: wp)
                var query: T = 0
                _ = T.geqrf(m, n, wp, m, tp, &query, -1)
                var size = workspaceSize(query)
                _ = T.orgqr(m, qCols, k, wp, m, tp, &query, -1)
                size = Swift.max(size, workspaceSize(query))
                var work = [T](repeating: 0, count: size)
                work.withUnsafeMutableBufferPointer { work in
                    _ = T.geqrf(m, n, wp, m, tp, work.baseAddress!, size)
                    // r: the upper triangle (rows past min(m, n) are zero in the full factor).
                    for i in 0..<rRows {
                        for j in 0..<n { r[i * n + j] = i <= j ? wp[j * m + i] : 0 }
                    }
                    _ = T.orgqr(m, qCols, k, wp, m, tp, work.baseAddress!, size)
                }
                LapackKernels.transpose(wp, rows: qCols, cols: m, into: q)
            }
        }
    }

    /// Eigenvectors (columns of the row-major `vectors`) and ascending eigenvalues of the
    /// symmetric `n`×`n` matrix whose lower triangle is `a` (NaNs if LAPACK does not converge).
    static func eigh<T: LapackScalar>(_ a: UnsafePointer<T>, n: Int, vectors: UnsafeMutablePointer<T>,
                                      values: UnsafeMutablePointer<T>) {
        // NaN input: NaN results, as JAX (and no call that LAPACK would reject or iterate on).
        if LapackKernels.containsNaN(a, n * n) {
            vectors.update(repeating: .nan, count: n * n)
            values.update(repeating: .nan, count: n)
            return
        }
        // The row-major lower triangle is the column-major upper one.
        var z = Array(UnsafeBufferPointer(start: a, count: n * n))
        var info = 0
        z.withUnsafeMutableBufferPointer { z in
            let zp = z.baseAddress!, jobz = CChar(UInt8(ascii: "V")), uplo = CChar(UInt8(ascii: "U"))
            var query: T = 0, iquery: Int32 = 0
            _ = T.syevd(jobz, uplo, n, zp, n, values, &query, -1, &iquery, -1)
            let size = workspaceSize(query), isize = Swift.max(1, Int(iquery))
            var work = [T](repeating: 0, count: size), iwork = [Int32](repeating: 0, count: isize)
            info = work.withUnsafeMutableBufferPointer { work in
                iwork.withUnsafeMutableBufferPointer { iwork in
                    T.syevd(jobz, uplo, n, zp, n, values, work.baseAddress!, size, iwork.baseAddress!, isize)
                }
            }
            // Column-major eigenvector columns -> row-major columns.
            LapackKernels.transpose(zp, rows: n, cols: n, into: vectors)
        }
        if info != 0 {
            vectors.update(repeating: .nan, count: n * n)
            values.update(repeating: .nan, count: n)
        }
    }

    /// `a = u diag(s) vt` of the row-major `m`×`n` `a`, `s` descending: reduced (`u` m×k,
    /// `vt` k×n) or full (`u` m×m, `vt` n×n). NaNs if LAPACK does not converge.
    ///
    /// The row-major `a` read column-major is `aᵀ` (n×m); with `aᵀ = u' s v'ᵀ`, `a = v' s u'ᵀ`,
    /// and the column-major `v'ᵀ` and `u'` that `gesdd` writes are exactly the row-major `u`
    /// and `vt`, so no transposes are needed.
    static func svd<T: LapackScalar>(_ a: UnsafePointer<T>, m: Int, n: Int, fullMatrices: Bool,
                                     s: UnsafeMutablePointer<T>, u: UnsafeMutablePointer<T>, vt: UnsafeMutablePointer<T>) {
        let k = Swift.min(m, n), uCols = fullMatrices ? m : k, vtRows = fullMatrices ? n : k
        let jobz = CChar(UInt8(ascii: fullMatrices ? "A" : "S"))
        if LapackKernels.containsNaN(a, m * n) {   // gesdd rejects NaN input (info -4): NaNs, as JAX
            s.update(repeating: .nan, count: k)
            u.update(repeating: .nan, count: m * uCols)
            vt.update(repeating: .nan, count: vtRows * n)
            return
        }
        var copy = Array(UnsafeBufferPointer(start: a, count: m * n))
        var iwork = [Int32](repeating: 0, count: 8 * k)
        var info = 0
        copy.withUnsafeMutableBufferPointer { c in
            iwork.withUnsafeMutableBufferPointer { iw in
                var query: T = 0
                _ = T.gesdd(jobz, n, m, c.baseAddress!, n, s, vt, n, u, uCols, &query, -1, iw.baseAddress!)
                let size = workspaceSize(query)
                var work = [T](repeating: 0, count: size)
                info = work.withUnsafeMutableBufferPointer { work in
                    T.gesdd(jobz, n, m, c.baseAddress!, n, s, vt, n, u, uCols, work.baseAddress!, size, iw.baseAddress!)
                }
            }
        }
        if info != 0 {
            s.update(repeating: .nan, count: k)
            u.update(repeating: .nan, count: m * uCols)
            vt.update(repeating: .nan, count: vtRows * n)
        }
    }

    /// The workspace length LAPACK's query returned (a float, rounded up; at least 1).
    static func workspaceSize<T: LapackScalar>(_ query: T) -> Int {
        Swift.max(1, Int(Double(query).rounded(.up)) + 1)
    }
}
