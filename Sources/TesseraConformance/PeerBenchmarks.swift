import Foundation
import Tessera

/// The seed's workloads, timed on one device, for `Benchmarks/compare_peers.py` (which runs
/// the same workloads with NumPy and JAX and prints ratios).
public enum PeerBenchmarks {
    /// One timing.
    public struct Timing: Sendable, Codable {
        /// `polynomial_eager`, `polynomial_jit`, `matmul`, `eager_add_100`, `grad_polynomial`, `per_example_grads`.
        public var workload: String
        /// Problem size (elements, matrix side, or batch).
        public var size: Int
        /// Backend name.
        public var backend: String
        /// Median wall time of one run, seconds.
        public var seconds: Double
    }

    /// The seed's polynomial.
    @Sendable public static func polynomial(_ x: Tensor) -> Tensor { -4 * x * x * x + 9 * x * x + 6 * x - 3 }

    /// Median time of `body` over `repeats` runs after one warm-up run.
    static func median(_ repeats: Int, _ body: () -> Void) -> Double {
        body()
        var times: [Double] = []
        for _ in 0..<repeats {
            let t0 = DispatchTime.now().uptimeNanoseconds
            body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
        }
        return times.sorted()[times.count / 2]
    }

    /// Deterministic float32 values in [-1, 1).
    static func data(_ count: Int, seed: UInt64) -> [Float] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in Float(rng.next() >> 40) / Float(1 << 23) - 1 }
    }

    /// Times every workload on `device`.
    public static func run(on device: Device, polynomialSizes: [Int], matmulSizes: [Int],
                           progress: (String) -> Void = { _ in }) -> [Timing] {
        var out: [Timing] = []
        let backend = device.backend.name
        func record(_ w: String, _ size: Int, _ s: Double) {
            out.append(Timing(workload: w, size: size, backend: backend, seconds: s))
            progress(String(format: "%@ %@ %d: %.6f s", backend, w, size, s))
        }
        let fastPolynomial = jit(polynomial, name: "bench polynomial")
        for n in polynomialSizes {
            let x = Tensor(data(n, seed: 1), shape: [n], dtype: .float32, on: device)
            let repeats = n >= 10_000_000 ? 3 : n >= 1_000_000 ? 5 : 20
            record("polynomial_eager", n, median(repeats) { polynomial(x).blockUntilReady() })
            record("polynomial_jit", n, median(repeats) { fastPolynomial(x).blockUntilReady() })
        }
        for n in matmulSizes {
            let a = Tensor(data(n * n, seed: 2), shape: [n, n], dtype: .float32, on: device)
            let b = Tensor(data(n * n, seed: 3), shape: [n, n], dtype: .float32, on: device)
            record("matmul", n, median(n >= 2048 ? 2 : 5) { matmul(a, b).blockUntilReady() })
        }
        let u = Tensor(data(100, seed: 4), shape: [100], dtype: .float32, on: device)
        let v = Tensor(data(100, seed: 5), shape: [100], dtype: .float32, on: device)
        record("eager_add_100", 100, median(5) {
            for _ in 0..<1000 { _ = u + v }
            (u + v).blockUntilReady()
        } / 1001)
        let gradSize = 1_000_000
        let gradPolynomial = jit(grad({ (x: Tensor) in polynomial(x).sum() }), name: "bench grad")
        let gx = Tensor(data(gradSize, seed: 6), shape: [gradSize], dtype: .float32, on: device)
        record("grad_polynomial", gradSize, median(5) { gradPolynomial(gx).blockUntilReady() })
        let batch = 128
        let loss: @Sendable (Tensor, Tensor) -> Tensor = { w, x in
            let h = tanh(matmul(x, Lax.sliceInDim(w, axis: 0, start: 0, limit: 32)))
            return (matmul(h, Lax.sliceInDim(w, axis: 0, start: 32, limit: 96)) * 0.1).sum()
        }
        let perExample = jit(vmap(grad(loss), inAxes: [nil, 0]), name: "bench per-example grads")
        let w = Tensor(data(96 * 64, seed: 7).map { $0 * 0.2 }, shape: [96, 64], dtype: .float32, on: device)
        let xs = Tensor(data(batch * 32, seed: 8), shape: [batch, 1, 32], dtype: .float32, on: device)
        record("per_example_grads", batch, median(5) { perExample(w, xs).blockUntilReady() })
        return out
    }
}
