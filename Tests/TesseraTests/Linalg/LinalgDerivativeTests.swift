import Foundation
import Testing
@testable import Tessera
@testable import TesseraCore

/// Finite-difference gradient checks (float64) and vmap-equals-loop for Linalg, on every
/// backend (each test runs with that backend's device as the default device).
@Suite("Linalg: gradients and vmap")
struct LinalgDerivativeTests {
    /// A well-conditioned general matrix and a symmetric positive-definite one.
    static func general(_ n: Int, seed: UInt64) -> Tensor {
        var rng = TestRandom(seed: seed)
        return rng.tensor([n, n], -1, 1) + Tensor.eye(n, dtype: .float64) * Tensor(Double(n))
    }
    static func spd(_ n: Int, seed: UInt64) -> Tensor {
        var rng = TestRandom(seed: seed)
        let a = rng.tensor([n, n], -1, 1)
        return matmul(a, a.T) + Tensor.eye(n, dtype: .float64) * Tensor(Double(n))
    }

    @Test("cholesky, solve, inv, det, slogdet, triangularSolve", arguments: TestDevices.backendNames)
    func basicGradients(_ backend: String) {
        guard let device = TestDevices.device(backend), device.supports(.float64) else { return }
        Device.withDefault(device) { basicGradientsBody() }
    }

    private func basicGradientsBody() {
        let a = Self.general(4, seed: 1), s = Self.spd(4, seed: 2)
        var rng = TestRandom(seed: 3)
        let b = rng.tensor([4, 2])
        GradientCheck.check("cholesky", inputs: [s]) { Linalg.cholesky($0[0]) }
        GradientCheck.check("solve", inputs: [a, b]) { Linalg.solve($0[0], $0[1]) }
        GradientCheck.check("inv", inputs: [a]) { Linalg.inv($0[0]) }
        GradientCheck.check("det", inputs: [a]) { Linalg.det($0[0]) }
        GradientCheck.check("slogdet", inputs: [a]) { Linalg.slogdet($0[0]).logAbsDet }
        let tri = MatrixOps.tril(a)
        for (left, lower, trans, unit) in [(true, true, false, false), (true, false, true, false), (false, true, false, true),
                                           (false, false, true, false)] {
            let rhs = left ? b : b.T
            GradientCheck.check("triangularSolve left \(left) lower \(lower) transpose \(trans) unit \(unit)",
                                inputs: [lower ? tri : tri.T, rhs]) {
                Linalg.triangularSolve($0[0], $0[1], leftSide: left, lower: lower, transposeA: trans, unitDiagonal: unit)
            }
        }
        // The pivoted LU factors directly.
        GradientCheck.check("lu", inputs: [a]) { let (_, l, u) = Linalg.lu($0[0]); return l + u }
    }

    @Test("second order: the gradient of log|det| is inv(a)ᵀ, and it differentiates again (float64)", arguments: TestDevices.backendNames)
    func secondOrder(_ backend: String) {
        guard let device = TestDevices.device(backend), device.supports(.float64) else { return }
        Device.withDefault(device) { secondOrderBody() }
    }

    private func secondOrderBody() {
        let a = Self.general(3, seed: 41), s = Self.spd(3, seed: 42)
        let g = grad({ (m: Tensor) in Linalg.slogdet(m).logAbsDet })(a)
        expectClose(g.doubles, Linalg.inv(a).T.doubles, rtol: 1e-10, atol: 1e-10, "grad log|det| = inv(a)ᵀ")
        GradientCheck.check("grad of log|det|", inputs: [a]) { grad({ (m: Tensor) in Linalg.slogdet(m).logAbsDet })($0[0]) }
        GradientCheck.check("grad of cholesky sum", inputs: [s]) { grad({ (m: Tensor) in (Linalg.cholesky(m) * Linalg.cholesky(m)).sum() })($0[0]) }
        GradientCheck.check("grad of eigenvalues", inputs: [s]) { grad({ (m: Tensor) in (Linalg.eigh(m).eigenvalues * Tensor([1, 2, 3] as [Double])).sum() })($0[0]) }
    }

    @Test("gradients of eigenvalue and singular-value sums stay finite for repeated values", arguments: TestDevices.backendNames)
    func repeatedValues(_ backend: String) {
        guard let device = TestDevices.device(backend), device.supports(.float64) else { return }
        Device.withDefault(device) { repeatedValuesBody() }
    }

    private func repeatedValuesBody() {
        let eye = Tensor.eye(3, dtype: .float64)
        let g = grad({ (m: Tensor) in Linalg.eigvalsh(m).sum() })(eye)
        expectClose(g.doubles, eye.doubles, rtol: 1e-12, atol: 1e-12, "d trace / da = I")
        let gs = grad({ (m: Tensor) in Linalg.svdvals(m).sum() })(eye * Tensor(2.0))
        expectClose(gs.doubles, eye.doubles, rtol: 1e-12, atol: 1e-12, "d nuclear norm / da = u vᵀ = I")
    }

    @Test("qr, eigh, svd (sign-invariant functions of the factors)", arguments: TestDevices.backendNames)
    func decompositionGradients(_ backend: String) {
        guard let device = TestDevices.device(backend), device.supports(.float64) else { return }
        Device.withDefault(device) { decompositionGradientsBody() }
    }

    private func decompositionGradientsBody() {
        var rng = TestRandom(seed: 5)
        let tall = rng.tensor([5, 3], -1, 1), square = rng.tensor([3, 3], -1, 1), wide = rng.tensor([3, 4], -1, 1)
        GradientCheck.check("qr q", inputs: [tall]) { Linalg.qr($0[0]).q }
        GradientCheck.check("qr r", inputs: [square]) { Linalg.qr($0[0]).r }
        let s = Self.spd(4, seed: 6) + MatrixOps.diagMatrix(Tensor([0, 1, 2.5, 4] as [Double]))
        GradientCheck.check("eigh eigenvalues", inputs: [s]) { Linalg.eigh($0[0]).eigenvalues }
        GradientCheck.check("eigh eigenvectors²", inputs: [s]) { let v = Linalg.eigh($0[0]).eigenvectors; return v * v }
        for (name, m) in [("tall", tall), ("wide", wide), ("square", square)] {
            GradientCheck.check("svd s \(name)", inputs: [m]) { Linalg.svd($0[0]).s }
            GradientCheck.check("svd u sᵀ vt \(name)", inputs: [m]) {
                let (u, s, vt) = Linalg.svd($0[0])
                let parts = [matmul(u * s.reshaped([1, s.shape[0]]), vt), matmul(u, u.T), matmul(vt.T, vt)]
                return concatenate(parts.map { $0.reshaped([$0.count]) }, axis: 0)
            }
        }
        // Full matrices of a square matrix are the reduced ones, with the same derivatives.
        GradientCheck.check("qr full (square) q r", inputs: [square]) {
            let (q, r) = Linalg.qr($0[0], fullMatrices: true)
            return concatenate([q.reshaped([9]), r.reshaped([9])], axis: 0)
        }
        GradientCheck.check("svd full (square) u s vt", inputs: [square]) {
            let (u, s, vt) = Linalg.svd($0[0], fullMatrices: true)
            return matmul(u * s.reshaped([1, 3]), vt) + matmul(u, u.T)
        }
        GradientCheck.check("norm 2 and nuc", inputs: [tall]) { Linalg.norm($0[0], ord: .p(2)) + Linalg.norm($0[0], ord: .nuc) }
        GradientCheck.check("fro norm", inputs: [tall]) { Linalg.norm($0[0]) }
    }

    @Test("vmap over a batch of matrices equals the loop (and the primitives' own batch axes)", arguments: TestDevices.backendNames)
    func vmapEqualsLoop(_ backend: String) {
        guard let device = TestDevices.device(backend), device.supports(.float64) else { return }
        Device.withDefault(device) { vmapEqualsLoopBody() }
    }

    private func vmapEqualsLoopBody() {
        let mats = stack((0..<3).map { Self.spd(3, seed: UInt64(10 + $0)) })
        var rng = TestRandom(seed: 4)
        let rhs = rng.tensor([3, 3, 2])
        let fs: [(String, @Sendable (Tensor) -> Tensor)] = [
            ("cholesky", { Linalg.cholesky($0) }), ("inv", { Linalg.inv($0) }), ("det", { Linalg.det($0) }),
            ("slogdet", { Linalg.slogdet($0).logAbsDet }), ("qr", { Linalg.qr($0).r }), ("eigh", { Linalg.eigh($0).eigenvalues }),
            ("svd", { Linalg.svd($0).s }), ("norm", { Linalg.norm($0, ord: .nuc) }),
            ("grad det", { grad({ (m: Tensor) in Linalg.det(m) })($0) }),
        ]
        for (name, f) in fs {
            let batched = vmap(f)(mats)
            // The primitives batch over leading axes themselves too (norm and grad do not).
            let direct = name == "grad det" || name == "norm" ? nil : f(mats)
            for i in 0..<3 {
                expectClose(batched[i].doubles, f(mats[i]).doubles, rtol: 1e-10, atol: 1e-10, "vmap \(name) \(i)")
                if let direct { expectClose(direct[i].doubles, f(mats[i]).doubles, rtol: 1e-10, atol: 1e-10, "batched \(name) \(i)") }
            }
        }
        let solved = vmap({ (a: Tensor, b: Tensor) in Linalg.solve(a, b) }, inAxes: [0, 0])(mats, rhs)
        let solvedShared = vmap({ (a: Tensor, b: Tensor) in Linalg.solve(a, b) }, inAxes: [nil, 0])(mats[0], rhs)
        let triangular = vmap({ (a: Tensor, b: Tensor) in Linalg.triangularSolve(a, b) }, inAxes: [0, nil])(mats, rhs[0])
        for i in 0..<3 {
            expectClose(solved[i].doubles, Linalg.solve(mats[i], rhs[i]).doubles, rtol: 1e-10, atol: 1e-10, "vmap solve \(i)")
            expectClose(solvedShared[i].doubles, Linalg.solve(mats[0], rhs[i]).doubles, rtol: 1e-10, atol: 1e-10, "vmap solve shared a \(i)")
            expectClose(triangular[i].doubles, Linalg.triangularSolve(mats[i], rhs[0]).doubles, rtol: 1e-10, atol: 1e-10, "vmap triangularSolve \(i)")
        }
    }
}
