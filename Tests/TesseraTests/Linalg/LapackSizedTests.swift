import Testing
@testable import BLASBackend
@testable import Tessera
@testable import TesseraCore

/// Data/lapack_cases.json, made by scripts/testdata/lapack_cases.py with NumPy/SciPy.
nonisolated(unsafe) private let lapackData = TestData.json("lapack_cases.json") as! [String: Any]
private func values(_ key: String) -> [Double] { TestData.doubles(lapackData[key]!) }
private func number(_ key: String) -> Double { TestData.double(lapackData[key]!) }

/// Linear algebra on matrices large enough for LAPACK's blocked paths (the BLAS backend
/// runs them through OpenBLAS's LAPACK), batched, with full-matrices qr/svd and every
/// triangular_solve variant, against NumPy/SciPy on every backend.
@Suite("Linalg: LAPACK-sized matrices against NumPy/SciPy")
struct LapackSizedTests {
    @Test("cholesky, solve, inv, slogdet, det, triangularSolve, qr, eigh, svd (float64 and float32)", arguments: TestDevices.backendNames)
    func matchesNumPy(_ backend: String) {
        guard let device = TestDevices.device(backend) else { return }
        for dtype in [DType.float64, .float32] where device.supports(dtype) {
            let tol = dtype == .float64 ? 1e-9 : 2e-3
            func t(_ key: String, _ shape: [Int]) -> Tensor { Tensor(values(key), shape: shape).asType(dtype).to(device) }
            func check(_ x: Tensor, _ expected: [Double], _ what: String) {
                #expect(x.dtype == dtype, "\(backend) \(what): dtype \(x.dtype)")
                expectClose(x.doubles, expected, rtol: tol, atol: tol, "\(backend) \(dtype) \(what)")
            }
            func identity(_ n: Int) -> [Double] { Tensor.eye(n, dtype: .float64).doubles }
            check(Linalg.cholesky(t("spd48", [48, 48])), values("chol48"), "cholesky 48x48")
            check(Linalg.cholesky(t("spd_b", [2, 3, 16, 16])), values("chol_b"), "cholesky [2, 3, 16, 16]")
            let a40 = t("a40", [40, 40])
            check(Linalg.solve(a40, t("b40", [40, 3])), values("solve40"), "solve 40x40")
            check(Linalg.inv(a40), values("inv40"), "inv 40x40")
            let (sign, logAbs) = Linalg.slogdet(a40)
            check(sign, [number("sign40")], "slogdet sign")
            check(logAbs, [number("logdet40")], "slogdet log|det|")
            let ab = t("ab", [2, 2, 24, 24])
            expectClose(Linalg.det(ab).doubles, values("det_ab"), rtol: tol * 10, atol: tol, "\(backend) \(dtype) batched det")
            check(Linalg.inv(ab), values("inv_ab"), "batched inv")
            let tri = t("tri", [24, 24]), rhs = t("rhs", [24, 5])
            for lower in [true, false] {
                for trans in [false, true] {
                    for unit in [false, true] {
                        let key = "tri_\(lower ? "l" : "u")\(trans ? 1 : 0)\(unit ? 1 : 0)"
                        check(Linalg.triangularSolve(tri, rhs, lower: lower, transposeA: trans, unitDiagonal: unit), values(key), key)
                        // Right side: x op(tri)ᵀ = rhsᵀ has the transposed solution.
                        check(Linalg.triangularSolve(tri, rhs.T, leftSide: false, lower: lower, transposeA: !trans, unitDiagonal: unit),
                              Tensor(values(key), shape: [24, 5]).T.doubles, "\(key) right side")
                    }
                }
            }
            for (name, shape) in [("tall", [30, 20]), ("wide", [12, 25])] {
                let m = t(name, shape), rows = shape[0], cols = shape[1], k = Swift.min(rows, cols)
                let (q, r) = Linalg.qr(m)
                #expect(q.shape == [rows, k] && r.shape == [k, cols])
                check(q, values("qr_\(name)_q"), "qr \(name) q")
                check(r, values("qr_\(name)_r"), "qr \(name) r")
                let (qf, rf) = Linalg.qr(m, fullMatrices: true)
                #expect(qf.shape == [rows, rows] && rf.shape == [rows, cols])
                check(rf, values("qrfull_\(name)_r"), "full qr \(name) r")
                // The completing columns are a basis of the orthogonal complement, not unique: check q itself where unique.
                check(qf[0..<rows].T[0..<k].T, values("qr_\(name)_q"), "full qr \(name) leading q columns")
                check(matmul(qf.T, qf), identity(rows), "full qr \(name) qᵀq = I")
                check(matmul(qf, rf), m.doubles, "full qr \(name) q r = a")
                for full in [false, true] {
                    let (u, s, vt) = Linalg.svd(m, fullMatrices: full)
                    let uCols = full ? rows : k, vtRows = full ? cols : k
                    #expect(u.shape == [rows, uCols] && s.shape == [k] && vt.shape == [vtRows, cols], "svd \(name) full \(full) shapes")
                    check(s, values("svd_\(name)_s"), "svd \(name) s (full: \(full))")
                    check(matmul(u.T, u), identity(uCols), "svd \(name) uᵀu = I (full: \(full))")
                    check(matmul(vt, vt.T), identity(vtRows), "svd \(name) vt vtᵀ = I (full: \(full))")
                    let uk = full ? u.T[0..<k].T : u, vtk = full ? vt[0..<k] : vt
                    check(matmul(uk * s.reshaped([1, k]), vtk), m.doubles, "svd \(name) u s vt = a (full: \(full))")
                }
            }
            let s32 = t("spd32", [32, 32])
            let (w, v) = Linalg.eigh(s32)
            check(w, values("eigh32_w"), "eigh 32x32 eigenvalues")
            expectClose(matmul(s32, v).doubles, matmul(v, MatrixOps.diagMatrix(w)).doubles, rtol: tol, atol: tol * 50,
                        "\(backend) \(dtype) eigh a v = v diag(w)")
            check(matmul(v.T, v), identity(32), "eigh vᵀv = I")
        }
    }

    @Test("failures as JAX: indefinite cholesky is NaN below the diagonal, singular solve and inv are not finite", arguments: TestDevices.backendNames)
    func failures(_ backend: String) {
        guard let device = TestDevices.device(backend) else { return }
        for dtype in [DType.float64, .float32] where device.supports(dtype) {
            let indefinite = Tensor([1, 2, 2, 1] as [Double], shape: [2, 2]).asType(dtype).to(device)
            let l = Linalg.cholesky(indefinite).doubles
            // jnp.linalg.cholesky([[1, 2], [2, 1]]) == [[nan, 0], [nan, nan]]
            #expect(l[0].isNaN && l[1] == 0 && l[2].isNaN && l[3].isNaN, "\(backend) \(dtype): \(l)")
            // One batch entry failing leaves the others intact.
            let batch = Tensor([4, 2, 2, 3, 1, 2, 2, 1] as [Double], shape: [2, 2, 2]).asType(dtype).to(device)
            let lb = Linalg.cholesky(batch).doubles
            expectClose(Array(lb[0..<4]), [2, 0, 1, 2.0.squareRoot()], rtol: 1e-6, atol: 1e-6, "\(backend) \(dtype) batch entry 0")
            #expect(lb[4].isNaN && lb[5] == 0, "\(backend) \(dtype): \(lb)")
            let singular = Tensor([1, 2, 2, 4] as [Double], shape: [2, 2]).asType(dtype).to(device)
            #expect(Linalg.solve(singular, Tensor([1, 1] as [Double], shape: [2]).asType(dtype).to(device)).doubles.allSatisfy { !$0.isFinite },
                    "\(backend) \(dtype): singular solve")
            #expect(Linalg.inv(singular).doubles.allSatisfy { !$0.isFinite }, "\(backend) \(dtype): singular inv")
            #expect(Linalg.det(singular).item(Double.self) == 0)
            let (sign, logAbs) = Linalg.slogdet(singular)
            #expect(sign.item(Double.self) == 0 && logAbs.item(Double.self) == -.infinity)
            if backend == "blas" {
                // NaN input: NaN factors (as JAX), not a LAPACK argument error.
                let nanMatrix = Tensor([1, .nan, 2, 3] as [Double], shape: [2, 2]).asType(dtype).to(device)
                let (w, v) = Linalg.eigh(nanMatrix)
                let (u, s, vt) = Linalg.svd(nanMatrix, fullMatrices: true)
                for (x, what) in [(w, "eigh w"), (v, "eigh v"), (u, "svd u"), (s, "svd s"), (vt, "svd vt")] {
                    #expect(x.doubles.allSatisfy { $0.isNaN }, "\(dtype) \(what) of a NaN matrix: \(x.doubles)")
                }
            }
        }
    }

    @Test("batched qr (reduced and full), eigh and svd equal the per-matrix calls", arguments: TestDevices.backendNames)
    func batchedDecompositions(_ backend: String) {
        guard let device = TestDevices.device(backend), device.supports(.float64) else { return }
        var rng = TestRandom(seed: 12)
        let stackTall = rng.tensor([2, 3, 10, 6]).to(device), stackWide = rng.tensor([2, 6, 9]).to(device)
        let sym = rng.tensor([3, 7, 7]).to(device)
        let spd = matmul(sym, sym.transposed([0, 2, 1])) + Tensor.eye(7, dtype: .float64).to(device)
        for stack in [stackTall, stackWide] {
            let rows = stack.shape[stack.rank - 2], cols = stack.shape[stack.rank - 1]
            let flat = stack.reshaped([-1, rows, cols])
            for full in [false, true] {
                let (q, r) = Linalg.qr(stack, fullMatrices: full)
                let (u, s, vt) = Linalg.svd(stack, fullMatrices: full)
                let (qf, rf, uf, sf, vtf) = (q.reshaped([flat.shape[0]] + Array(q.shape.suffix(2))), r.reshaped([flat.shape[0]] + Array(r.shape.suffix(2))),
                                             u.reshaped([flat.shape[0]] + Array(u.shape.suffix(2))), s.reshaped([flat.shape[0], -1]),
                                             vt.reshaped([flat.shape[0]] + Array(vt.shape.suffix(2))))
                for b in 0..<flat.shape[0] {
                    let (q1, r1) = Linalg.qr(flat[b], fullMatrices: full)
                    let (u1, s1, vt1) = Linalg.svd(flat[b], fullMatrices: full)
                    for (got, want, what) in [(qf[b], q1, "q"), (rf[b], r1, "r"), (uf[b], u1, "u"), (sf[b], s1, "s"), (vtf[b], vt1, "vt")] {
                        expectClose(got.doubles, want.doubles, rtol: 1e-10, atol: 1e-10, "\(backend) \(stack.shape) full \(full) \(what) [\(b)]")
                    }
                }
            }
        }
        let (w, v) = Linalg.eigh(spd)
        for b in 0..<3 {
            let (w1, v1) = Linalg.eigh(spd[b])
            expectClose(w[b].doubles, w1.doubles, rtol: 1e-10, atol: 1e-10, "\(backend) batched eigh values [\(b)]")
            expectClose(v[b].doubles, v1.doubles, rtol: 1e-10, atol: 1e-10, "\(backend) batched eigh vectors [\(b)]")
        }
    }

    @Test("the BLAS backend serves float32/float64 linalg with LAPACK and leaves other dtypes to the host")
    func lapackServesFloats() throws {
        let a: [Double] = [4, 2, 2, 3]
        for dtype in [DType.float32, .float64, .float16] {
            let type = ShapedType([2, 2], dtype)
            var input = [UInt8](repeating: 0, count: type.byteCount), output = [UInt8](repeating: 0, count: type.byteCount)
            input.withUnsafeMutableBytes { HostArrays.store(a, dtype, into: $0) }
            let served = input.withUnsafeBytes { i in
                output.withUnsafeMutableBytes { o in LapackKernels.run(.cholesky, [i], [type], [o], [type]) }
            }
            #expect(served == (dtype != .float16), "\(dtype)")
            if served {
                let l = output.withUnsafeBytes { HostArrays.doubles($0, dtype, count: 4) }
                expectClose(l, [2, 0, 1, 2.0.squareRoot()], rtol: 1e-6, atol: 1e-6, "LAPACK cholesky \(dtype)")
            }
        }
    }
}
