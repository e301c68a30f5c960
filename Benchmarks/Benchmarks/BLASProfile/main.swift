// A plain executable for profiling the BLAS backend's jit path under `perf` or
// `valgrind --tool=callgrind`: `swift build -c release --product BLASProfile` then
// `perf record .build/release/BLASProfile 10000000 20`.
// `BLASProfile compare 30` alternates jit(poly) with the C peer loops (1 and all threads)
// 30 times for each size and dtype and prints min/median ratios: interleaving keeps the
// ratio meaningful when other work on the machine comes and goes.
import BLASBackend
import BLASPeers
import Foundation
import Tessera

if CommandLine.arguments.count > 1 && CommandLine.arguments[1] == "compare" {
    compare(rounds: CommandLine.arguments.count > 2 ? Int(CommandLine.arguments[2]) ?? 30 : 30)
    exit(0)
}

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

/// Interleaved Tessera vs C peer timings (see the header comment).
func compare(rounds: Int) {
    let device = DeviceManager.shared.device(backend: "blas")!
    let cores = device.capabilities.computeUnits ?? 1
    @Sendable func poly(_ x: Tensor) -> Tensor { -4 * x * x * x + 9 * x * x + 6 * x - 3 }
    let fast = jit(poly)
    func ms(_ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
    }
    func stats(_ t: [Double]) -> (Double, Double) { let s = t.sorted(); return (s[0], s[s.count / 2]) }
    for (dtype, n) in [(DType.float32, 10_000_000), (.float32, 100_000_000), (.float64, 10_000_000), (.float64, 100_000_000)] {
        let x = Lax.binary(.mul, Lax.iota(dtype, shape: [n]), Lax.full(1 / Double(n), shape: [n], dtype: dtype)).to(device)
        x.blockUntilReady()
        fast(x).blockUntilReady()
        BLASBackend.shared.waitForNativeKernels()
        let host = UnsafeMutableRawPointer.allocate(byteCount: n * dtype.byteSize, alignment: 64)
        let out = UnsafeMutableRawPointer.allocate(byteCount: n * dtype.byteSize, alignment: 64)
        defer { host.deallocate(); out.deallocate() }
        for i in 0..<n {
            if dtype == .float32 { host.storeBytes(of: Float(i) / Float(n), toByteOffset: i * 4, as: Float.self) }
            else { host.storeBytes(of: Double(i) / Double(n), toByteOffset: i * 8, as: Double.self) }
        }
        out.initializeMemory(as: UInt8.self, repeating: 0, count: n * dtype.byteSize)
        func peer(_ threads: Int) {
            if dtype == .float32 {
                peer_poly_f32_threads(host.assumingMemoryBound(to: Float.self), out.assumingMemoryBound(to: Float.self), n, Int32(threads))
            } else {
                peer_poly_f64_threads(host.assumingMemoryBound(to: Double.self), out.assumingMemoryBound(to: Double.self), n, Int32(threads))
            }
        }
        var (t, c1, cn) = ([Double](), [Double](), [Double]())
        let count = n >= 100_000_000 ? Swift.max(5, rounds / 3) : rounds
        for _ in 0..<count {
            t.append(ms { fast(x).blockUntilReady() })
            c1.append(ms { peer(1) })
            cn.append(ms { peer(cores) })
        }
        let (tm, tp) = stats(t), (am, ap) = stats(c1), (bm, bp) = stats(cn)
        let best = Swift.min(am, bm), bestMedian = Swift.min(ap, bp)
        print(String(format: "poly %@ n=%d (%d rounds): tessera min %.2f med %.2f ms | C 1 thread min %.2f med %.2f | C %d threads min %.2f med %.2f | ratio to best C: min %.2fx, median %.2fx",
                     dtype.shortName, n, count, tm, tp, am, ap, cores, bm, bp, tm / best, tp / bestMedian))
    }
}
