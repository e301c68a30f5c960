import BLASPeers
import Benchmark
import Tessera

/// The BLAS backend against its peers in one run: the seed polynomial under jit vs a
/// plain C fused loop (-O3, preallocated output), matmul vs raw cblas_?gemm, and the
/// eager per-op cost of a 100-element add. Run:
/// `swift package --package-path Benchmarks benchmark --target BLASBenchmarks`.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock], warmupIterations: 2,
                                           maxDuration: .seconds(4), maxIterations: 200)
    guard let device = DeviceManager.shared.device(backend: "blas") else { return }
    let cores = device.capabilities.computeUnits ?? 1

    @Sendable func poly(_ x: Tensor) -> Tensor { -4 * x * x * x + 9 * x * x + 6 * x - 3 }
    let fast = jit(poly)

    for (dtype, n) in [(DType.float32, 10_000_000), (.float32, 100_000_000), (.float64, 10_000_000), (.float64, 100_000_000)] {
        let label = "\(dtype.shortName) 1e\(n == 10_000_000 ? 7 : 8)"
        // x in [0, 1): iota / n, computed on the device.
        let x = Lax.binary(.mul, Lax.iota(dtype, shape: [n]), Lax.full(1 / Double(n), shape: [n], dtype: dtype)).to(device)
        Benchmark("jit poly \(label) [blas]") { benchmark in
            for _ in benchmark.scaledIterations { fast(x).blockUntilReady() }
        }
        let host = UnsafeMutableRawPointer.allocate(byteCount: n * dtype.byteSize, alignment: 64)
        let out = UnsafeMutableRawPointer.allocate(byteCount: n * dtype.byteSize, alignment: 64)
        for i in 0..<n {
            if dtype == .float32 { host.storeBytes(of: Float(i) / Float(n), toByteOffset: i * 4, as: Float.self) }
            else { host.storeBytes(of: Double(i) / Double(n), toByteOffset: i * 8, as: Double.self) }
        }
        out.initializeMemory(as: UInt8.self, repeating: 0, count: n * dtype.byteSize)   // touch the pages once
        let hostBox = UncheckedPointer(host), outBox = UncheckedPointer(out)
        Benchmark("C loop poly \(label) [1 thread]") { benchmark in
            for _ in benchmark.scaledIterations {
                if dtype == .float32 { peer_poly_f32(hostBox.pointer.assumingMemoryBound(to: Float.self), outBox.pointer.assumingMemoryBound(to: Float.self), n) }
                else { peer_poly_f64(hostBox.pointer.assumingMemoryBound(to: Double.self), outBox.pointer.assumingMemoryBound(to: Double.self), n) }
            }
        }
        Benchmark("C loop poly \(label) [\(cores) threads]") { benchmark in
            for _ in benchmark.scaledIterations {
                if dtype == .float32 { peer_poly_f32_threads(hostBox.pointer.assumingMemoryBound(to: Float.self), outBox.pointer.assumingMemoryBound(to: Float.self), n, Int32(cores)) }
                else { peer_poly_f64_threads(hostBox.pointer.assumingMemoryBound(to: Double.self), outBox.pointer.assumingMemoryBound(to: Double.self), n, Int32(cores)) }
            }
        }
    }

    for n in [1024, 2048, 4096] {
        for dtype in [DType.float32, .float64] {
            let a = Lax.convert(Lax.reshape(Lax.iota(.int32, shape: [n * n]), [n, n]), to: dtype).to(device)
            let b = Lax.binary(.mul, a, Lax.full(0.5, shape: [n, n], dtype: dtype))
            a.blockUntilReady()
            b.blockUntilReady()
            let flops = 2 * n * n * n
            Benchmark("matmul \(n) \(dtype.shortName) [blas]", configuration: .init(maxDuration: .seconds(6), maxIterations: 50)) { benchmark in
                for _ in benchmark.scaledIterations { matmul(a, b).blockUntilReady() }
                _ = flops
            }
            Benchmark("raw cblas gemm \(n) \(dtype.shortName)", configuration: .init(maxDuration: .seconds(6), maxIterations: 50)) { benchmark in
                peer_gemm_prepare(Int32(n))
                benchmark.startMeasurement()
                for _ in benchmark.scaledIterations { peer_gemm(Int32(n), dtype == .float64 ? 1 : 0) }
            }
        }
    }

    let small = Tensor([Float](repeating: 1.5, count: 100), shape: [100], dtype: .float32, on: device)
    Benchmark("eager add 100 f32 [blas]", configuration: .init(scalingFactor: .kilo)) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(small + small) }
        (small + small).blockUntilReady()
    }
    let one = Tensor([Float(2)], shape: [1], dtype: .float32, on: device)
    fast(one).blockUntilReady()
    Benchmark("jit poly call 1 element [blas]", configuration: .init(scalingFactor: .kilo)) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(fast(one)) }
        fast(one).blockUntilReady()
    }
}

/// A pointer captured by the benchmark closures (they run on one thread at a time).
struct UncheckedPointer: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer
    init(_ pointer: UnsafeMutableRawPointer) { self.pointer = pointer }
}
