// Convolution and linear algebra on the BLAS backend, timed in-process (a plain executable,
// not a package-benchmark suite, so it runs next to its peer script with the same shapes):
//
//   swift run -c release --package-path Benchmarks LinalgConvBenchmarks [repeats]
//   python3 Benchmarks/linalg_conv_peers.py [repeats]          # JAX and NumPy, same shapes
//
// Figures: Benchmarks/results/linalg_conv.md. Each line is `<case>: min <ms> ms, median <ms> ms` over `repeats` runs after one warm-up.
import Foundation
import Tessera

let repeats = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 5 : 5
guard let device = DeviceManager.shared.device(backend: "blas") else {
    print("no blas device")
    exit(1)
}

/// Times `body` (which must wait for its result): one warm-up, then `repeats` runs.
func measure(_ name: String, _ body: () -> Void) {
    body()
    var times: [Double] = []
    for _ in 0..<repeats {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
    times.sort()
    print("\(name): min \(String(format: "%.2f", times[0])) ms, median \(String(format: "%.2f", times[times.count / 2])) ms")
}

print("device: \(device.name); \(repeats) runs after one warm-up")

// A 3x3 convolution, SAME padding, NCHW/OIHW, float32: [32, 64, 56, 56] * [64, 64, 3, 3].
let keys = Random.split(PRNGKey(0), count: 4)
let images = Random.normal(keys[0], shape: [32, 64, 56, 56]).to(device)
let kernels = (Random.normal(keys[1], shape: [64, 64, 3, 3]) * 0.05).to(device)
images.blockUntilReady()
kernels.blockUntilReady()
measure("conv 3x3 SAME NCHW f32 [32,64,56,56] x [64,64,3,3] eager") {
    conv(images, kernels, padding: .same).blockUntilReady()
}
let jittedConv = jit({ (x: Tensor, w: Tensor) in conv(x, w, padding: .same) })
measure("conv 3x3 SAME NCHW f32 [32,64,56,56] x [64,64,3,3] jit") {
    jittedConv(images, kernels).blockUntilReady()
}

// Cholesky and solve of 1024x1024 symmetric positive-definite / general matrices.
let n = 1024
for dtype in [DType.float64, .float32] {
    let x = Random.normal(keys[2], shape: [n, n]).asType(dtype).to(device)
    let spd = (matmul(x, x.T) + Tensor.eye(n, dtype: dtype) * Tensor(Double(n)).asType(dtype)).to(device)
    let general = (x + Tensor.eye(n, dtype: dtype) * Tensor(Double(n).squareRoot()).asType(dtype)).to(device)
    let b = Random.normal(keys[3], shape: [n]).asType(dtype).to(device)
    let bm = Random.normal(keys[3], shape: [n, n]).asType(dtype).to(device)
    spd.blockUntilReady()
    general.blockUntilReady()
    let name = dtype == .float64 ? "f64" : "f32"
    measure("cholesky \(n)x\(n) \(name) (Linalg.cholesky)") { Linalg.cholesky(spd).blockUntilReady() }
    measure("cholesky \(n)x\(n) \(name) (cholesky primitive alone)") { Lax.cholesky(spd).blockUntilReady() }
    let jittedCholesky = jit({ (a: Tensor) in Linalg.cholesky(a) })
    measure("cholesky \(n)x\(n) \(name) (jit Linalg.cholesky)") { jittedCholesky(spd).blockUntilReady() }
    measure("solve \(n)x\(n), b [\(n)] \(name)") { Linalg.solve(general, b).blockUntilReady() }
    let jittedSolve = jit({ (a: Tensor, b: Tensor) in Linalg.solve(a, b) })
    measure("solve \(n)x\(n), b [\(n)] \(name) (jit)") { jittedSolve(general, b).blockUntilReady() }
    measure("solve \(n)x\(n), b [\(n), \(n)] \(name)") { Linalg.solve(general, bm).blockUntilReady() }
    // The parts of solve: lu (getrf), then two triangular solves (trsm); the rest is the row permutation.
    measure("  lu \(n)x\(n) \(name) (lu primitive)") { Lax.lu(general).lu.blockUntilReady() }
    let lower = Linalg.cholesky(spd)
    measure("  triangularSolve \(n)x\(n), b [\(n), \(n)] \(name)") { Linalg.triangularSolve(lower, bm).blockUntilReady() }
}

