import Testing
@testable import Tessera

/// DESIGN.md's public API contract, spelled as DESIGN.md spells it (except `where`, a Swift
/// keyword, which is `Tensor.where`): this file must keep compiling, and the values are checked.
@Suite("DESIGN.md API contract")
struct DesignContractTests {
    @Test func valuesAndTransformationsAsDesignSpellsThem() {
        @Sendable func f(_ x: Tensor) -> Tensor { -4 * x * x * x + 9 * x * x + 6 * x - 3 }
        let x = Tensor.arange(10)
        let a = Tensor([1, 2, 3, 4] as [Float], shape: [2, 2])
        let b = Tensor.ones([2, 2])
        #expect(a.shape == [2, 2] && a.dtype == .float32 && a.rank == 2)
        #expect(a.asType(.float64).dtype == .float64 && a.reshaped([4]).shape == [4] && a.transposed().shape == [2, 2])
        #expect(a.T.asArray(Float.self) == [1, 3, 2, 4])
        #expect(Tensor.zeros([2, 3]).shape == [2, 3] && Tensor.ones([3], dtype: .float64).dtype == .float64)
        #expect(Tensor.full([2], 7.0).asArray(Float.self) == [7, 7] && Tensor.eye(3).shape == [3, 3])
        #expect(Tensor.linspace(0, 1, count: 5).asArray(Float.self) == [0, 0.25, 0.5, 0.75, 1])
        #expect(x.at[0].set(10).asArray(Int32.self)[0] == 10 && x[2].item(Int32.self) == 2)
        #expect(x[1..<4].asArray(Int32.self) == [1, 2, 3] && a[0, 1].item(Float.self) == 2)
        #expect(Tensor.where(a .> 2, a, b).asArray(Float.self) == [1, 1, 3, 4])
        #expect(maximum(a, b).shape == [2, 2] && pow(a, b).shape == [2, 2] && floorDivide(a, b).shape == [2, 2])
        #expect(a.sum().item(Float.self) == 10 && a.sum(axes: [0], keepDims: true).shape == [1, 2])
        #expect(a.mean().item(Float.self) == 2.5 && a.max().item(Float.self) == 4)
        #expect(a.argmax(axis: 1).asArray(Int32.self) == [1, 1])
        #expect(matmul(a, b).shape == [2, 2] && dot(a, b).shape == [2, 2])
        #expect(concatenate([a, b], axis: 0).shape == [4, 2] && stack([a, b]).shape == [2, 2, 2])
        let key = PRNGKey(0)
        #expect(Random.split(key, count: 2).shape == [2, 2] && Random.foldIn(key, 1).shape == [2])
        #expect(Random.normal(key, shape: [3]).asArray(Float.self) == [1.6226422, 2.0252647, -0.43359444])
        #expect(Random.uniform(key, shape: [3]).shape == [3])
        #expect(jit(f)(Tensor(Float(1))).item(Float.self) == 8)
        #expect(grad(f)(1.0).item(Float.self) == 12 && grad(grad(f))(1.0).item(Float.self) == -6)
        #expect(valueAndGrad(f)(1.0).1.item(Float.self) == 12)
        #expect(jacfwd(f)(Tensor([1.0] as [Float])).shape == [1, 1] && jacrev(f)(Tensor([1.0] as [Float])).shape == [1, 1])
        #expect(hessian(f)(Tensor([1.0] as [Float])).asArray(Float.self) == [-6])   // shape [1, 1, 1], as JAX
        #expect(vmap(f, inAxes: [0], outAxes: 0)(a).shape == [2, 2])
        #expect(makeJaxpr(f)(Tensor(3)).description.hasPrefix("{ lambda ; a:i32[]. let"))
        let twice = cond(Tensor(true), { $0 * 2 }, { $0 }, a)
        #expect(twice.asArray(Float.self) == [2, 4, 6, 8])
        #expect(whileLoop(cond: { $0 .< 10 }, body: { $0 + 3 }, initial: Tensor(Int32(0))).item(Int32.self) == 12)
        #expect(forLoop(0, 4, body: { i, c in c + i }, initial: Tensor(Int32(0))).item(Int32.self) == 6)
        let (carry, ys) = scan({ c, x in (c + x, c * x) }, initial: Tensor(Float(0)), xs: Tensor([1, 2, 3] as [Float]))
        #expect(carry.item(Float.self) == 6 && ys.shape == [3])
        let n = Device.default.backend.devices.count
        let shards = Tensor.arange(n * 4).asType(.float32).reshaped([n, 4])
        #expect(pmap({ (s: Tensor) in psum(s, axisName: "i") }, axisName: "i")(shards).shape == [n, 4])
        #expect(convolve(Tensor([1, 2, 3] as [Float]), Tensor([0, 1, 0.5] as [Float]), mode: .full).shape == [5])
        #expect(Linalg.det(Tensor([2, 0, 0, 3] as [Double], shape: [2, 2])).item(Double.self) == 6)
        #expect(Special.logsumexp(Tensor([0, 0] as [Double]), axes: [0]).item(Double.self) == 0.6931471805599453)
        #expect(NN.softmax(Tensor([0, 0] as [Float]), axis: 0).asArray(Float.self) == [0.5, 0.5])
        #expect(!Device.all.isEmpty && x.to(Device.all[0]).device === Device.all[0])
        fastBlock(jit(f), Tensor(Float(2)))
    }

    func fastBlock(_ fast: JittedFunction<Tensor, Tensor>, _ x: Tensor) {
        #expect(fast(x).blockUntilReady().item(Float.self) == 13)
    }
}
