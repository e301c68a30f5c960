// A plain executable for profiling the BLAS backend's jit path under `perf` or
// `valgrind --tool=callgrind`: `swift build -c release --product BLASProfile` then
// `perf record .build/release/BLASProfile 10000000 20`.
import BLASBackend
import Foundation
import Tessera

let arguments = CommandLine.arguments
let n = arguments.count > 1 ? Int(arguments[1]) ?? 10_000_000 : 10_000_000
let repeats = arguments.count > 2 ? Int(arguments[2]) ?? 20 : 20
let dtype: DType = arguments.count > 3 && arguments[3] == "f64" ? .float64 : .float32
let device = DeviceManager.shared.device(backend: "blas")!

if arguments.count > 3 && arguments[3] == "eager" {
    // `BLASProfile 100 1000000 eager`: eager float32 adds of n elements.
    let small = Tensor([Float](repeating: 1.5, count: n), shape: [n], dtype: .float32, on: device)
    let start = DispatchTime.now().uptimeNanoseconds
    for _ in 0..<repeats { _ = small + small }
    let ns = Double(DispatchTime.now().uptimeNanoseconds - start) / Double(repeats)
    print("eager add \(n) f32: \(ns) ns per op")
    exit(0)
}

@Sendable func poly(_ x: Tensor) -> Tensor { -4 * x * x * x + 9 * x * x + 6 * x - 3 }
let fast = jit(poly)
let x = Lax.binary(.mul, Lax.iota(dtype, shape: [n]), Lax.full(1 / Double(n), shape: [n], dtype: dtype)).to(device)
x.blockUntilReady()
fast(x).blockUntilReady()
BLASBackend.shared.waitForNativeKernels()   // profile the native kernel (TESSERA_BLAS_NATIVE=0: the block program)
fast(x).blockUntilReady()
var times: [Double] = []
for _ in 0..<repeats {
    let start = DispatchTime.now().uptimeNanoseconds
    fast(x).blockUntilReady()
    times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
}
times.sort()
print("jit poly \(dtype) n=\(n): min \(times[0]) ms, median \(times[times.count / 2]) ms")
