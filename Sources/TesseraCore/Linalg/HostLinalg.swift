/// Plain-Swift linear algebra on one row-major matrix of Doubles at a time: the reference
/// semantics of the `linalg` primitives, used by the reference backend and by the logged
/// host round-trip of other backends. Written for clarity, not speed.
enum HostLinalg {
    /// Lower Cholesky factor of the `n`×`n` matrix `a` (lower triangle read); NaNs on and
    /// below the diagonal when `a` is not positive definite (as `jnp.linalg.cholesky`).
    static func cholesky(_ a: [Double], n: Int) -> [Double] {
        var l = [Double](repeating: 0, count: n * n)
        for j in 0..<n {
            var d = a[j * n + j]
            for k in 0..<j { d -= l[j * n + k] * l[j * n + k] }
            if !(d > 0) { return (0..<(n * n)).map { $0 % n <= $0 / n ? .nan : 0 } }
            let ljj = d.squareRoot()
            l[j * n + j] = ljj
            for i in (j + 1)..<Swift.max(j + 1, n) {
                var s = a[i * n + j]
                for k in 0..<j { s -= l[i * n + k] * l[j * n + k] }
                l[i * n + j] = s / ljj
            }
        }
        return l
    }

    /// Solves `op(a) x = b` (`leftSide`) or `x op(a) = b` for `x`, with `a` an `m`×`m`
    /// triangular matrix and `b` of `rows`×`cols`.
    static func triangularSolve(_ a: [Double], m: Int, _ b: [Double], rows: Int, cols: Int,
                                _ o: TriangularSolveOptions) -> [Double] {
        // Element (i, j) of the triangular matrix t = op(a), read only from a's stored triangle.
        func t(_ i: Int, _ j: Int) -> Double {
            let (r, c) = o.transposeA ? (j, i) : (i, j)
            if r == c { return o.unitDiagonal ? 1 : a[r * m + c] }
            return (o.lower ? r > c : r < c) ? a[r * m + c] : 0
        }
        // t is lower triangular when a is lower and not transposed, or upper and transposed.
        let tLower = o.lower != o.transposeA
        if o.leftSide {
            // Column by column: t x[:, j] = b[:, j].
            var x = b
            for j in 0..<cols {
                let order = tLower ? Array(0..<m) : Array((0..<m).reversed())
                for i in order {
                    var s = b[i * cols + j]
                    for k in 0..<m where k != i && t(i, k) != 0 { s -= t(i, k) * x[k * cols + j] }
                    x[i * cols + j] = s / t(i, i)
                }
            }
            return x
        }
        // Row by row: x[r, :] t = b[r, :], i.e. tᵀ x[r, :]ᵀ = b[r, :]ᵀ (tᵀ is lower when t is upper).
        var x = b
        for r in 0..<rows {
            let order = tLower ? Array((0..<m).reversed()) : Array(0..<m)
            for i in order {
                var s = b[r * cols + i]
                for k in 0..<m where k != i && t(k, i) != 0 { s -= x[r * cols + k] * t(k, i) }
                x[r * cols + i] = s / t(i, i)
            }
        }
        return x
    }

    /// LU factorisation with partial pivoting of the `n`×`n` matrix `a`: the packed factors
    /// (unit-lower `l` below the diagonal, `u` on and above), the row swapped with row `i`
    /// at step `i`, and the permutation with `a[perm] = l u` (as LAPACK's getrf and JAX's lu).
    static func lu(_ a: [Double], n: Int) -> (lu: [Double], pivots: [Int], permutation: [Int]) {
        var f = a
        var pivots = [Int](repeating: 0, count: n), perm = Array(0..<n)
        for k in 0..<n {
            var p = k
            for i in k..<n where Swift.abs(f[i * n + k]) > Swift.abs(f[p * n + k]) { p = i }
            pivots[k] = p
            if p != k {
                for j in 0..<n { f.swapAt(k * n + j, p * n + j) }
                perm.swapAt(k, p)
            }
            let pivot = f[k * n + k]
            if pivot == 0 { continue }
            for i in (k + 1)..<Swift.max(k + 1, n) {
                let factor = f[i * n + k] / pivot
                f[i * n + k] = factor
                for j in (k + 1)..<n { f[i * n + j] -= factor * f[k * n + j] }
            }
        }
        return (f, pivots, perm)
    }

    /// QR of the `m`×`n` matrix `a` by Householder reflections with LAPACK's sign
    /// convention (`r[i, i] = -sign(x₀)‖x‖`): reduced `q` `m`×`k`, `r` `k`×`n` (`k = min(m, n)`),
    /// or with `fullMatrices` `q` `m`×`m`, `r` `m`×`n`.
    static func qr(_ a: [Double], m: Int, n: Int, fullMatrices: Bool = false) -> (q: [Double], r: [Double]) {
        let reflections = Swift.min(m, n), k = fullMatrices ? m : reflections
        var r = a
        var reflectors: [[Double]] = []
        for j in 0..<reflections {
            var v = (j..<m).map { r[$0 * n + j] }
            let alpha = v[0]
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            // As LAPACK's dlarfg: no reflection when the column below the diagonal is zero.
            if v.dropFirst().allSatisfy({ $0 == 0 }) {
                reflectors.append([])
                continue
            }
            let beta = alpha >= 0 ? -norm : norm
            v[0] = alpha - beta
            let vv = v.reduce(0) { $0 + $1 * $1 }
            if vv == 0 {
                reflectors.append([])
                continue
            }
            // r <- (I - 2 v vᵀ / vᵀv) r on rows j..<m.
            for c in j..<n {
                var s = 0.0
                for i in j..<m { s += v[i - j] * r[i * n + c] }
                let f = 2 * s / vv
                for i in j..<m { r[i * n + c] -= f * v[i - j] }
            }
            for i in (j + 1)..<m { r[i * n + j] = 0 }
            reflectors.append(v.map { $0 / vv.squareRoot() })
        }
        // q = H₀ H₁ … applied to the first k columns of the identity.
        var q = [Double](repeating: 0, count: m * k)
        for i in 0..<k { q[i * k + i] = 1 }
        for j in stride(from: reflections - 1, through: 0, by: -1) where !reflectors[j].isEmpty {
            let v = reflectors[j]
            for c in 0..<k {
                var s = 0.0
                for i in j..<m { s += v[i - j] * q[i * k + c] }
                for i in j..<m { q[i * k + c] -= 2 * s * v[i - j] }
            }
        }
        let rTop = (0..<(k * n)).map { r[$0] }
        return (q, rTop)
    }

    /// Eigen-decomposition of the symmetric `n`×`n` matrix whose lower triangle is `a`
    /// (cyclic Jacobi rotations): eigenvectors as columns of `v`, eigenvalues `w` ascending.
    static func eigh(_ a: [Double], n: Int) -> (v: [Double], w: [Double]) {
        var s = a
        for i in 0..<n { for j in (i + 1)..<Swift.max(i + 1, n) { s[i * n + j] = s[j * n + i] } }
        var v = [Double](repeating: 0, count: n * n)
        for i in 0..<n { v[i * n + i] = 1 }
        for _ in 0..<100 {
            var off = 0.0, total = 0.0
            for i in 0..<n { for j in 0..<n { total += s[i * n + j] * s[i * n + j]; if i != j { off += s[i * n + j] * s[i * n + j] } } }
            if off <= 1e-30 * total || off == 0 { break }
            for p in 0..<n {
                for q in (p + 1)..<Swift.max(p + 1, n) where s[p * n + q] != 0 {
                    let theta = (s[q * n + q] - s[p * n + p]) / (2 * s[p * n + q])
                    let t = (theta >= 0 ? 1.0 : -1.0) / (Swift.abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), sn = t * c
                    // s <- Jᵀ s J, with J the rotation in the (p, q) plane; v <- v J.
                    for k in 0..<n {
                        let skp = s[k * n + p], skq = s[k * n + q]
                        s[k * n + p] = c * skp - sn * skq
                        s[k * n + q] = sn * skp + c * skq
                    }
                    for k in 0..<n {
                        let spk = s[p * n + k], sqk = s[q * n + k]
                        s[p * n + k] = c * spk - sn * sqk
                        s[q * n + k] = sn * spk + c * sqk
                    }
                    for k in 0..<n {
                        let vkp = v[k * n + p], vkq = v[k * n + q]
                        v[k * n + p] = c * vkp - sn * vkq
                        v[k * n + q] = sn * vkp + c * vkq
                    }
                }
            }
        }
        let order = (0..<n).sorted { s[$0 * n + $0] < s[$1 * n + $1] }
        let w = order.map { s[$0 * n + $0] }
        var sorted = [Double](repeating: 0, count: n * n)
        for (newCol, col) in order.enumerated() { for k in 0..<n { sorted[k * n + newCol] = v[k * n + col] } }
        return (sorted, w)
    }

    /// Reduced SVD of the `m`×`n` matrix `a` (one-sided Jacobi): `s` descending, `u` is
    /// `m`×`k`, `vt` is `k`×`n`, `k = min(m, n)`.
    static func svd(_ a: [Double], m: Int, n: Int, fullMatrices: Bool = false) -> (s: [Double], u: [Double], vt: [Double]) {
        if m < n {
            // svd(aᵀ) = v s uᵀ.
            let t = transpose(a, rows: m, cols: n)
            let (s, u2, vt2) = svd(t, m: n, n: m, fullMatrices: fullMatrices)
            let uCols = fullMatrices ? n : m
            return (s, transpose(vt2, rows: m, cols: m), transpose(u2, rows: n, cols: uCols))
        }
        let (s, u, vt) = reducedTallSVD(a, m: m, n: n)
        return (s, fullMatrices ? completedColumns(u, rows: m, cols: n) : u, vt)
    }

    /// `q` (`rows`×`cols`, orthonormal columns) extended to a square orthogonal matrix by
    /// Gram-Schmidt on the standard basis vectors.
    static func completedColumns(_ q: [Double], rows: Int, cols: Int) -> [Double] {
        var out = [Double](repeating: 0, count: rows * rows)
        for i in 0..<rows { for j in 0..<cols { out[i * rows + j] = q[i * cols + j] } }
        var filled = cols, candidate = 0
        while filled < rows && candidate < rows {
            var col = (0..<rows).map { $0 == candidate ? 1.0 : 0.0 }
            candidate += 1
            for _ in 0..<2 {   // twice, for orthogonality to working precision
                for j in 0..<filled {
                    let dot = (0..<rows).reduce(0.0) { $0 + out[$1 * rows + j] * col[$1] }
                    for i in 0..<rows { col[i] -= dot * out[i * rows + j] }
                }
            }
            let norm = col.reduce(0) { $0 + $1 * $1 }.squareRoot()
            if norm > 1e-8 {
                for i in 0..<rows { out[i * rows + filled] = col[i] / norm }
                filled += 1
            }
        }
        return out
    }

    /// Reduced SVD of an `m`×`n` matrix with `m >= n` (one-sided Jacobi).
    private static func reducedTallSVD(_ a: [Double], m: Int, n: Int) -> (s: [Double], u: [Double], vt: [Double]) {
        // Orthogonalise the columns of w = a v by rotations (m >= n, k = n).
        var w = a
        var v = [Double](repeating: 0, count: n * n)
        for i in 0..<n { v[i * n + i] = 1 }
        for _ in 0..<100 {
            var rotated = false
            for p in 0..<n {
                for q in (p + 1)..<Swift.max(p + 1, n) {
                    var alpha = 0.0, beta = 0.0, gamma = 0.0
                    for i in 0..<m {
                        alpha += w[i * n + p] * w[i * n + p]
                        beta += w[i * n + q] * w[i * n + q]
                        gamma += w[i * n + p] * w[i * n + q]
                    }
                    if gamma == 0 || Swift.abs(gamma) <= 1e-15 * (alpha * beta).squareRoot() { continue }
                    rotated = true
                    let zeta = (beta - alpha) / (2 * gamma)
                    let t = (zeta >= 0 ? 1.0 : -1.0) / (Swift.abs(zeta) + (1 + zeta * zeta).squareRoot())
                    let c = 1 / (1 + t * t).squareRoot(), s = c * t
                    for i in 0..<m {
                        let wp = w[i * n + p], wq = w[i * n + q]
                        w[i * n + p] = c * wp - s * wq
                        w[i * n + q] = s * wp + c * wq
                    }
                    for i in 0..<n {
                        let vp = v[i * n + p], vq = v[i * n + q]
                        v[i * n + p] = c * vp - s * vq
                        v[i * n + q] = s * vp + c * vq
                    }
                }
            }
            if !rotated { break }
        }
        let norms = (0..<n).map { c in (0..<m).reduce(0.0) { $0 + w[$1 * n + c] * w[$1 * n + c] }.squareRoot() }
        let order = (0..<n).sorted { norms[$0] > norms[$1] }
        var u = [Double](repeating: 0, count: m * n), vt = [Double](repeating: 0, count: n * n)
        for (k, c) in order.enumerated() {
            for i in 0..<m { u[i * n + k] = norms[c] > 0 ? w[i * n + c] / norms[c] : 0 }
            for j in 0..<n { vt[k * n + j] = v[j * n + c] }
        }
        // Columns of u for zero singular values: complete an orthonormal set (Gram-Schmidt
        // on the standard basis), as LAPACK returns orthonormal factors for rank-deficient input.
        var candidate = 0
        for (k, c) in order.enumerated() where !(norms[c] > 0) {
            while candidate < m {
                var col = (0..<m).map { $0 == candidate ? 1.0 : 0.0 }
                candidate += 1
                for j in 0..<n where j != k {
                    let dot = (0..<m).reduce(0.0) { $0 + u[$1 * n + j] * col[$1] }
                    for i in 0..<m { col[i] -= dot * u[i * n + j] }
                }
                let norm = col.reduce(0) { $0 + $1 * $1 }.squareRoot()
                if norm > 1e-8 {
                    for i in 0..<m { u[i * n + k] = col[i] / norm }
                    break
                }
            }
        }
        return (order.map { norms[$0] }, u, vt)
    }

    /// The transpose of a `rows`×`cols` row-major matrix.
    static func transpose(_ a: [Double], rows: Int, cols: Int) -> [Double] {
        var t = [Double](repeating: 0, count: a.count)
        for i in 0..<rows { for j in 0..<cols { t[j * rows + i] = a[i * cols + j] } }
        return t
    }
}
