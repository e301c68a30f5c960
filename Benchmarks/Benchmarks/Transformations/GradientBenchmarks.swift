import Benchmark
import Dispatch
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
    // The two alternated in each iteration, so that load from other processes hits both alike.
    Benchmark("MLP 784-512-512-10 b256 grad/forward interleaved [\(Device.default.id)]",
              configuration: .init(metrics: [ratioMetric], maxDuration: .seconds(4), maxIterations: 200)) { benchmark in
        let f = seconds { forward(params, x, y).blockUntilReady() }
        let g = seconds { _ = backward(params, x, y).tensors.map { $0.blockUntilReady() } }
        benchmark.measurement(ratioMetric, Int((100 * g / f).rounded()))
    }

}

/// A ratio of two times measured in the same iteration, times 100 (package-benchmark's
/// custom metrics are integers): 250 is 2.5x.
let ratioMetric = BenchmarkMetric.custom("ratio x100", polarity: .prefersSmaller, useScalingFactor: false)

/// Wall-clock seconds of `body`.
func seconds(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}
