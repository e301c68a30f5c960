import BLASBackend
import BLASPeers
import Benchmark
import Foundation
import Tessera

/// The BLAS backend against its peers in one run: the seed polynomial under jit vs a
/// plain C fused loop (-O3, preallocated output), matmul vs raw cblas_?gemm, and the
/// eager per-op cost of a 100-element add. The fused kernels run as native code (the
/// default tiered mode; each benchmark waits for the background compile before measuring),
/// and the jit trace+compile benchmark measures what a new jit costs while that compile
/// runs in the background. Run:
/// `swift package --package-path Benchmarks benchmark --target BLASBenchmarks`.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock], timeUnits: .microseconds, warmupIterations: 2,
                                           maxDuration: .seconds(4), maxIterations: 200)
    guard let device = DeviceManager.shared.device(backend: "blas") else { return }
    let cores = device.capabilities.computeUnits ?? 1

    @Sendable func poly(_ x: Tensor) -> Tensor { -4 * x * x * x + 9 * x * x + 6 * x - 3 }
    let fast = jit(poly)

    for (dtype, n) in [(DType.float32, 10_000_000), (.float32, 100_000_000), (.float64, 10_000_000), (.float64, 100_000_000)] {
        let label = "\(dtype.shortName) 1e\(n == 10_000_000 ? 7 : 8)"
        // Inputs are made on first use (benchmarks not selected by --filter cost nothing).
        let input = Lazy { () -> Tensor in
            // x in [0, 1): iota / n, computed on the device.
            let x = Lax.binary(.mul, Lax.iota(dtype, shape: [n]), Lax.full(1 / Double(n), shape: [n], dtype: dtype)).to(device)
            x.blockUntilReady()
            return x
        }
        Benchmark("jit poly \(label) [blas]") { benchmark in
            let x = input.value
            fast(x).blockUntilReady()
            BLASBackend.shared.waitForNativeKernels()
            fast(x).blockUntilReady()
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations { fast(x).blockUntilReady() }
        }
        let buffers = Lazy { () -> UncheckedPointers in
            let host = UnsafeMutableRawPointer.allocate(byteCount: n * dtype.byteSize, alignment: 64)
            let out = UnsafeMutableRawPointer.allocate(byteCount: n * dtype.byteSize, alignment: 64)
            for i in 0..<n {
                if dtype == .float32 { host.storeBytes(of: Float(i) / Float(n), toByteOffset: i * 4, as: Float.self) }
                else { host.storeBytes(of: Double(i) / Double(n), toByteOffset: i * 8, as: Double.self) }
            }
            out.initializeMemory(as: UInt8.self, repeating: 0, count: n * dtype.byteSize)   // touch the pages once
            return UncheckedPointers(x: host, out: out)
        }
        for threads in [1, cores] {
            Benchmark("C loop poly \(label) [\(threads) thread\(threads == 1 ? "" : "s")]") { benchmark in
                let p = buffers.value
                benchmark.startMeasurement()
                for _ in benchmark.scaledIterations {
                    if dtype == .float32 {
                        peer_poly_f32_threads(p.x.assumingMemoryBound(to: Float.self), p.out.assumingMemoryBound(to: Float.self), n, Int32(threads))
                    } else {
                        peer_poly_f64_threads(p.x.assumingMemoryBound(to: Double.self), p.out.assumingMemoryBound(to: Double.self), n, Int32(threads))
                    }
                }
            }
        }
    }

    // A fresh jit each time: trace, simplify, fuse, lower, and start the (background) native compile.
    let traceInput = Lazy { Lax.full(0, shape: [10_000_000], dtype: .float32).to(device) }
    Benchmark("jit trace+compile poly f32 1e7 [blas]") { benchmark in
        let x = traceInput.value
        for _ in benchmark.scaledIterations { blackHole(jit(poly).lower(x)) }
        BLASBackend.shared.waitForNativeKernels()
    }

    for n in [1024, 2048, 4096] {
        for dtype in [DType.float32, .float64] {
            let operands = Lazy { () -> (Tensor, Tensor) in
                let a = Lax.convert(Lax.reshape(Lax.binary(.rem, Lax.iota(.int32, shape: [n * n]), Lax.full(7, shape: [n * n], dtype: .int32)), [n, n]),
                                    to: dtype).to(device)
                let b = Lax.binary(.mul, a, Lax.full(0.5, shape: [n, n], dtype: dtype))
                b.blockUntilReady()
                return (a, b)
            }
            Benchmark("matmul \(n) \(dtype.shortName) [blas]", configuration: .init(maxDuration: .seconds(6), maxIterations: 50)) { benchmark in
                let (a, b) = operands.value
                matmul(a, b).blockUntilReady()
                benchmark.startMeasurement()
                for _ in benchmark.scaledIterations { matmul(a, b).blockUntilReady() }
            }
            Benchmark("raw cblas gemm \(n) \(dtype.shortName)", configuration: .init(maxDuration: .seconds(6), maxIterations: 50)) { benchmark in
                peer_gemm_prepare(Int32(n))
                peer_gemm(Int32(n), dtype == .float64 ? 1 : 0)
                benchmark.startMeasurement()
                for _ in benchmark.scaledIterations { peer_gemm(Int32(n), dtype == .float64 ? 1 : 0) }
            }
        }
    }

    let small = Tensor([Float](repeating: 1.5, count: 100), shape: [100], dtype: .float32, on: device)
    Benchmark("eager add 100 f32 [blas]", configuration: .init(timeUnits: .nanoseconds, scalingFactor: .kilo)) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(small + small) }
        (small + small).blockUntilReady()
    }
    let one = Tensor([Float(2)], shape: [1], dtype: .float32, on: device)
    fast(one).blockUntilReady()
    Benchmark("jit poly call 1 element [blas]", configuration: .init(timeUnits: .nanoseconds, scalingFactor: .kilo)) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(fast(one)) }
        fast(one).blockUntilReady()
    }
}

/// Host buffers of the C peer (used by one benchmark thread at a time).
struct UncheckedPointers: @unchecked Sendable {
    let x: UnsafeMutableRawPointer
    let out: UnsafeMutableRawPointer
}

/// A value made on first use and kept for the rest of the run.
final class Lazy<T>: @unchecked Sendable {
    private let make: () -> T
    private var made: T?
    private let lock = NSLock()
    init(_ make: @escaping () -> T) { self.make = make }
    var value: T {
        lock.lock()
        defer { lock.unlock() }
        if let made { return made }
        let v = make()
        made = v
        return v
    }
}
