import Benchmark
import Tessera

/// jit, grad, vmap and pmap costs (issues 3, 4, 5, 9) on every available device.
///
/// Run: `swift package --package-path Benchmarks benchmark --target Transformations`
/// (`TESSERA_CPU_DEVICES=2` for the pmap scaling pair on the BLAS backend).
/// Each family lives in its own file: JitBenchmarks, GradientBenchmarks, VmapBenchmarks,
/// PmapBenchmarks.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock], maxDuration: .seconds(2), maxIterations: 1000)
    jitBenchmarks()
    gradientBenchmarks()
    vmapBenchmarks()
    pmapBenchmarks()
}

/// The seed's polynomial `f(x) = -4x^3 + 9x^2 + 6x - 3`.
@Sendable func polynomial(_ x: Tensor) -> Tensor { -4 * x * x * x + 9 * x * x + 6 * x - 3 }
