import Foundation
import Testing
@testable import Tessera

/// Parameters of a two-layer perceptron, as a user-defined tensor tree.
struct MLPParams: TensorTree {
    var w1: Tensor, b1: Tensor, w2: Tensor, b2: Tensor
    func mapTensors(_ f: (Tensor) throws -> Tensor) rethrows -> MLPParams {
        MLPParams(w1: try f(w1), b1: try f(b1), w2: try f(w2), b2: try f(b2))
    }
    /// One gradient-descent step.
    func step(_ g: MLPParams, rate: Double) -> MLPParams {
        let r = Tensor(floatLiteral: rate)
        return MLPParams(w1: w1 - r * g.w1, b1: b1 - r * g.b1, w2: w2 - r * g.w2, b2: b2 - r * g.b2)
    }
}

/// Mean softmax cross-entropy of `logits` [batch, classes] against one-hot `labels`,
/// with the stable logsumexp of AutodiffCustomRuleTests.
@Sendable func softmaxCrossEntropy(_ logits: Tensor, _ onehot: Tensor) -> Tensor {
    let lse = AutodiffCustomRuleTests.logsumexp(logits).reshaped([logits.shape[0], 1])
    return -((onehot * (logits - lse)).sum(axes: [1])).mean()
}

@Sendable func mlpLoss(_ p: MLPParams, _ x: Tensor, _ onehot: Tensor) -> Tensor {
    let h = tanh(matmul(x, p.w1) + p.b1)
    return softmaxCrossEntropy(matmul(h, p.w2) + p.b2, onehot)
}

/// MLP gradients against JAX, and training by gradient descent on synthetic data.
@Suite("Autodiff: models")
struct AutodiffModelTests {
    @Test func mlpGradientsMatchJAX() {
        let data = TestData.json("autodiff_mlp.json") as! [String: Any]
        let shapes = data["shapes"] as! [String: [Int]]
        let params = data["params"] as! [String: Any]
        func tensor(_ name: String) -> Tensor { Tensor(TestData.doubles(params[name]!), shape: shapes[name]!) }
        let p = MLPParams(w1: tensor("w1"), b1: tensor("b1"), w2: tensor("w2"), b2: tensor("b2"))
        let x = Tensor(TestData.doubles(data["x"]!), shape: data["x_shape"] as! [Int])
        let nOut = shapes["b2"]![0]
        let onehot = Tensor(TestData.doubles(data["onehot"]!), shape: [x.shape[0], nOut])
        let expected = data["grads"] as! [String: Any]

        let (value, g) = valueAndGrad(mlpLoss)(p, x, onehot)
        #expect(isClose(value.item(Double.self), TestData.double(data["loss"]!), rtol: 1e-12))
        expectClose(g.w1.doubles, TestData.doubles(expected["w1"]!), rtol: 1e-10, atol: 1e-12, "w1")
        expectClose(g.b1.doubles, TestData.doubles(expected["b1"]!), rtol: 1e-10, atol: 1e-12, "b1")
        expectClose(g.w2.doubles, TestData.doubles(expected["w2"]!), rtol: 1e-10, atol: 1e-12, "w2")
        expectClose(g.b2.doubles, TestData.doubles(expected["b2"]!), rtol: 1e-10, atol: 1e-12, "b2")

        // The same through a [String: Tensor] tree, and under jit.
        let dict: [String: Tensor] = ["w1": p.w1, "b1": p.b1, "w2": p.w2, "b2": p.b2]
        let dictLoss: @Sendable ([String: Tensor], Tensor, Tensor) -> Tensor = { d, x, y in
            mlpLoss(MLPParams(w1: d["w1"]!, b1: d["b1"]!, w2: d["w2"]!, b2: d["b2"]!), x, y)
        }
        let gd = grad(dictLoss)(dict, x, onehot)
        expectClose(gd["w2"]!.doubles, TestData.doubles(expected["w2"]!), rtol: 1e-10, atol: 1e-12, "dict w2")
        let gj: MLPParams = jit(grad(mlpLoss))(p, x, onehot)
        expectClose(gj.w1.doubles, TestData.doubles(expected["w1"]!), rtol: 1e-10, atol: 1e-12, "jit w1")
        expectClose(gj.b2.doubles, TestData.doubles(expected["b2"]!), rtol: 1e-10, atol: 1e-12, "jit b2")
    }

    /// Two Gaussian blobs in the plane, labelled by which side of a line they fall.
    static func syntheticData(count: Int, seed: UInt64) -> (x: [Float], labels: [Int]) {
        var rng = TestRandom(seed: seed)
        var x: [Float] = [], labels: [Int] = []
        for _ in 0..<count {
            let a = rng.uniform(-2, 2), b = rng.uniform(-2, 2)
            x += [Float(a), Float(b)]
            labels.append(a + 2 * b > 0.3 ? 1 : 0)
        }
        return (x, labels)
    }

    @Test func logisticRegressionTrains() {
        let (xs, labels) = Self.syntheticData(count: 128, seed: 31)
        let x = Tensor(xs, shape: [128, 2])
        let y = Tensor(labels.map(Float.init), shape: [128])
        let loss: @Sendable ([Tensor], Tensor, Tensor) -> Tensor = { p, x, y in
            let z = matmul(x, p[0]) + p[1]
            let prob = sigmoid(z)
            return -(y * log(prob + 1e-7) + (1 - y) * log(1 - prob + 1e-7)).mean()
        }
        var params = [Tensor.zeros([2]), Tensor.zeros([])]
        let step = valueAndGrad(loss)
        var losses: [Float] = []
        for _ in 0..<60 {
            let (l, g) = step(params, x, y)
            losses.append(l.item(Float.self))
            params = zip(params, g).map { $0 - 1.0 * $1 }
        }
        print("logistic regression loss: \(losses[0]) -> \(losses.last!)")
        #expect(losses.last! < 0.35 * losses[0])
        #expect(zip(losses, losses.dropFirst()).allSatisfy { $1 <= $0 + 1e-6 })
        let predicted = (matmul(x, params[0]) + params[1]) .> 0
        let accuracy = zip(predicted.asArray(Bool.self), labels).filter { $0 == ($1 == 1) }.count
        #expect(accuracy >= 120)
    }

    @Test func twoLayerMLPTrains() {
        // XOR-like labels: not linearly separable, so the hidden layer is needed.
        var rng = TestRandom(seed: 41)
        let n = 96
        var xs: [Float] = [], onehot: [Float] = [], labels: [Int] = []
        for _ in 0..<n {
            let a = rng.uniform(-1, 1), b = rng.uniform(-1, 1)
            xs += [Float(a), Float(b)]
            let label = (a > 0) != (b > 0) ? 1 : 0
            labels.append(label)
            onehot += label == 1 ? [0, 1] : [1, 0]
        }
        let x = Tensor(xs, shape: [n, 2]), y = Tensor(onehot, shape: [n, 2])
        var initRNG = TestRandom(seed: 42)
        func randn(_ shape: [Int], _ scale: Double) -> Tensor {
            Tensor(initRNG.doubles(shape.reduce(1, *), -scale, scale).map(Float.init), shape: shape)
        }
        var params = MLPParams(w1: randn([2, 16], 1.5), b1: randn([16], 0.5), w2: randn([16, 2], 1), b2: Tensor.zeros([2]))
        let gradient = jit(grad(mlpLoss)), loss = jit(mlpLoss)
        var losses: [Float] = []
        for _ in 0..<300 {
            let g = gradient(params, x, y)
            losses.append(loss(params, x, y).item(Float.self))
            params = params.step(g, rate: 0.5)
        }
        print("2-layer MLP loss: \(losses[0]) -> \(losses.last!)")
        #expect(losses.last! < 0.3 * losses[0])
        let logits = matmul(tanh(matmul(x, params.w1) + params.b1), params.w2) + params.b2
        let predicted = logits.argmax(axis: 1).asArray(Int32.self)
        let correct = zip(predicted, labels).filter { Int($0) == $1 }.count
        #expect(correct >= 85)
    }

    @Test func jacobiansAndHessian() {
        var rng = TestRandom(seed: 51)
        let x = rng.tensor([3])
        let f: @Sendable (Tensor) -> Tensor = { x in concatenate([sin(x) * x[0], (x * x).sum().reshaped([1])], axis: 0) }
        let jf = jacfwd(f)(x), jr = jacrev(f)(x)
        #expect(jf.shape == [4, 3])
        expectClose(jf.doubles, jr.doubles, rtol: 1e-12, atol: 1e-12, "jacfwd vs jacrev")
        let v = x.doubles
        var expected = [Double](repeating: 0, count: 12)
        for i in 0..<3 {
            expected[i * 3 + i] += cos(v[i]) * v[0]
            expected[i * 3 + 0] += sin(v[i])
            expected[9 + i] = 2 * v[i]
        }
        expectClose(jf.doubles, expected, rtol: 1e-12, atol: 1e-12, "jacobian")
        // Hessian of sum(x³) + x0·x1 is diag(6x) + the off-diagonal 1s.
        let h = hessian({ (x: Tensor) in (x * x * x).sum() + x[0] * x[1] })(x)
        #expect(h.shape == [3, 3])
        expectClose(h.doubles, [6 * v[0], 1, 0, 1, 6 * v[1], 0, 0, 0, 6 * v[2]], rtol: 1e-12, atol: 1e-12, "hessian")
        let hj = jit(hessian({ (x: Tensor) in (x * x * x).sum() + x[0] * x[1] }))(x)
        expectClose(hj.doubles, h.doubles, rtol: 1e-12, atol: 1e-12, "hessian under jit")
    }

    @Test func jacobiansAreOneBatchedPass() {
        // With vmap, the traced Jacobian program does not grow with the number of elements.
        let f: @Sendable (Tensor) -> Tensor = { x in tanh(x) * x.sum() }
        for jac in [jacfwd(f), jacrev(f)] {
            let small = makeJaxpr(jac)(Tensor([Float](repeating: 1, count: 3), shape: [3])).description
            let large = makeJaxpr(jac)(Tensor([Float](repeating: 1, count: 7), shape: [7])).description
            #expect(small.split(separator: "\n").count == large.split(separator: "\n").count)
        }
        let x = Tensor([0.5, -1, 2] as [Double], shape: [3])
        expectClose(jacfwd(f)(x).doubles, jacrev(f)(x).doubles, rtol: 1e-12, atol: 1e-12, "jacfwd vs jacrev")
    }

    @Test func gradWithArgnums() {
        let f: @Sendable (Tensor, Tensor) -> Tensor = { a, b in (a * b * b).sum() }
        let a = Tensor([1, 2] as [Double], shape: [2]), b = Tensor([3, 4] as [Double], shape: [2])
        #expect(grad(f)(a, b).doubles == [9, 16])
        #expect(grad(f, argnums: 1)(a, b).doubles == [6, 16])
        let both = grad(f, argnums: [0, 1])(a, b)
        #expect(both[0].doubles == [9, 16] && both[1].doubles == [6, 16])
        let (y, pullback) = vjp(f, a, b)
        #expect(y.item(Double.self) == 9 + 32)
        let (da, db) = pullback(Tensor(Double(2)))
        #expect(da.doubles == [18, 32] && db.doubles == [12, 32])
    }
}
