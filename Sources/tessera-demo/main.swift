import Foundation
import Tessera

// The seed walk-through: arrays, immutability, the polynomial on a large random tensor,
// matmul, and the transformations (makeJaxpr, jit, grad, vmap, pmap), on the default
// backend (TESSERA_BACKEND selects another).

/// Seconds taken by `body` (which must wait for its result).
func timed<R>(_ body: () -> R) -> (R, Double) {
    let start = DispatchTime.now().uptimeNanoseconds
    let r = body()
    return (r, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
}

func ms(_ seconds: Double) -> String { String(format: "%.1f ms", seconds * 1000) }

func section(_ title: String) { print("\n== \(title)") }

func f(_ x: Tensor) -> Tensor { -4 * x * x * x + 9 * x * x + 6 * x - 3 }

let device = Device.default
print("Tessera on \(device) [\(device.kind.rawValue)]")
print("All devices: \(Device.all.map(\.description).joined(separator: ", "))")
// The reference backend is the readable specification, not a fast one: smaller sizes there.
let isReference = device.backend.name == "reference"
let side = isReference ? 1000 : 10000
let matmulSide = isReference ? 256 : 4096
if isReference {
    print("(reference backend: the large examples run at \(side)x\(side) and \(matmulSide)x\(matmulSide) instead of 10000x10000 and 4096x4096)")
}

section("arrays")
let x = Tensor.arange(10)
print("x = Tensor.arange(10)        ->", x)
print("x.at[0].set(10)              ->", x.at[0].set(10))
print("x is unchanged (immutable)   ->", x)
print("x[2], x[1..<4]               ->", x[2], x[1..<4])
let a = Tensor([1, 2, 3, 4] as [Float], shape: [2, 2])
print("a =\n\(a)")
print("a.T =\n\(a.T)")
print("a.sum(), a.mean(axes: [0])   ->", a.sum(), a.mean(axes: [0]))

section("the polynomial f(x) = -4x^3 + 9x^2 + 6x - 3")
print("f(1) =", f(Tensor(1.0)))
print(makeJaxpr(f)(Tensor(3)))

section("random normal \(side)x\(side) and f on it")
let key = PRNGKey(0)
let (big, tRandom) = timed { Random.normal(key, shape: [side, side]).blockUntilReady() }
print("Random.normal: \(ms(tRandom))")
let (eagerOut, tEager) = timed { f(big).blockUntilReady() }
print("eager f: \(ms(tEager))")
let fastF = jit(f)
_ = fastF(big).blockUntilReady()   // trace and compile
let (jitOut, tJit) = timed { fastF(big).blockUntilReady() }
print("jit(f): \(ms(tJit)) in \(fastF.lower(big).kernelCount) fused kernel(s)")
print("max |eager - jit| =", abs(eagerOut - jitOut).max())

section("matmul \(matmulSide)x\(matmulSide)")
let m1 = Random.normal(Random.foldIn(key, 1), shape: [matmulSide, matmulSide])
let m2 = Random.normal(Random.foldIn(key, 2), shape: [matmulSide, matmulSide])
_ = matmul(m1, m2).blockUntilReady()
let (_, tMatmul) = timed { matmul(m1, m2).blockUntilReady() }
let gflops = 2 * pow(Double(matmulSide), 3) / tMatmul / 1e9
print("matmul: \(ms(tMatmul)) (\(String(format: "%.1f", gflops)) GFLOP/s)")

section("grad")
let df = grad(f)
print("grad(f)(1.0)             =", df(Tensor(1.0)))
print("grad(grad(f))(1.0)       =", grad(df)(Tensor(1.0)))
print("grad(grad(grad(f)))(1.0) =", grad(grad(df))(Tensor(1.0)))
print("jit(grad(f))(1.0)        =", jit(df)(Tensor(1.0)))

section("vmap")
let w = Tensor([1, 0, -1] as [Float])
let rows = Tensor([1, 2, 3, 4, 5, 6] as [Float], shape: [2, 3])
let dotW: @Sendable (Tensor) -> Tensor = { v in (v * w).sum() }
print("vmap(v -> (v*w).sum())(rows) =", vmap(dotW)(rows))
print(makeJaxpr(vmap(dotW))(rows))

section("pmap over \(device.backend.devices.count) device(s) of \(device.backend.name)")
let n = device.backend.devices.count
let shards = Tensor.arange(n * 3).asType(.float32).reshaped([n, 3])
print("pmap(x -> psum(x)) =", pmap({ (s: Tensor) in psum(s, axisName: "i") }, axisName: "i")(shards))
let signals = Tensor((0..<(n * 5)).map { Float($0 % 4) }, shape: [n, 5])
let kernels = Tensor((0..<(n * 2)).map { _ in Float(0.5) }, shape: [n, 2])
print("pmap(convolve)(signals, kernels) =\n\(pmap({ (s: Tensor, k: Tensor) in convolve(s, k) })(signals, kernels))")

// Every device of every backend at once (TESSERA_CPU_DEVICES=2, or
// Tessera.configure(cpuDevices: 2) at program start, splits the CPU into two BLAS devices).
let everywhere = Device.all
section("pmap over every device of every backend: \(everywhere.map(\.id).joined(separator: ", "))")
let m = everywhere.count
let parts = Tensor.arange(m * 4).asType(.float32).reshaped([m, 4])
let spread = pmap({ (s: Tensor) -> [Tensor] in
    [s * s, psum(s.sum(), axisName: "i"), allGather(axisIndex(axisName: "i"), axisName: "i")]
}, devices: everywhere)(parts)
for (d, dev) in everywhere.enumerated() {
    print("\(dev.id.padding(toLength: 12, withPad: " ", startingAt: 0)) x*x = \(spread[0][d])   psum(x.sum()) = \(spread[1][d])   allGather(axisIndex) = \(spread[2][d])")
}
