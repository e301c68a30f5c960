import Foundation
import Testing
@testable import Tessera

/// vmap composed with jit, grad and makeJaxpr.
@Suite struct VmapCompositionTests {
    struct MLP: TensorTree {
        var w1: Tensor, b1: Tensor, w2: Tensor, b2: Tensor
        func mapTensors(_ f: (Tensor) throws -> Tensor) rethrows -> MLP {
            MLP(w1: try f(w1), b1: try f(b1), w2: try f(w2), b2: try f(b2))
        }
    }

    @Sendable static func loss(_ p: MLP, _ x: Tensor, _ y: Tensor) -> Tensor {
        let h = tanh(matmul(x, p.w1) + p.b1)
        let d = matmul(h, p.w2) + p.b2 - y
        return (d * d).mean()
    }

    static func tensor(_ json: Any) -> Tensor {
        let d = json as! [String: Any]
        return Tensor(TestData.doubles(d["values"]!).map { Float($0) }, shape: (d["shape"] as! [Int]))
    }

    /// Per-example gradients of an MLP: jit(vmap(grad(loss), inAxes: [nil, 0, 0])) equals JAX's.
    @Test func perExampleMLPGradientsMatchJAX() {
        let data = TestData.json("vmap_mlp_grads.json") as! [String: Any]
        let p = data["params"] as! [String: Any], g = data["grads"] as! [String: Any]
        let params = MLP(w1: Self.tensor(p["w1"]!), b1: Self.tensor(p["b1"]!), w2: Self.tensor(p["w2"]!), b2: Self.tensor(p["b2"]!))
        let xs = Self.tensor(data["xs"]!), ys = Self.tensor(data["ys"]!)
        let perExample = jit(vmap(grad(Self.loss), inAxes: [nil, 0, 0]))
        let grads = perExample(params, xs, ys)
        for (name, got) in [("w1", grads.w1), ("b1", grads.b1), ("w2", grads.w2), ("b2", grads.b2)] {
            let want = Self.tensor(g[name]!)
            #expect(got.shape == want.shape, "\(name): \(got.shape) vs \(want.shape)")
            expectClose(got.doubles, want.doubles, rtol: 1e-4, atol: 1e-6, "grad \(name)")
        }
        // unjitted too
        let eager = vmap(grad(Self.loss), inAxes: [nil, 0, 0])(params, xs, ys)
        expectClose(eager.w1.doubles, Self.tensor(g["w1"]!).doubles, rtol: 1e-4, atol: 1e-6, "eager grad w1")
        // per-example losses
        let losses = vmap(Self.loss, inAxes: [nil, 0, 0])(params, xs, ys)
        expectClose(losses.doubles, TestData.doubles((data["losses"] as! [String: Any])["values"]!), rtol: 1e-5, atol: 1e-6, "losses")
    }

    @Test func jitOfVmapEqualsVmap() {
        var rng = VmapCheck.Rng(61)
        let a = rng.floats([3, 4]), xs = rng.floats([5, 4])
        let f: @Sendable (Tensor) -> Tensor = { x in tanh(matmul(a, x)).sum() }
        let eager = vmap(f)(xs)
        let jitted = jit(vmap(f))(xs)
        expectClose(jitted.doubles, eager.doubles, rtol: 1e-5)
        // vmap of a jitted function (jit inlines under a transformation)
        expectClose(vmap(jit(f))(xs).doubles, eager.doubles, rtol: 1e-5)
        // nested, all jitted
        let xss = rng.floats([2, 5, 4])
        let nested = jit(vmap(vmap(f), inAxes: [1], outAxes: 1))(xss)
        #expect(nested.shape == [2, 5])
        let direct = VmapCheck.stacked({ [vmap(f)($0[0])] }, [xss], inAxes: [1], outAxes: 1)[0]
        expectClose(nested.doubles, direct.doubles, rtol: 1e-5)
    }

    @Test func gradOfAFunctionUsingVmap() {
        var rng = VmapCheck.Rng(62)
        let w = rng.floats([4]), xs = rng.floats([6, 4])
        // L(w) = sum_i tanh(w . x_i)^2, written with vmap over the examples
        let viaVmap: @Sendable (Tensor, Tensor) -> Tensor = { w, xs in
            let per = vmap({ (x: Tensor) -> Tensor in let t = tanh((w * x).sum()); return t * t })(xs)
            return per.sum()
        }
        let viaMatmul: @Sendable (Tensor, Tensor) -> Tensor = { w, xs in
            let t = tanh(matmul(xs, w)); return (t * t).sum()
        }
        expectClose(grad(viaVmap)(w, xs).doubles, grad(viaMatmul)(w, xs).doubles, rtol: 1e-5)
        // and vmap(grad(...)) over a batch of weight vectors, checked against per-example grads
        let ws = rng.floats([3, 4])
        let batched = vmap(grad(viaMatmul), inAxes: [0, nil])(ws, xs)
        let stacked = Lax.stack((0..<3).map { grad(viaMatmul)(Lax.indexInDim(ws, axis: 0, index: $0), xs) })
        expectClose(batched.doubles, stacked.doubles, rtol: 1e-5)
    }

    /// makeJaxpr of a vmapped matrix-vector product: one dot_general, no loop.
    @Test func makeJaxprOfVmappedMatvec() {
        var rng = VmapCheck.Rng(63)
        let a = rng.floats([3, 4]), xs = rng.floats([8, 4])
        let batched = vmap({ (m: Tensor, x: Tensor) in matmul(m, x) }, inAxes: [nil, 0])
        let jaxpr = makeJaxpr(batched)(a, xs)
        let text = jaxpr.description
        print(text)
        #expect(text.components(separatedBy: "dot_general").count - 1 == 1, "\(text)")
        for loop in ["while", "scan", "cond", "gather", "dynamic_slice", "concatenate"] {
            #expect(!text.contains(loop), "\(loop) in \(text)")
        }
        #expect(jaxpr.equations.filter { if case .dotGeneral = $0.primitive { return true }; return false }.count == 1)
    }
}
