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

}
