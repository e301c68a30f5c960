import Foundation
import Testing
@testable import Tessera

/// Data/nn_cases.json, made by scripts/testdata/special_cases.py with jax.nn.
private func nnData() -> [String: Any] { TestData.json("nn_cases.json") as! [String: Any] }
private func nn(_ key: String) -> [Double] { TestData.doubles(nnData()[key]!) }

@Suite("NN: jax.nn helpers")
struct NNTests {
    @Test("values match jax.nn on every backend (float64 and float32)", arguments: TestDevices.backendNames)
    func matchesJAX(_ backend: String) {
        guard let device = TestDevices.device(backend) else { return }
        for dtype in [DType.float64, .float32] where device.supports(dtype) {
            let tol = dtype == .float64 ? 1e-12 : 2e-6
            let x = Tensor(nn("x"), shape: [3, 5]).asType(dtype).to(device)
            let big = Tensor(nn("big"), shape: [2, 3]).asType(dtype).to(device)
            func check(_ y: Tensor, _ key: String) {
                #expect(y.dtype == dtype)
                expectClose(y.doubles, nn(key), rtol: tol, atol: tol, "\(backend) \(dtype) \(key)")
            }
            check(NN.relu(x), "relu")
            check(NN.gelu(x), "gelu_tanh")
            check(NN.gelu(x, approximate: false), "gelu_erf")
            check(NN.silu(x), "silu")
            check(NN.softplus(x), "softplus")
            check(NN.softmax(x, axis: 0), "softmax0")
            check(NN.softmax(x, axis: -1), "softmax1")
            check(NN.logSoftmax(x, axis: -1), "log_softmax1")
            check(NN.softmax(big, axis: -1), "softmax_big")
            check(NN.logSoftmax(big, axis: -1), "log_softmax_big")
        }
        let labels = Tensor([0, 2, 4, 1, 3, 5] as [Int32])
        let hot = NN.oneHot(labels, numClasses: 5)
        #expect(hot.shape == [6, 5] && hot.dtype == .float32)
        expectClose(hot.doubles, nn("one_hot"), rtol: 0, atol: 0, "oneHot (index 5 is out of range: all zeros)")
    }

    @Test("finite-difference gradients (float64), finite gradients on extreme logits")
    func gradients() {
        var rng = TestRandom(seed: 11)
        let x = rng.tensor([3, 4], -3, 3)
        GradientCheck.check("relu", inputs: [x]) { NN.relu($0[0]) }
        GradientCheck.check("gelu tanh", inputs: [x]) { NN.gelu($0[0]) }
        GradientCheck.check("gelu erf", inputs: [x]) { NN.gelu($0[0], approximate: false) }
        GradientCheck.check("silu", inputs: [x]) { NN.silu($0[0]) }
        GradientCheck.check("softplus", inputs: [x]) { NN.softplus($0[0]) }
        GradientCheck.check("softmax", inputs: [x]) { NN.softmax($0[0], axis: 1) }
        GradientCheck.check("logSoftmax", inputs: [x]) { NN.logSoftmax($0[0], axis: 0) }
        let big = Tensor(nn("big"), shape: [2, 3])
        let g = grad({ (z: Tensor) in (NN.logSoftmax(z) * Tensor([1, 0, 0, 0, 1, 0] as [Double], shape: [2, 3])).sum() })(big).doubles
        #expect(g.allSatisfy { $0.isFinite }, "\(g)")
        #expect(grad({ (z: Tensor) in NN.relu(z).sum() })(Tensor([0, 1, -1] as [Double])).doubles == [0, 1, 0])
        let sp = grad({ (z: Tensor) in NN.softplus(z).sum() })(Tensor([-800, 800] as [Double])).doubles
        #expect(sp == [0, 1])
    }

    @Test("vmap of softmax and a small classifier loss equals the loop")
    func vmapEqualsLoop() {
        var rng = TestRandom(seed: 12)
        let xs = rng.tensor([4, 3, 5]), w = rng.tensor([5, 5])
        let labels = Tensor([1, 0, 4] as [Int32])
        @Sendable func loss(_ x: Tensor) -> Tensor {
            -(NN.logSoftmax(matmul(NN.gelu(x), w), axis: -1) * NN.oneHot(labels, numClasses: 5, dtype: .float64)).sum()
        }
        let batched = vmap({ (x: Tensor) in NN.softmax(x, axis: 0) })(xs)
        let grads = vmap(grad(loss))(xs)
        for i in 0..<4 {
            expectClose(batched[i].doubles, NN.softmax(xs[i], axis: 0).doubles, rtol: 1e-12, atol: 1e-12, "vmap softmax \(i)")
            expectClose(grads[i].doubles, grad(loss)(xs[i]).doubles, rtol: 1e-12, atol: 1e-12, "vmap grad loss \(i)")
        }
    }
}
