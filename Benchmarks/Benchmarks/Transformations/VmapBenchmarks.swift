import Benchmark
import Tessera

/// Per-example gradients and vmapped matvec (issue 5).
func vmapBenchmarks() {
    let (params, x, y) = mlpProblem()
    let loss = MLP.loss
    let keys = (0..<8).map { Random.foldIn(PRNGKey(0), $0) }
    // Per-example gradients: jit(vmap(grad)) vs a loop of jitted per-example grads.
    let perExample = jit(vmap({ (p: MLP, xi: Tensor, yi: Tensor) in grad(loss)(p, xi.reshaped([1, 784]), yi.reshaped([1, 10])) },
                              inAxes: [nil, 0, 0]))
    let single = jit({ (p: MLP, xi: Tensor, yi: Tensor) in grad(loss)(p, xi.reshaped([1, 784]), yi.reshaped([1, 10])) })
    _ = perExample(params, x, y).tensors.map { $0.blockUntilReady() }
    Benchmark("per-example grads jit(vmap(grad)) b256 [\(Device.default.id)]") { benchmark in
        for _ in benchmark.scaledIterations { _ = perExample(params, x, y).tensors.map { $0.blockUntilReady() } }
    }
    let rows = (0..<256).map { x[$0] }, labels = (0..<256).map { y[$0] }
    _ = single(params, rows[0], labels[0]).tensors.map { $0.blockUntilReady() }
    Benchmark("per-example grads loop of jit(grad) b256 [\(Device.default.id)]") { benchmark in
        for _ in benchmark.scaledIterations {
            var last: MLP?
            for i in 0..<256 { last = single(params, rows[i], labels[i]) }
            _ = last!.tensors.map { $0.blockUntilReady() }
        }
    }

    Benchmark("per-example grads vmap/loop interleaved b256 [\(Device.default.id)]",
              configuration: .init(metrics: [ratioMetric], maxDuration: .seconds(10), maxIterations: 30)) { benchmark in
        let v = seconds { _ = perExample(params, x, y).tensors.map { $0.blockUntilReady() } }
        let l = seconds {
            var last: MLP?
            for i in 0..<256 { last = single(params, rows[i], labels[i]) }
            _ = last!.tensors.map { $0.blockUntilReady() }
        }
        benchmark.measurement(ratioMetric, Int((100 * v / l).rounded()))
    }

    // compare_peers.py's `per_example_grads`: a two-layer tanh MLP in one [96, 64] weight, batch 128.
    let peerLoss: @Sendable (Tensor, Tensor) -> Tensor = { w, x in
        let h = tanh(matmul(x, Lax.sliceInDim(w, axis: 0, start: 0, limit: 32)))
        return (matmul(h, Lax.sliceInDim(w, axis: 0, start: 32, limit: 96)) * 0.1).sum()
    }
    let peerPerExample = jit(vmap(grad(peerLoss), inAxes: [nil, 0]))
    let peerW = Random.normal(keys[7], shape: [96, 64]) * 0.2
    let peerXs = Random.uniform(Random.foldIn(keys[7], 1), shape: [128, 1, 32], minval: -1, maxval: 1)
    _ = peerPerExample(peerW, peerXs).blockUntilReady()
    Benchmark("per-example grads peer MLP 32-64-64 b128 jit(vmap(grad)) [\(Device.default.id)]") { benchmark in
        for _ in benchmark.scaledIterations { peerPerExample(peerW, peerXs).blockUntilReady() }
    }

    // vmapped matrix-vector product vs the equivalent matmul.
    let m = Random.normal(keys[5], shape: [1024, 1024]), vs = Random.normal(keys[6], shape: [256, 1024])
    let matvec = jit(vmap({ (v: Tensor) in matmul(m, v) }))
    let asMatmul = jit({ (v: Tensor) in matmul(v, m.T) })
    _ = matvec(vs).blockUntilReady(); _ = asMatmul(vs).blockUntilReady()
    Benchmark("vmap matvec 1024 x b256 [\(Device.default.id)]") { benchmark in
        for _ in benchmark.scaledIterations { matvec(vs).blockUntilReady() }
    }
    Benchmark("matmul equivalent 1024 x b256 [\(Device.default.id)]") { benchmark in
        for _ in benchmark.scaledIterations { asMatmul(vs).blockUntilReady() }
    }
    Benchmark("vmap matvec/matmul interleaved 1024 x b256 [\(Device.default.id)]",
              configuration: .init(metrics: [ratioMetric], maxDuration: .seconds(4), maxIterations: 200)) { benchmark in
        let v = seconds { matvec(vs).blockUntilReady() }
        let m = seconds { asMatmul(vs).blockUntilReady() }
        benchmark.measurement(ratioMetric, Int((100 * v / m).rounded()))
    }

}
