import Benchmark
import Tessera

/// jit trace+compile, call overhead, jit vs eager, eager grad (issues 3 and 4) on every device.
func jitBenchmarks() {
    let f = polynomial
    for device in Device.all {
        let id = device.id
        let scalar = Tensor([Float(1.5)], shape: [], dtype: .float32, on: device)
        let one = Tensor([Float(1.5)], shape: [1], dtype: .float32, on: device)
        let million = Tensor([Float](repeating: 0.25, count: 1_000_000), shape: [1_000_000], dtype: .float32, on: device)

        Benchmark("jit trace+compile polynomial [\(id)]", configuration: .init(timeUnits: .microseconds)) { benchmark in
            for _ in benchmark.scaledIterations { blackHole(jit(f).lower(one)) }
        }
        let fast = jit(f)
        _ = fast(one).blockUntilReady()
        Benchmark("jit call 1 element [\(id)]", configuration: .init(timeUnits: .nanoseconds, scalingFactor: .kilo)) { benchmark in
            for _ in benchmark.scaledIterations { blackHole(fast(one)) }
            fast(one).blockUntilReady()
        }
        _ = fast(million).blockUntilReady()
        Benchmark("jit polynomial 1e6 f32 [\(id)]") { benchmark in
            for _ in benchmark.scaledIterations { fast(million).blockUntilReady() }
        }
        Benchmark("eager polynomial 1e6 f32 [\(id)]") { benchmark in
            for _ in benchmark.scaledIterations { f(million).blockUntilReady() }
        }
        let df = grad(f)
        Benchmark("eager grad polynomial scalar [\(id)]") { benchmark in
            for _ in benchmark.scaledIterations { df(scalar).blockUntilReady() }
        }
    }

}
