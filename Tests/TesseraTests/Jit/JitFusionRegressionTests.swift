import Testing
@testable import Tessera

/// Compiler bugs found by the differential fuzzer (`tessera-conformance --fuzz`), each as a
/// small hand-written program checked against eager on the reference device (the backend
/// that renders reduction epilogues, where these programs fuse).
@Suite("Jit: fusion regressions")
struct JitFusionRegressionTests {
    static func input(_ shape: [Int]) -> Tensor {
        let n = shape.reduce(1, *)
        return Tensor((0..<n).map { Float(($0 * 7) % 11) * 0.5 - 2 }, shape: shape).to(TestDevices.reference)
    }

    /// Fuzz seeds 1588, 2297, 6496, 7557, 7613, 7806 ("unbound variable" at run time): a
    /// reduction's result was stored only when an equation outside its epilogue read it
    /// directly, but a cheap element-wise value of the epilogue (`o = min(cos(tanh(b)), b)`)
    /// is recomputed by another kernel (`r` reads the epilogue root `p`, so it cannot join the
    /// epilogue) and that kernel loads the unstored result `b`.
    @Test func recomputedEpilogueValueReadsReductionResult() {
        let a = JitFusionRegressionTests.input([3, 5])
        expectJitMatchesEager("recomputed epilogue value", [a]) { args in
            let b = args[0].min(axes: [1])
            let n = cos(tanh(b))
            let o = minimum(n, b)
            let p = minimum(n, o)
            let r = `where`(p .> o, p, o)
            return [p, r]
        }
        let fast = jit({ (args: [Tensor]) -> [Tensor] in
            let b = args[0].min(axes: [1])
            let o = minimum(cos(tanh(b)), b)
            let p = minimum(cos(tanh(b)), o)
            return [p, `where`(p .> o, p, o)]
        }, name: "recomputed epilogue value")
        // The reduction kernel stores its result for the second kernel.
        let reduction = fast.lower([a]).kernels.first { $0.reduction != nil }
        #expect(reduction?.outputs.count == 2, "\(fast.lower([a]))")
    }

    /// Fuzz seed 517: the same cause through a movement op, which is always inlined: a
    /// reshape of the reduction's result is part of the epilogue of `t = z * 2` and is
    /// recomputed by `max(t, z)`, which reads the epilogue root `t`.
    @Test func inlinedReshapeOfReductionResult() {
        let a = JitFusionRegressionTests.input([4, 3])
        expectJitMatchesEager("inlined reshape of a reduction result", [a]) { args in
            let s = args[0].sum(axes: [1])
            let z = s.reshaped([4, 1])
            let t = z * 2
            return [t, maximum(t, z)]
        }
    }

    /// Fuzz seed 2297's shape: the same program over a zero-size index space.
    @Test func zeroSizeReductionWithRecomputedEpilogue() {
        let a = Tensor([Float](), shape: [1, 0]).to(TestDevices.reference)
        expectJitMatchesEager("zero-size reduction epilogue", [a]) { args in
            let c = args[0].max(axes: [0])
            let f = `where`(c .> args[0], c, args[0])
            let h = `where`(f .> args[0], f, args[0])
            return [h, f.transposed()]
        }
    }
}
