import Benchmark
import Tessera

/// Eager per-operation cost on each available backend: a 100-element add (host overhead
/// dominates) and a 10^6-element add (memory bandwidth dominates).
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .mallocCountTotal], maxDuration: .seconds(3))

    for device in Device.all {
        let small = Tensor([Float](repeating: 1.5, count: 100), shape: [100], dtype: .float32, on: device)
        Benchmark("eager add 100 f32 [\(device.id)]", configuration: .init(scalingFactor: .kilo)) { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(small + small)
            }
            (small + small).blockUntilReady()
        }
        let large = Tensor([Float](repeating: 1.5, count: 1_000_000), shape: [1_000_000], dtype: .float32, on: device)
        Benchmark("eager add 1e6 f32 [\(device.id)]") { benchmark in
            for _ in benchmark.scaledIterations {
                (large + large).blockUntilReady()
            }
        }
    }
}
