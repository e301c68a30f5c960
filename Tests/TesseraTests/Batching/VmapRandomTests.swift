import Testing
@testable import Tessera

/// vmap of the PRNG functions over a batch of keys equals JAX's `jax.vmap` (bit for bit
/// for integers, to float32 rounding for floats), through the threefry2x32 batching rule.
@Suite struct VmapRandomTests {
    static var data: [String: Any] { TestData.json("vmap_random.json") as! [String: Any] }

    static func entry(_ name: String) -> (shape: [Int], values: [Double]) {
        let d = data[name] as! [String: Any]
        return (d["shape"] as! [Int], TestData.doubles(d["values"]!))
    }

    static var keys: Tensor {
        let k = entry("keys")
        return Tensor(k.values.map { UInt32($0) }, shape: k.shape)
    }

    static func expect(_ name: String, _ got: Tensor, rtol: Double = 0, sourceLocation: SourceLocation = #_sourceLocation) {
        let want = entry(name)
        #expect(got.shape == want.shape, "\(name): \(got.shape) vs \(want.shape)", sourceLocation: sourceLocation)
        expectClose(got.doubles, want.values, rtol: rtol, atol: rtol == 0 ? 0 : 1e-7, name, sourceLocation: sourceLocation)
    }

    @Test func keysMatchJAXSplit() {
        Self.expect("keys", Random.split(PRNGKey(42), count: 4))
    }

    @Test func samplersOverABatchOfKeys() {
        let keys = Self.keys
        Self.expect("normal", vmap({ (k: Tensor) in Random.normal(k, shape: [3]) })(keys), rtol: 1e-6)
        Self.expect("uniform", vmap({ (k: Tensor) in Random.uniform(k, shape: [2, 2]) })(keys), rtol: 1e-6)
        Self.expect("randint", vmap({ (k: Tensor) in Random.randint(k, shape: [5], minval: 0, maxval: 10) })(keys))
        Self.expect("permutation", vmap({ (k: Tensor) in Random.permutation(k, 6) })(keys))
    }

    @Test func keyOperationsOverABatchOfKeys() {
        let keys = Self.keys
        Self.expect("split", vmap({ (k: Tensor) in Random.split(k, count: 3) })(keys))
        let data = Tensor([0, 1, 2, 3] as [UInt32], shape: [4])
        Self.expect("fold_in", vmap({ (k: Tensor, d: Tensor) in Random.foldIn(k, d) })(keys, data))
        // keys mapped along axis 1, results moved to axis 1
        let normals = vmap({ (k: Tensor) in Random.normal(k, shape: [3]) }, inAxes: [1], outAxes: 1)(Lax.transpose(keys, [1, 0]))
        let want = Self.entry("normal")
        expectClose(Lax.transpose(normals, [1, 0]).doubles, want.values, rtol: 1e-6, atol: 1e-7, "normal, axes 1")
    }
}
