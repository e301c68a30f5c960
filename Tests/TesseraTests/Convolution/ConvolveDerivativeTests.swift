import Testing
@testable import Tessera

/// `convolve`/`correlate` (built on conv_general_dilated): gradients and vmap.
@Suite("Convolution: convolve and correlate derivatives")
struct ConvolveDerivativeTests {
    @Test("finite-difference gradients for every mode, signal longer or shorter than the kernel (float64)")
    func gradients() {
        var rng = TestRandom(seed: 21)
        for (n, m) in [(7, 3), (3, 7), (4, 4)] {
            let a = rng.tensor([n]), v = rng.tensor([m])
            for mode in [ConvolveMode.full, .same, .valid] {
                GradientCheck.check("convolve \(n) \(m) \(mode)", inputs: [a, v]) { convolve($0[0], $0[1], mode: mode) }
                GradientCheck.check("correlate \(n) \(m) \(mode)", inputs: [a, v]) { correlate($0[0], $0[1], mode: mode) }
            }
        }
    }

    @Test("vmap of convolve equals the loop")
    func vmapEqualsLoop() {
        var rng = TestRandom(seed: 22)
        let xs = rng.tensor([3, 8]), ks = rng.tensor([3, 3])
        let out = vmap({ (a: Tensor, v: Tensor) in convolve(a, v, mode: .same) }, inAxes: [0, 0])(xs, ks)
        let shared = vmap({ (a: Tensor, v: Tensor) in correlate(a, v) }, inAxes: [0, nil])(xs, ks[0])
        for i in 0..<3 {
            expectClose(out[i].doubles, convolve(xs[i], ks[i], mode: .same).doubles, rtol: 1e-12, atol: 1e-12, "vmap convolve \(i)")
            expectClose(shared[i].doubles, correlate(xs[i], ks[0]).doubles, rtol: 1e-12, atol: 1e-12, "vmap correlate \(i)")
        }
    }
}
