import Foundation
import Testing
@testable import Tessera
@testable import TesseraCore

/// JAX's vectors from Data/random_vectors.json (scripts/testdata/random_vectors.py).
enum JAXVectors {
    nonisolated(unsafe) static let root = TestData.json("random_vectors.json") as! [String: Any]

    static func list(_ name: String) -> [[String: Any]] { root[name] as! [[String: Any]] }
    static func x64(_ name: String) -> [[String: Any]] { (root["x64"] as! [String: Any])[name] as! [[String: Any]] }

    /// An expected array: shape, dtype and exact element bytes.
    struct Expected {
        let shape: [Int]
        let dtype: DType
        let bytes: [UInt8]
        init(_ json: Any) {
            let a = json as! [String: Any]
            dtype = DType(name: a["dtype"] as! String)!
            shape = a["shape"] as! [Int]
            bytes = HostValues.bytes(a["values"] as! [Any], dtype: dtype)
        }
        /// The tensor of these values.
        var tensor: Tensor { Tensor(bytes: bytes, type: ShapedType(shape, dtype)) }
    }

    static func dtype(_ c: [String: Any]) -> DType { DType(name: c["dtype"] as! String)! }
}

/// Expects `actual` to equal `expected` bit for bit, reporting the first differing element.
func expectBits(_ actual: Tensor, _ expected: JAXVectors.Expected, _ context: String,
                sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.shape == expected.shape && actual.dtype == expected.dtype,
            "\(context): got \(actual.type.strong), expected \(ShapedType(expected.shape, expected.dtype))",
            sourceLocation: sourceLocation)
    guard actual.shape == expected.shape, actual.dtype == expected.dtype else { return }
    let got: [UInt8]
    do { got = try actual.bytes() } catch { Issue.record("\(context): \(error)", sourceLocation: sourceLocation); return }
    let w = expected.dtype.byteSize
    for i in stride(from: 0, to: got.count, by: w) where got[i..<(i + w)] != expected.bytes[i..<(i + w)] {
        let g = got.withUnsafeBytes { RawElement.load($0.baseAddress! + i, expected.dtype) }
        let e = expected.bytes.withUnsafeBytes { RawElement.load($0.baseAddress! + i, expected.dtype) }
        Issue.record("\(context): element \(i / w) is \(g), JAX gives \(e)", sourceLocation: sourceLocation)
        return
    }
}

@Suite("Random: JAX vectors")
struct RandomVectorTests {
    @Test("PRNGKey matches jax.random.PRNGKey (x64 off), and PRNGKey(seed64:) with x64 on")
    func keys() {
        for c in JAXVectors.list("keys") {
            let seed = c["seed"] as! Int
            expectBits(PRNGKey(seed), .init(c["key"]!), "PRNGKey(\(seed))")
        }
        for c in JAXVectors.x64("keys") {
            let seed = c["seed"] as! Int
            expectBits(PRNGKey(seed64: Int64(seed)), .init(c["key"]!), "PRNGKey(seed64: \(seed))")
        }
    }

    @Test("PRNGKey of a seed tensor equals PRNGKey of the Int")
    func keyFromTensor() {
        for c in JAXVectors.list("keys") {
            let seed = c["seed"] as! Int
            guard let s32 = Int32(exactly: seed) else { continue }
            expectBits(PRNGKey(Tensor(s32)), .init(c["key"]!), "PRNGKey(Tensor(\(seed)))")
        }
        for c in JAXVectors.x64("keys") {
            let seed = c["seed"] as! Int
            expectBits(PRNGKey(Tensor(Int64(seed))), .init(c["key"]!), "PRNGKey(Tensor(Int64(\(seed))))")
        }
    }

    @Test("split matches jax.random.split")
    func split() {
        for c in JAXVectors.list("split") {
            let seed = c["seed"] as! Int, n = c["count"] as! Int
            expectBits(Random.split(PRNGKey(seed), count: n), .init(c["out"]!), "split(PRNGKey(\(seed)), \(n))")
        }
        let byShape = JAXVectors.root["splitShape"] as! [String: Any]
        expectBits(Random.split(PRNGKey(byShape["seed"] as! Int), shape: byShape["shape"] as! [Int]), .init(byShape["out"]!),
                   "split(PRNGKey(4), shape: [2, 3])")
        let child = JAXVectors.root["splitOfChild"] as! [String: Any]
        expectBits(Random.split(JAXVectors.Expected(child["key"]!).tensor, count: 3), .init(child["out"]!), "split(child, 3)")
    }

    @Test("foldIn matches jax.random.fold_in")
    func foldIn() {
        for c in JAXVectors.list("foldIn") {
            let seed = c["seed"] as! Int, data = c["data"] as! Int
            expectBits(Random.foldIn(PRNGKey(seed), data), .init(c["out"]!), "foldIn(PRNGKey(\(seed)), \(data))")
            expectBits(Random.foldIn(PRNGKey(seed), Tensor(UInt32(truncatingIfNeeded: data))), .init(c["out"]!),
                       "foldIn(PRNGKey(\(seed)), Tensor(\(data)))")
        }
    }

    @Test("bits matches jax.random.bits")
    func bits() {
        for c in JAXVectors.list("bits") {
            let seed = c["seed"] as! Int, shape = c["shape"] as! [Int]
            expectBits(Random.bits(PRNGKey(seed), shape: shape), .init(c["out"]!), "bits(PRNGKey(\(seed)), \(shape))")
        }
    }

    @Test("uniform matches jax.random.uniform bit for bit (float32, float16, float64)")
    func uniform() {
        for c in JAXVectors.list("uniform") + JAXVectors.x64("uniform") {
            let seed = c["seed"] as! Int, shape = c["shape"] as! [Int], dtype = JAXVectors.dtype(c)
            let lo = TestData.double(c["minval"]!), hi = TestData.double(c["maxval"]!)
            let u = Random.uniform(PRNGKey(seed), shape: shape, dtype: dtype, minval: lo, maxval: hi)
            expectBits(u, .init(c["out"]!), "uniform(PRNGKey(\(seed)), \(shape), \(dtype), \(lo), \(hi))")
        }
    }

    @Test("normal matches jax.random.normal bit for bit (float32, float16, float64)")
    func normal() {
        let first = Random.normal(PRNGKey(0), shape: [3])
        #expect(first.asArray(Float.self) == [1.6226422, 2.0252647, -0.43359444])
        for c in JAXVectors.list("normal") + JAXVectors.x64("normal") {
            let seed = c["seed"] as! Int, shape = c["shape"] as! [Int], dtype = JAXVectors.dtype(c)
            expectBits(Random.normal(PRNGKey(seed), shape: shape, dtype: dtype), .init(c["out"]!),
                       "normal(PRNGKey(\(seed)), \(shape), \(dtype))")
        }
    }

    @Test("large eager samples compiled as one program have JAX's bits")
    func stagedSamples() {
        EagerStaging.$stagingThreshold.withValue(999) {
            for c in JAXVectors.list("normal") + JAXVectors.x64("normal") where (c["shape"] as! [Int]).reduce(1, *) > 999 {
                let seed = c["seed"] as! Int, shape = c["shape"] as! [Int], dtype = JAXVectors.dtype(c)
                expectBits(Random.normal(PRNGKey(seed), shape: shape, dtype: dtype), .init(c["out"]!), "staged normal \(shape) \(dtype)")
            }
            for c in JAXVectors.list("uniform") where (c["shape"] as! [Int]).reduce(1, *) > 999 {
                let seed = c["seed"] as! Int, shape = c["shape"] as! [Int]
                expectBits(Random.uniform(PRNGKey(seed), shape: shape), .init(c["out"]!), "staged uniform \(shape)")
            }
        }
    }

    @Test("randint matches jax.random.randint")
    func randint() {
        for c in JAXVectors.list("randint") {
            let seed = c["seed"] as! Int, shape = c["shape"] as! [Int], dtype = JAXVectors.dtype(c)
            let lo = c["minval"] as! Int, hi = c["maxval"] as! Int
            expectBits(Random.randint(PRNGKey(seed), shape: shape, minval: lo, maxval: hi, dtype: dtype), .init(c["out"]!),
                       "randint(PRNGKey(\(seed)), \(shape), \(lo), \(hi), \(dtype))")
        }
    }

    @Test("bernoulli matches jax.random.bernoulli")
    func bernoulli() {
        for c in JAXVectors.list("bernoulli") {
            let seed = c["seed"] as! Int, shape = c["shape"] as! [Int], p = TestData.double(c["p"]!)
            expectBits(Random.bernoulli(PRNGKey(seed), p: p, shape: shape), .init(c["out"]!), "bernoulli(\(seed), \(p), \(shape))")
        }
        let c = JAXVectors.root["bernoulliTensorP"] as! [String: Any]
        expectBits(Random.bernoulli(PRNGKey(c["seed"] as! Int), p: JAXVectors.Expected(c["p"]!).tensor), .init(c["out"]!),
                   "bernoulli with per-element p")
    }

    @Test("permutation matches jax.random.permutation")
    func permutation() {
        for c in JAXVectors.list("permutation") {
            let seed = c["seed"] as! Int, n = c["n"] as! Int
            expectBits(Random.permutation(PRNGKey(seed), n), .init(c["out"]!), "permutation(PRNGKey(\(seed)), \(n))")
        }
        for name in ["permutationOfArray", "permutationOf1D"] {
            let c = JAXVectors.root[name] as! [String: Any]
            expectBits(Random.permutation(PRNGKey(c["seed"] as! Int), JAXVectors.Expected(c["x"]!).tensor), .init(c["out"]!), name)
        }
    }
}
