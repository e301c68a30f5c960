import Benchmark
import Tessera

/// MLP 784-512-512-10 b256: forward vs grad under jit (issue 4).
func gradientBenchmarks() {
    let (params, x, y) = mlpProblem()
    let loss = MLP.loss
    let forward = jit(loss)
    let backward = jit(grad(loss))
    _ = forward(params, x, y).blockUntilReady()
    _ = backward(params, x, y).tensors.map { $0.blockUntilReady() }
    Benchmark("MLP 784-512-512-10 b256 forward (jit) [\(Device.default.id)]") { benchmark in
        for _ in benchmark.scaledIterations { forward(params, x, y).blockUntilReady() }
    }
    Benchmark("MLP 784-512-512-10 b256 grad (jit) [\(Device.default.id)]") { benchmark in
        for _ in benchmark.scaledIterations { _ = backward(params, x, y).tensors.map { $0.blockUntilReady() } }
    }

}
