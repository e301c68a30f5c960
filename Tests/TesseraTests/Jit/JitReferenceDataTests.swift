import Testing
@testable import Tessera

/// Composite programs and control flow, eagerly and under jit, against values computed by
/// JAX (scripts/testdata/jit_programs.py -> Data/jit_programs.json).
@Suite("Jit: programs against JAX")
struct JitReferenceDataTests {
    struct Case {
        let inputs: [Tensor]
        let outputs: [(shape: [Int], data: [Double])]
    }

    static let cases: [String: Case] = {
        let root = TestData.json("jit_programs.json") as! [String: Any]
        var out: [String: Case] = [:]
        for (name, value) in root["cases"] as! [String: Any] {
            let c = value as! [String: Any]
            func decode(_ a: Any) -> (shape: [Int], dtype: String, data: [Double]) {
                let d = a as! [String: Any]
                return (d["shape"] as! [Int], d["dtype"] as! String, TestData.doubles(d["data"]!))
            }
            let inputs = (c["inputs"] as! [Any]).map(decode).map { i in
                Tensor(i.data, shape: i.shape, dtype: DType(name: i.dtype)!)
            }
            let outputs = (c["outputs"] as! [Any]).map(decode).map { (shape: $0.shape, data: $0.data) }
            out[name] = Case(inputs: inputs, outputs: outputs)
        }
        return out
    }()

    static let programs: [String: @Sendable ([Tensor]) -> [Tensor]] = [
        "seed": { t in [-4 * t[0] * t[0] * t[0] + 9 * t[0] * t[0] + 6 * t[0] - 3] },
        "softmax": { t in
            let e = exp(t[0] - t[0].max(axes: [1], keepDims: true))
            return [e / e.sum(axes: [1], keepDims: true)]
        },
        "mlp": { t in [tanh(maximum(matmul(t[0], t[1]) + t[2], 0.0)).sum(axes: [0])] },
        "cond_true": { t in [cond(t[0].sum() .> 0, { $0 * 2.0 }, { $0 - 1.0 }, t[0])] },
        "cond_false": { t in [cond(t[0].sum() .> 0, { $0 * 2.0 }, { $0 - 1.0 }, t[0])] },
        "while": { t in
            whileLoop(cond: { (c: [Tensor]) in sqrt((c[0] * c[0]).sum()) .>= 0.1 },
                      body: { c in [c[0] * 0.5, c[1] + 1] }, initial: [t[0], Tensor(Int32(0))])
        },
        "fori": { t in [forLoop(0, 5, body: { i, c in c * 0.9 + t[0] * i.asType(.float32) }, initial: Lax.zerosLike(t[0]))] },
        "scan": { t in
            let (c, ys) = scan({ (c: Tensor, x: Tensor) in
                let next = 0.5 * c + x
                return (next, next * next)
            }, initial: Tensor(Float(0)), xs: t[0])
            return [c, ys]
        },
    ]

    @Test(arguments: ["seed", "softmax", "mlp", "cond_true", "cond_false", "while", "fori", "scan"])
    func program(_ name: String) {
        let c = JitReferenceDataTests.cases[name]!
        let f = JitReferenceDataTests.programs[name]!
        let fast = jit(f, name: name)
        for (mode, results) in [("eager", f(c.inputs)), ("jit", fast(c.inputs))] {
            #expect(results.count == c.outputs.count, "\(name) \(mode)")
            for (r, e) in zip(results, c.outputs) {
                #expect(r.shape == e.shape, "\(name) \(mode): shape \(r.shape) != \(e.shape)")
                expectClose(r.doubles, e.data, rtol: 1e-5, atol: 1e-6, "\(name) \(mode)")
            }
        }
    }
}
