import Foundation
import Testing
@testable import Tessera
@testable import TesseraCore

/// Data/linalg_cases.json, made by scripts/testdata/linalg_cases.py with NumPy/SciPy.
private func linalgData() -> [String: Any] { TestData.json("linalg_cases.json") as! [String: Any] }
private func values(_ key: String) -> [Double] { TestData.doubles(linalgData()[key]!) }
private func number(_ key: String) -> Double { TestData.double(linalgData()[key]!) }

@Suite("Linalg: values against NumPy/SciPy")
struct LinalgValueTests {
    @Test("cholesky, solve, inv, det, slogdet, triangularSolve, qr, eigh, svd, norm on every backend", arguments: TestDevices.backendNames)
    func matchesNumPy(_ backend: String) {
        guard let device = TestDevices.device(backend) else { return }
        for dtype in [DType.float64, .float32] where device.supports(dtype) {
            let tol = dtype == .float64 ? 1e-10 : 2e-4
            func t(_ key: String, _ shape: [Int]) -> Tensor { Tensor(values(key), shape: shape).asType(dtype).to(device) }
            func check(_ x: Tensor, _ expected: [Double], _ what: String) {
                #expect(x.dtype == dtype, "\(backend) \(what): dtype \(x.dtype)")
                expectClose(x.doubles, expected, rtol: tol, atol: tol, "\(backend) \(dtype) \(what)")
            }
            let a = t("a", [4, 4]), ab = t("ab", [3, 4, 4]), b = t("b", [4, 2]), bv = t("bv", [4])
            check(Linalg.cholesky(t("spd", [4, 4])), values("cholesky"), "cholesky")
            check(Linalg.cholesky(t("spd_batch", [2, 3, 3])), values("cholesky_batch"), "batched cholesky")
            check(Linalg.solve(a, b), values("solve"), "solve")
            check(Linalg.solve(a, bv), values("solve_vector"), "solve (vector)")
            check(Linalg.inv(a), values("inv"), "inv")
            check(Linalg.det(a), [number("det")], "det")
            check(Linalg.det(ab), values("det_batch"), "batched det")
            let (sign, logAbs) = Linalg.slogdet(ab)
            check(sign, values("slogdet_sign"), "slogdet sign")
            check(logAbs, values("slogdet_logabsdet"), "slogdet log|det|")
            let tri = t("tri", [4, 4])
            check(Linalg.triangularSolve(tri, b), values("tri_solve_lower"), "triangularSolve")
            check(Linalg.triangularSolve(tri, b, transposeA: true), values("tri_solve_lower_trans"), "triangularSolve transposed")
            // Right side: x triᵀ = bᵀ  <=>  tri x = b, so x = (tri \ b)ᵀ.
            check(Linalg.triangularSolve(tri, b.T, leftSide: false, transposeA: true),
                  Tensor(values("tri_solve_lower"), shape: [4, 2]).T.doubles, "triangularSolve right side")
            let (q, r) = Linalg.qr(t("tall", [5, 3]))
            check(q, values("qr_q"), "qr q")
            check(r, values("qr_r"), "qr r")
            let s4 = t("spd", [4, 4])
            let (w, v) = Linalg.eigh(s4)
            check(w, values("eigh_w"), "eigh eigenvalues")
            check(matmul(s4, v), (matmul(v, MatrixOps.diagMatrix(w))).doubles, "eigh a v = v diag(w)")
            check(matmul(v.T, v), Tensor.eye(4, dtype: .float64).doubles, "eigh vᵀv = I")
            for (key, shape) in [("tall", [5, 3]), ("wide", [3, 5])] {
                let m = t(key, shape)
                let (u, s, vt) = Linalg.svd(m)
                check(s, values("svd_\(key)_s"), "svd \(key) s")
                check(matmul(u * s.reshaped([1, 3]), vt), m.doubles, "svd \(key) u s vt = a")
                check(matmul(u.T, u), Tensor.eye(3, dtype: .float64).doubles, "svd \(key) uᵀu = I")
            }
            check(Linalg.norm(a), [number("norm_fro")], "norm")
            check(Linalg.norm(a, ord: .p(1)), [number("norm_1")], "norm 1")
            check(Linalg.norm(a, ord: .inf), [number("norm_inf")], "norm inf")
            check(Linalg.norm(a, ord: .p(2)), [number("norm_2")], "norm 2")
            check(Linalg.norm(a, ord: .nuc), [number("norm_nuc")], "norm nuc")
            check(Linalg.norm(bv, ord: .p(3)), [number("norm_vec_3")], "vector norm 3")
            check(Linalg.norm(bv, ord: .inf), [number("norm_vec_inf")], "vector norm inf")
        }
    }

    @Test("lu: p l u reconstructs a; cholesky of an indefinite matrix is NaN (as JAX)")
    func luAndFailures() {
        let a = Tensor(values("a"), shape: [4, 4])
        let (p, l, u) = Linalg.lu(a)
        expectClose(matmul(p, matmul(l, u)).doubles, a.doubles, rtol: 1e-12, atol: 1e-12, "p l u")
        let indefinite = Tensor([1, 2, 2, 1] as [Double], shape: [2, 2])
        let factor = Linalg.cholesky(indefinite).doubles
        // jnp.linalg.cholesky([[1, 2], [2, 1]]) == [[nan, 0], [nan, nan]]
        #expect(factor[0].isNaN && factor[1] == 0 && factor[2].isNaN && factor[3].isNaN)
        let singular = Tensor([1, 2, 2, 4] as [Double], shape: [2, 2])
        // Rank-deficient svd still has orthonormal factors.
        let rankOne = Tensor([1, 2, 2, 4, 3, 6] as [Double], shape: [3, 2])
        let (ru, rs, rvt) = Linalg.svd(rankOne)
        expectClose(matmul(ru.T, ru).doubles, Tensor.eye(2, dtype: .float64).doubles, rtol: 1e-12, atol: 1e-12, "rank-deficient uᵀu")
        expectClose(matmul(ru * rs.reshaped([1, 2]), rvt).doubles, rankOne.doubles, rtol: 1e-12, atol: 1e-12, "rank-deficient u s vt")
        let det = Linalg.det(singular).item(Double.self)
        #expect(det == 0)
    }

    @Test("linalg primitives run under jit and print with JAX's names")
    func jitAndPrinting() {
        let a = Tensor(values("a"), shape: [4, 4]), b = Tensor(values("b"), shape: [4, 2])
        let f = jit({ (a: Tensor, b: Tensor) in Linalg.solve(a, b) + Linalg.det(a) })
        expectClose(f(a, b).doubles, (Linalg.solve(a, b) + Linalg.det(a)).doubles, rtol: 1e-12, atol: 1e-12, "jit")
        let text = makeJaxpr({ (a: Tensor) in Linalg.cholesky(a) })(a).description
        #expect(text.contains("cholesky"))
        #expect(makeJaxpr({ (a: Tensor, b: Tensor) in Linalg.solve(a, b) })(a, b).description.contains("triangular_solve"))
    }
}
