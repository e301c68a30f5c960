import Testing
@testable import Tessera

/// Composite programs under jit against eager evaluation, with the kernel counts fusion
/// should reach.
@Suite("Jit: composite programs")
struct JitCompositeTests {
    @Sendable static func seed(_ x: Tensor) -> Tensor { -4 * x * x * x + 9 * x * x + 6 * x - 3 }

    @Test(arguments: [DType.int32, .int64, .uint32, .float16, .float32, .float64])
    func seedPolynomialOverDTypes(_ dtype: DType) {
        expectJitMatchesEager("seed \(dtype)", [JitSamples.x(dtype)], maxKernels: 1) { [JitCompositeTests.seed($0[0])] }
        #expect(jit(JitCompositeTests.seed).lower(JitSamples.x(dtype)).kernelCount == 1)
    }

    @Test(arguments: [DType.float16, .float32, .float64])
    func softmaxRows(_ dtype: DType) {
        let x = JitSamples.x(dtype)
        expectJitMatchesEager("softmax \(dtype)", [x], maxKernels: 3) { a in
            let e = exp(a[0] - a[0].max(axes: [1], keepDims: true))
            return [e / e.sum(axes: [1], keepDims: true)]
        }
    }

    @Test func reductionAbsorbsItsProducers() {
        let x = JitSamples.x(.float32)
        expectJitMatchesEager("sum(exp(x)*2+y)", [x, JitSamples.y(.float32)], maxKernels: 1) { a in
            [(exp(a[0]) * 2 + a[1]).sum(axes: [1])]
        }
        let lowered = jit({ (a: [Tensor]) in [(exp(a[0]) * 2 + a[1]).sum(axes: [1])] }).lower([x, JitSamples.y(.float32)])
        #expect(lowered.kernels.first?.reduction?.op == .sum)
        #expect(lowered.kernels.first?.reduction?.axes == [1])
    }

    @Test func reshapeTransposeAndBroadcastFuse() {
        let x = Tensor((0..<6).map { Float($0) })
        let y = Tensor((0..<6).map { Float($0) * 0.5 }, shape: [3, 2])
        // reshape of a loaded buffer then transpose: one kernel with a strided load.
        expectJitMatchesEager("reshape+transpose", [x, y], maxKernels: 1) { a in [a[0].reshaped([2, 3]).T * 2 + a[1]] }
        // reshape into a size-1 axis then broadcast: the index map stays affine.
        expectJitMatchesEager("reshape+broadcast", [JitSamples.x(.float32)], maxKernels: 1) { a in
            [Lax.broadcastInDim(Lax.reshape(a[0] * 3, [2, 3, 1]), shape: [2, 3, 4], dims: [0, 1, 2]) + Lax.iota(.float32, shape: [2, 3, 4], dimension: 2)]
        }
        // reshape [2,3] -> [3,2] then broadcast: not affine, so fusion stores the reshaped value.
        expectJitMatchesEager("reshape then broadcast (boundary)", [JitSamples.x(.float32)], maxKernels: 2) { a in
            [Lax.broadcastInDim(Lax.reshape(a[0] * 2, [3, 2]), shape: [4, 3, 2], dims: [1, 2]) + Lax.iota(.float32, shape: [4, 3, 2], dimension: 0)]
        }
        // slices and reversals compose into load offsets.
        expectJitMatchesEager("slice+rev", [Tensor((0..<24).map { Int32($0) }, shape: [4, 6])], maxKernels: 1) { a in
            [Lax.rev(Lax.slice(a[0], start: [1, 0], limit: [4, 6], strides: [2, 3]), axes: [1]) - 1]
        }
    }

    @Test func matmulBiasRelu() {
        let a = Tensor((0..<6).map { Float($0) - 2.5 }, shape: [2, 3])
        let w = Tensor((0..<12).map { Float($0) * 0.25 - 1 }, shape: [3, 4])
        let b = Tensor([0.5, -1, 0, 2] as [Float])
        expectJitMatchesEager("relu(a@w+b)", [a, w, b], maxKernels: 1) { t in [maximum(matmul(t[0], t[1]) + t[2], 0)] }
        let lowered = jit({ (t: [Tensor]) in [maximum(matmul(t[0], t[1]) + t[2], 0)] }).lower([a, w, b])
        #expect(lowered.executable.stepCount == 2)
    }

    @Test func independentOutputsShareOneKernel() {
        let x = JitSamples.x(.float32), y = JitSamples.y(.float32)
        expectJitMatchesEager("two outputs", [x, y], maxKernels: 1) { a in [a[0] * a[1] + 1, sin(a[0]) - a[1]] }
    }

    @Test func simplifierFoldsAndRemovesNoOps() {
        let lowered = jit({ (x: Tensor) in (x * (Tensor(Float(2)) * Tensor(Float(3)))) * 1 + 0 }).lower(JitSamples.x(.float32))
        // 2 * 3 folds to 6, the `* 1` disappears; float `+ 0.0` stays (it turns -0.0 into +0.0).
        #expect(lowered.jaxpr.description == """
            { lambda ; a:f32[2,3]. let
                b:f32[2,3] = broadcast_in_dim 6.0
                c:f32[2,3] = mul a b
                d:f32[2,3] = broadcast_in_dim 0.0
                e:f32[2,3] = add c d
              in (e,) }
            """)
        let ints = jit({ (x: Tensor) in (x * 1 + 0) - 0 }).lower(JitSamples.x(.int32))
        #expect(ints.jaxpr.equations.isEmpty)
        let cse = jit({ (x: Tensor) in sin(x) + sin(x) }).lower(JitSamples.x(.float32))
        #expect(cse.jaxpr.equations.count == 2)
        let dead = jit({ (x: Tensor) in _ = exp(x); return x * 2 }).lower(JitSamples.x(.float32))
        #expect(!dead.jaxpr.equations.contains { $0.primitive == .unary(.exp) })
        #expect(dead.jaxpr.equations.count == 2)
    }

    @Test func structuredArguments() {
        struct Params: TensorTree {
            var w: Tensor, b: Tensor
            func mapTensors(_ f: (Tensor) throws -> Tensor) rethrows -> Params { Params(w: try f(w), b: try f(b)) }
        }
        let p = Params(w: Tensor([1, 2, 3] as [Float]), b: Tensor([0.5, 0.5, 0.5] as [Float]))
        let x = Tensor([2, 2, 2] as [Float])
        let f = jit { (p: Params, x: Tensor, scale: [String: Tensor]) -> [String: Tensor] in
            ["y": (p.w * x + p.b) * scale["s"]!, "z": p.w.sum()]
        }
        let out = f(p, x, ["s": Tensor(Float(2))])
        #expect(out["y"]!.asArray(Float.self) == [5, 9, 13])
        #expect(out["z"]!.item(Float.self) == 6)
    }
}

/// Consumers of a reduction's result fuse into the reduction kernel's epilogue.
@Suite("Jit: reduction epilogues")
struct JitEpilogueTests {
    /// On the reference device, which renders epilogues (not every backend opts in).
    static let x = Tensor((0..<24).map { Float(($0 * 7) % 11) * 0.5 - 2 }, shape: [4, 6]).to(TestDevices.reference)

    @Test func meanIsOneKernel() {
        expectJitMatchesEager("mean", [JitEpilogueTests.x], maxKernels: 1) { t in [t[0].mean(axes: [1])] }
        let lowered = jit({ (t: Tensor) in t.mean(axes: [1]) }).lower(JitEpilogueTests.x)
        #expect(lowered.kernels.count == 1)
        #expect(lowered.kernels[0].epilogue.count > 1)
    }

    @Test func logSumExpIsTwoKernels() {
        expectJitMatchesEager("logsumexp", [JitEpilogueTests.x], maxKernels: 2) { t in
            let m = t[0].max(axes: [1])
            return [log(exp(t[0] - m.reshaped([4, 1])).sum(axes: [1])) + m]
        }
    }

    @Test func resultUsedElsewhereIsAlsoStored() {
        expectJitMatchesEager("sum and scaled sum", [JitEpilogueTests.x], maxKernels: 1) { t in
            let s = t[0].sum(axes: [0])
            return [s, s * 2 + 1]
        }
        expectJitMatchesEager("variance", [JitEpilogueTests.x], maxKernels: 2) { t in
            let mean = t[0].mean(axes: [0], keepDims: true)
            return [((t[0] - mean) * (t[0] - mean)).mean(axes: [0]), mean]
        }
    }

    @Test func epilogueReadingOtherElementsIsSplit() {
        let cube = Tensor((0..<27).map { Float($0 % 5) - 1.5 }, shape: [3, 3, 3])
        expectJitMatchesEager("sum then transpose", [cube], maxKernels: 2) { t in
            let s = t[0].sum(axes: [2])
            return [s.T + s]
        }
    }
}
