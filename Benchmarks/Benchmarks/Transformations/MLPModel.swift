import Tessera

/// MLP 784-512-512-10 (tanh, softmax cross-entropy) shared by the gradient and vmap benchmarks.
/// The network's parameters.
struct MLP: TensorTree {
    var w1: Tensor, b1: Tensor, w2: Tensor, b2: Tensor, w3: Tensor, b3: Tensor
    func mapTensors(_ g: (Tensor) throws -> Tensor) rethrows -> MLP {
        MLP(w1: try g(w1), b1: try g(b1), w2: try g(w2), b2: try g(b2), w3: try g(w3), b3: try g(b3))
    }
    /// Mean softmax cross-entropy of the network's logits against one-hot labels `y`.
    @Sendable static func loss(_ p: MLP, _ x: Tensor, _ y: Tensor) -> Tensor {
        let h1 = tanh(matmul(x, p.w1) + p.b1)
        let h2 = tanh(matmul(h1, p.w2) + p.b2)
        let logits = matmul(h2, p.w3) + p.b3
        return -(NN.logSoftmax(logits, axis: -1) * y).sum(axes: [1]).mean()
    }
}

/// Parameters, a batch of 256 inputs and one-hot labels, from fixed keys.
func mlpProblem() -> (params: MLP, x: Tensor, y: Tensor) {
    let key = PRNGKey(0)
    let keys = (0..<8).map { Random.foldIn(key, $0) }
    let params = MLP(w1: Random.normal(keys[0], shape: [784, 512]) * 0.03, b1: Tensor.zeros([512]),
                     w2: Random.normal(keys[1], shape: [512, 512]) * 0.04, b2: Tensor.zeros([512]),
                     w3: Random.normal(keys[2], shape: [512, 10]) * 0.04, b3: Tensor.zeros([10]))
    let x = Random.normal(keys[3], shape: [256, 784])
    let y = NN.oneHot(Random.randint(keys[4], shape: [256], minval: 0, maxval: 10), numClasses: 10)
    return (params, x, y)
}
