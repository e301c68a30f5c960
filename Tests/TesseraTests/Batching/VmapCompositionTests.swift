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
        for loop in ["while", "scan", "cond", "gather", "dynamic_slice", "concatenate", "transpose"] {
            #expect(!text.contains(loop), "\(loop) in \(text)")
        }
        #expect(jaxpr.equations.filter { if case .dotGeneral = $0.primitive { return true }; return false }.count == 1)
    }

    /// Batched control flow staged by jit, and nested vmap of a loop with a batched predicate.
    @Test func controlFlowUnderJitAndNestedVmap() {
        let countTo: @Sendable ([Tensor]) -> [Tensor] = { a in
            let limit = a[0]
            return ControlFlow.whileLoop({ Lax.compare(.lt, $0[0], limit) },
                                         { [Lax.binary(.add, $0[0], Tensor(Int32(1))), Lax.binary(.mul, $0[1], $0[1])] },
                                         [Tensor(Int32(0)), a[1]])
        }
        let limits = Tensor([2, 0, 3, 1, 1, 2] as [Int32], shape: [6])
        let xs = Tensor([1.1, 0.9, 1.05, 1.2, 0.5, 1.3] as [Float], shape: [6])
        let eager = VmapCheck.stacked(countTo, [limits, xs], inAxes: [0, 0], outAxes: 0)
        let vm = VmapCheck.vmapped(countTo, arity: 2, inAxes: [0, 0], outAxes: 0)
        let jitted = jit({ (l: Tensor, x: Tensor) in vm([l, x]) })(limits, xs)
        for (g, w) in zip(jitted, eager) { expectClose(g.doubles, w.doubles, rtol: 1e-6) }
        // vmap(vmap(while)) over a [2, 3] grid of limits
        VmapCheck.check("vmap(vmap(while))", vm, [Lax.reshape(limits, [2, 3]), Lax.reshape(xs, [3, 2])], inAxes: [0, 1])

        let cumsum: @Sendable ([Tensor]) -> [Tensor] = { a in
            ControlFlow.scan({ c, x in let s = Lax.binary(.add, c[0], x[0]); return ([s], [s]) }, carry: [a[0]], xs: [a[1]])
        }
        var rng = VmapCheck.Rng(64)
        let c0 = rng.floats([4, 2]), seq = rng.floats([5, 4, 2])
        let vscan = VmapCheck.vmapped(cumsum, arity: 2, inAxes: [0, 1], outAxes: 0)
        let jscan = jit({ (c: Tensor, s: Tensor) in vscan([c, s]) })(c0, seq)
        for (g, w) in zip(jscan, VmapCheck.stacked(cumsum, [c0, seq], inAxes: [0, 1], outAxes: 0)) {
            expectClose(g.doubles, w.doubles, rtol: 1e-6)
        }

        let pick: @Sendable ([Tensor]) -> [Tensor] = { a in
            ControlFlow.cond(a[0], [{ [Lax.unary(.exp, $0[0])] }, { [Lax.unary(.neg, $0[0])] }], [a[1]])
        }
        let preds = Tensor([true, false, false, true] as [Bool], shape: [4]), vals = rng.floats([4, 3])
        let vcond = VmapCheck.vmapped(pick, arity: 2, inAxes: [0, 0], outAxes: 0)
        let jcond = jit({ (p: Tensor, v: Tensor) in vcond([p, v]) })(preds, vals)
        expectClose(jcond[0].doubles, VmapCheck.stacked(pick, [preds, vals], inAxes: [0, 0], outAxes: 0)[0].doubles, rtol: 1e-6)
    }

    /// The per-example gradient program does not grow with the batch: no loop, the same
    /// equations for a batch of 2 and of 64.
    @Test func perExampleGradientProgramHasNoLoop() {
        var rng = VmapCheck.Rng(65)
        let params = MLP(w1: rng.floats([4, 5]), b1: rng.floats([5]), w2: rng.floats([5, 3]), b2: rng.floats([3]))
        let perExample = vmap(grad(Self.loss), inAxes: [nil, 0, 0])
        let small = makeJaxpr(perExample)(params, rng.floats([2, 4]), rng.floats([2, 3]))
        let large = makeJaxpr(perExample)(params, rng.floats([64, 4]), rng.floats([64, 3]))
        let names = { (j: Jaxpr) in j.equations.map { printedName($0.primitive) } }
        #expect(names(small) == names(large))
        #expect(!names(large).contains { ["while", "scan", "cond"].contains($0) })
        #expect(names(large).filter { $0 == "dot_general" }.count <= 6, "\(large)")
    }
}
