import Foundation
import Testing
@testable import Tessera

/// Per-example gradients of the benchmark MLP at full width (784-512-512-10, tanh, softmax
/// cross-entropy) equal JAX's: Data/vmap_mlp_full.json (scripts/testdata/vmap_mlp_full.py)
/// holds, per parameter and example, the sum, the sum of squares and 16 elements of the
/// gradient; the inputs come from the threefry PRNG both share.
@Suite("vmap: full-size per-example MLP gradients")
struct VmapFullMLPTests {
    struct MLP: TensorTree {
        var w1: Tensor, b1: Tensor, w2: Tensor, b2: Tensor, w3: Tensor, b3: Tensor
        func mapTensors(_ g: (Tensor) throws -> Tensor) rethrows -> MLP {
            MLP(w1: try g(w1), b1: try g(b1), w2: try g(w2), b2: try g(b2), w3: try g(w3), b3: try g(b3))
        }
        var named: [(String, Tensor)] { [("w1", w1), ("b1", b1), ("w2", w2), ("b2", b2), ("w3", w3), ("b3", b3)] }
    }

    @Sendable static func loss(_ p: MLP, _ x: Tensor, _ y: Tensor) -> Tensor {
        let h1 = tanh(matmul(x, p.w1) + p.b1)
        let h2 = tanh(matmul(h1, p.w2) + p.b2)
        let logits = matmul(h2, p.w3) + p.b3
        return -(NN.logSoftmax(logits, axis: -1) * y).sum(axes: [1]).mean()
    }

    /// The loss of one example (a row of the batch).
    @Sendable static func exampleGrad(_ p: MLP, _ xi: Tensor, _ yi: Tensor) -> MLP {
        grad(loss)(p, xi.reshaped([1, 784]), yi.reshaped([1, 10]))
    }

    @Test func perExampleGradientsMatchJAX() {
        let data = TestData.json("vmap_mlp_full.json") as! [String: Any]
        let batch = data["batch"] as! Int
        let keys = (0..<8).map { Random.foldIn(PRNGKey(0), $0) }
        let params = MLP(w1: Random.normal(keys[0], shape: [784, 512]) * 0.03, b1: Tensor.zeros([512]),
                         w2: Random.normal(keys[1], shape: [512, 512]) * 0.04, b2: Tensor.zeros([512]),
                         w3: Random.normal(keys[2], shape: [512, 10]) * 0.04, b3: Tensor.zeros([10]))
        let x = Random.normal(keys[3], shape: [batch, 784])
        let labels = Random.randint(keys[4], shape: [batch], minval: 0, maxval: 10)
        let y = NN.oneHot(labels, numClasses: 10)
        // The PRNG streams agree (else the comparison below would be meaningless).
        expectClose(Array(x.doubles.prefix(8)), TestData.doubles(data["x_first"]!), rtol: 1e-6, atol: 1e-7, "x")
        expectClose(Array(params.w1.doubles.prefix(8)), TestData.doubles(data["w1_first"]!), rtol: 1e-6, atol: 1e-8, "w1")
        #expect(labels.asArray(Int32.self).map(Int.init) == (data["labels"] as! [Int]))

        let losses = vmap({ (p: MLP, xi: Tensor, yi: Tensor) in Self.loss(p, xi.reshaped([1, 784]), yi.reshaped([1, 10])) },
                          inAxes: [nil, 0, 0])(params, x, y)
        expectClose(losses.doubles, TestData.doubles(data["losses"]!), rtol: 1e-5, atol: 1e-6, "losses")

        let jitted = jit(vmap(Self.exampleGrad, inAxes: [nil, 0, 0]))(params, x, y)
        let eager = vmap(Self.exampleGrad, inAxes: [nil, 0, 0])(params, x, y)
        let want = data["grads"] as! [String: Any]
        for (label, grads) in [("jit(vmap(grad))", jitted), ("vmap(grad)", eager)] {
            for ((name, g), (_, p)) in zip(grads.named, params.named) {
                let w = want[name] as! [String: Any]
                #expect(g.shape == [batch] + p.shape, "\(label) \(name): shape \(g.shape)")
                let size = w["size"] as! Int, positions = w["positions"] as! [Int]
                let values = g.doubles
                let rows = (0..<batch).map { Array(values[($0 * size)..<(($0 + 1) * size)]) }
                let absSums = TestData.doubles(w["abs_sum"]!)
                // Sums may cancel: compare them against the size of what is summed.
                for (b, row) in rows.enumerated() {
                    let sum = row.reduce(0, +), squares = row.reduce(0) { $0 + $1 * $1 }
                    let wantSum = TestData.doubles(w["sum"]!)[b], wantSquares = TestData.doubles(w["sum_squares"]!)[b]
                    #expect(abs(sum - wantSum) <= 1e-4 * absSums[b] + 1e-7, "\(label) \(name)[\(b)] sum \(sum) vs \(wantSum)")
                    #expect(abs(squares - wantSquares) <= 1e-4 * wantSquares + 1e-12,
                            "\(label) \(name)[\(b)] sum of squares \(squares) vs \(wantSquares)")
                    let picked = positions.map { row[$0] }
                    let wantPicked = TestData.doubles((w["values"] as! [Any])[b])
                    let scale = (wantSquares / Double(size)).squareRoot()
                    expectClose(picked, wantPicked, rtol: 1e-3, atol: 1e-4 * scale + 1e-9, "\(label) \(name)[\(b)] elements")
                }
            }
        }
    }

    /// The per-example gradient program is one jaxpr with 8 dot_generals (3 forward, 2 for
    /// the hidden cotangents, 3 per-example weight gradients as batched outer products with
    /// the batch axis leading) and no transpose, so no weight-sized copy; the plain
    /// gradient program has no transpose either.
    @Test func perExampleGradientProgramHasNoTransposes() {
        let p = MLP(w1: Tensor.zeros([784, 512]), b1: Tensor.zeros([512]), w2: Tensor.zeros([512, 512]), b2: Tensor.zeros([512]),
                    w3: Tensor.zeros([512, 10]), b3: Tensor.zeros([10]))
        let x = Tensor.zeros([4, 784]), y = Tensor.zeros([4, 10])
        let jaxpr = makeJaxpr(vmap(Self.exampleGrad, inAxes: [nil, 0, 0]))(p, x, y)
        let names = jaxpr.equations.map { printedName($0.primitive) }
        #expect(names.filter { $0 == "dot_general" }.count == 8, "\(jaxpr)")
        #expect(!names.contains("transpose"), "\(jaxpr)")
        let outerProducts = jaxpr.equations.filter {
            guard case .dotGeneral(let dn, _) = $0.primitive else { return false }
            return dn.lhsBatch == [0] && dn.rhsBatch == [0] && dn.lhsContracting == [1] && dn.rhsContracting == [1]
        }
        #expect(outerProducts.map { $0.outputs[0].type.shape } == [[4, 512, 10], [4, 512, 512], [4, 784, 512]], "\(jaxpr)")
        let plain = makeJaxpr(grad(Self.loss))(p, x, y)
        #expect(!plain.equations.contains { printedName($0.primitive) == "transpose" }, "\(plain)")
    }
}
