import Foundation
import Testing
@testable import Tessera

/// Data/special_cases.json, made by scripts/testdata/special_cases.py with SciPy.
private func specialData() -> [String: Any] { TestData.json("special_cases.json") as! [String: Any] }
private func special(_ key: String) -> [Double] { TestData.doubles(specialData()[key]!) }

@Suite("Special: jax.scipy.special")
struct SpecialTests {
    @Test("values match SciPy on every backend (float64 and float32)", arguments: TestDevices.backendNames)
    func matchesSciPy(_ backend: String) {
        guard let device = TestDevices.device(backend) else { return }
        for dtype in [DType.float64, .float32] where device.supports(dtype) {
            let tol = dtype == .float64 ? 1e-10 : 2e-5
            func t(_ key: String, _ shape: [Int]) -> Tensor { Tensor(special(key), shape: shape).asType(dtype).to(device) }
            func check(_ x: Tensor, _ key: String) {
                #expect(x.dtype == dtype)
                expectClose(x.doubles, special(key), rtol: tol, atol: tol, "\(backend) \(dtype) \(key)")
            }
            let x = t("x", [3, 5])
            check(Special.logsumexp(x), "logsumexp_all")
            check(Special.logsumexp(x, axes: [1]), "logsumexp_axis1")
            check(Special.logsumexp(t("big", [2, 3]), axes: [-1]), "logsumexp_big")
            check(Special.gammaln(t("pos", [7])), "gammaln")
            check(Special.digamma(t("pos", [7])), "digamma")
            check(Special.erfinv(t("unit", [7])), "erfinv")
            check(Special.xlogy(t("xs", [7]), t("ys", [7])), "xlogy")
            check(Special.xlog1py(t("xs", [7]), t("ys", [7])), "xlog1py")
            check(Special.logit(t("prob", [7])), "logit")
            check(Special.expit(x), "expit")
        }
    }

    @Test("logsumexp keeps dims, and its gradient is the softmax even with -inf and huge entries")
    func logsumexpGradient() {
        let big = Tensor(special("big"), shape: [2, 3])
        #expect(Special.logsumexp(big, axes: [1], keepDims: true).shape == [2, 1])
        let g = grad({ (x: Tensor) in Special.logsumexp(x, axes: [1]).sum() })(big).doubles
        #expect(g.allSatisfy { $0.isFinite })
        expectClose(g, NN.softmax(big, axis: 1).doubles, rtol: 1e-12, atol: 1e-12, "grad logsumexp = softmax")
        // Gradient through a -inf row entry is exactly 0.
        #expect(g[3] == 0)
    }

    @Test("finite-difference gradients (float64)")
    func gradients() {
        var rng = TestRandom(seed: 9)
        let x = rng.tensor([3, 4]), pos = rng.tensor([6], 0.5, 4), prob = rng.tensor([6], 0.1, 0.9), unit = rng.tensor([6], -0.9, 0.9)
        GradientCheck.check("logsumexp all", inputs: [x]) { Special.logsumexp($0[0]) }
        GradientCheck.check("logsumexp axis 0 keepDims", inputs: [x]) { Special.logsumexp($0[0], axes: [0], keepDims: true) }
        GradientCheck.check("gammaln", inputs: [pos]) { Special.gammaln($0[0]) }
        GradientCheck.check("digamma", inputs: [pos], rtol: 1e-4) { Special.digamma($0[0]) }
        GradientCheck.check("erfinv", inputs: [unit]) { Special.erfinv($0[0]) }
        GradientCheck.check("xlogy", inputs: [x, pos.reshaped([1, 6])[0..<1, 0..<4].reshaped([4])]) { Special.xlogy($0[0], $0[1]) }
        GradientCheck.check("xlog1py", inputs: [unit, prob]) { Special.xlog1py($0[0], $0[1]) }
        GradientCheck.check("logit", inputs: [prob]) { Special.logit($0[0]) }
        GradientCheck.check("expit", inputs: [x]) { Special.expit($0[0]) }
        // xlogy at x == 0: value 0 and finite derivatives (JAX's rule).
        let g = grad({ (y: Tensor) in Special.xlogy(Tensor([0, 2] as [Double]), y).sum() })(Tensor([0, 3] as [Double])).doubles
        #expect(g[1] == 2.0 / 3.0)
    }

    @Test("vmap of logsumexp equals the loop")
    func vmapEqualsLoop() {
        var rng = TestRandom(seed: 10)
        let xs = rng.tensor([4, 3, 5])
        let batched = vmap({ (x: Tensor) in Special.logsumexp(x, axes: [1]) })(xs)
        let gradBatched = vmap(grad({ (x: Tensor) in Special.logsumexp(x) }))(xs)
        for i in 0..<4 {
            expectClose(batched[i].doubles, Special.logsumexp(xs[i], axes: [1]).doubles, rtol: 1e-12, atol: 1e-12, "vmap \(i)")
            expectClose(gradBatched[i].doubles, grad({ (x: Tensor) in Special.logsumexp(x) })(xs[i]).doubles,
                        rtol: 1e-12, atol: 1e-12, "vmap grad \(i)")
        }
    }
}
