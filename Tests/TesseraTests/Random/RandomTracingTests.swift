import Foundation
import Testing
@testable import Tessera
@testable import TesseraCore

@Suite("Random: tracing and building blocks")
struct RandomTracingTests {
    /// Stages `body` on abstract inputs of `types`, then evaluates the jaxpr on `args`.
    func staged(_ types: [ShapedType], _ args: [Tensor], _ body: @escaping ([Tensor]) -> [Tensor]) -> (ClosedJaxpr, [Tensor]) {
        let closed = traceToJaxpr(name: "jit", inTypes: types, body)
        return (closed, evalJaxpr(closed, args))
    }

    @Test("samplers trace with an abstract key and give the eager bits when the jaxpr runs")
    func samplersTrace() throws {
        let key = PRNGKey(7)
        let keyType = ShapedType([2], .uint32)
        let samplers: [(String, (Tensor) -> Tensor)] = [
            ("split", { Random.split($0, count: 3) }),
            ("foldIn", { Random.foldIn($0, 5) }),
            ("bits", { Random.bits($0, shape: [2, 3]) }),
            ("uniform", { Random.uniform($0, shape: [4], minval: -2, maxval: 3) }),
            ("normal", { Random.normal($0, shape: [5]) }),
            ("normal f64", { Random.normal($0, shape: [3], dtype: .float64) }),
            ("randint", { Random.randint($0, shape: [6], minval: -3, maxval: 9) }),
            ("bernoulli", { Random.bernoulli($0, p: 0.3, shape: [5]) }),
            ("permutation", { Random.permutation($0, 9) }),
        ]
        for (name, f) in samplers {
            let (closed, out) = staged([keyType], [key]) { [f($0[0])] }
            #expect(closed.jaxpr.equations.contains { $0.primitive == .threefry2x32 }, "\(name): the jaxpr should call threefry2x32")
            #expect(try out[0].bytes() == (try f(key).bytes()), "\(name): staged and eager results differ")
        }
    }

    @Test("PRNGKey and foldIn accept traced integers")
    func tracedSeedAndData() throws {
        let (_, keys) = staged([ShapedType([], .int32)], [Tensor(Int32(-5))]) { [PRNGKey($0[0])] }
        #expect(keys[0].asArray(UInt32.self) == [0, 4_294_967_291])
        let (_, folded) = staged([ShapedType([], .int32)], [Tensor(Int32(7))]) { [Random.foldIn(PRNGKey(42), $0[0])] }
        #expect(try folded[0].bytes() == (try Random.foldIn(PRNGKey(42), 7).bytes()))
    }

    @Test("both float32 multiply-adds (through float64, error-free) equal a true fused multiply-add")
    func fusedMultiplyAddWithoutFloat64() throws {
        var generator = SplitMix(seed: 3)
        let n = 4096
        func values() -> [Float] {
            (0..<n).map { _ in Float(generator.nextDouble() * 2 - 1) * Float(pow(10, generator.nextDouble() * 6 - 3)) }
        }
        let a = Tensor(values()), b = Tensor(values()), c = Tensor(values())
        let errorFree = FusedMultiplyAdd.errorFree(a, b, c).asArray(Float.self)
        let wide = XLAFloat32.fma(a, b, c).asArray(Float.self)
        // Float.addingProduct is a true fused multiply-add (one rounding).
        let exact = zip(zip(a.asArray(Float.self), b.asArray(Float.self)), c.asArray(Float.self)).map { $1.addingProduct($0.0, $0.1) }
        #expect(wide == exact)
        #expect(errorFree == exact)
    }

    @Test("normal is bit-identical to JAX on the float32-only path too (devices without float64)")
    func normalWithoutFloat64() throws {
        let c = JAXVectors.list("normal").first { ($0["shape"] as! [Int]) == [10000] }!
        let sample = XLAFloat32.$avoidFloat64.withValue(true) { () -> Tensor in
            #expect(!XLAFloat32.fusedThroughFloat64(PRNGKey(0)))
            return Random.normal(PRNGKey(c["seed"] as! Int), shape: [10000])
        }
        expectBits(sample, .init(c["out"]!), "normal without float64")
    }

    @Test("a key of the wrong type stops with a message naming the operation and the type")
    func wrongKeyType() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Random.normal(Random.split(PRNGKey(0), count: 2), shape: [2])
        }
        let stderr = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(stderr.contains("Random.normal: expected a PRNG key of type u32[2]"), "\(stderr)")
        #expect(stderr.contains("got u32[2,2]"), "\(stderr)")
    }
}

/// A small deterministic generator for test inputs.
private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func nextDouble() -> Double { Double(next() >> 11) / Double(1 << 53) }
}

@Suite("Random: XLA math compositions")
struct XLAMathTests {
    func check(_ name: String, _ f: (Tensor) -> Tensor) {
        let c = JAXVectors.root[name] as! [String: Any]
        let x = JAXVectors.Expected(c["x"]!).tensor
        expectBits(f(x), .init(c["out"]!), "\(name) over its domain")
    }

    @Test("float32 erf_inv equals XLA's on (-1, 1), at ±1 and ±0")
    func erfInv32() { check("erfInvF32", XLAFloat32.erfInv) }

    @Test("float32 erf_inv equals XLA's on the float32-only path too")
    func erfInv32WithoutFloat64() {
        XLAFloat32.$avoidFloat64.withValue(true) { check("erfInvF32", XLAFloat32.erfInv) }
    }

    @Test("float32 log1p equals XLA's from -1 to 1e30")
    func log1p32() { check("log1pF32", XLAFloat32.log1p) }

    @Test("float64 erf_inv equals XLA's on (-1, 1), at ±1 and 0")
    func erfInv64() { check("erfInvF64", XLAFloat64.erfInv) }
}
