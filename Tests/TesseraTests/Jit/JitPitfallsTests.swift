import Testing
@testable import Tessera

/// Known jit pitfalls (after tinygrad's "jit footguns"), each kept fixed by a test.
@Suite("Jit: pitfalls")
struct JitPitfallsTests {
    /// A new input shape traces and compiles again (each shape is its own program); the same
    /// shape afterwards reuses its program.
    @Test func retracingOnNewShapes() {
        let f = jit({ (x: Tensor) in x.sum() }, name: "total")
        #expect(f(Tensor([1, 2] as [Float])).item(Float.self) == 3)
        #expect(f(Tensor([1, 2, 3] as [Float])).item(Float.self) == 6)
        #expect(f(Tensor([4, 5] as [Float])).item(Float.self) == 9)
        #expect(f.traceCount == 2)
    }

    /// A captured tensor is a constant baked into the compiled program: "changing" it means
    /// binding a new tensor, which the compiled program never sees. Pass values that change
    /// as arguments instead. (Swift's `@Sendable` rule makes capturing a `var` a compile error.)
    @Test func capturedConstantsAreBakedIn() {
        final class Box: @unchecked Sendable { var scale = Tensor(Float(2)) }
        let box = Box()
        let f = jit { (x: Tensor) in x * box.scale }
        let x = Tensor([1, 2] as [Float])
        #expect(f(x).asArray(Float.self) == [2, 4])
        box.scale = Tensor(Float(10))
        #expect(f(x).asArray(Float.self) == [2, 4], "the compiled program keeps the value seen when tracing")
        #expect(f.traceCount == 1)
        let g = jit { (x: Tensor, scale: Tensor) in x * scale }
        #expect(g(x, Tensor(Float(10))).asArray(Float.self) == [10, 20])
        let program = f.lower(x).jaxpr
        #expect(program.constVars.count == 0, "a scalar constant is folded into a literal")
        #expect(program.description.contains("2.0"))
    }

    /// Swift control flow on a traced value stops with a message pointing to cond/whileLoop;
    /// the same function runs eagerly.
    @Test func swiftControlFlowOnTracers() async {
        @Sendable func relu(_ x: Tensor) -> Tensor { Bool(x .> 0) ? x : x * 0 }
        #expect(relu(Tensor(Float(3))).item(Float.self) == 3)
        #expect(relu(Tensor(Float(-3))).item(Float.self) == 0)
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            @Sendable func relu(_ x: Tensor) -> Tensor { Bool(x .> 0) ? x : x * 0 }
            _ = jit(relu, name: "relu")(Tensor(Float(3)))
        }
        let text = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(text.contains("Bool(_:)"))
        #expect(text.contains("jit(relu)"))
        #expect(text.contains("abstract"))
        #expect(text.contains("cond(") && text.contains("whileLoop("))
    }

    /// Reading a traced value as a Swift Float (`item`) or array under jit stops likewise.
    @Test func readingValuesUnderJit() async {
        let item = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = jit({ (x: Tensor) in x * Tensor(x.item(Float.self)) }, name: "scaleBySelf")(Tensor(Float(3)))
        }
        let itemText = String(decoding: item?.standardErrorContent ?? [], as: UTF8.self)
        #expect(itemText.contains("item(Float.self)") && itemText.contains("jit(scaleBySelf)") && itemText.contains("whileLoop("))
        let array = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = jit({ (x: Tensor) in Tensor(x.asArray(Float.self).map { $0 + 1 }) }, name: "hostMap")(Tensor([1, 2] as [Float]))
        }
        let arrayText = String(decoding: array?.standardErrorContent ?? [], as: UTF8.self)
        #expect(arrayText.contains("asArray(Float.self)") && arrayText.contains("jit(hostMap)") && arrayText.contains("abstract"))
    }

    /// Without a name, messages name the place where `jit` was called.
    @Test func unnamedFunctionsAreNamedByCallSite() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = jit({ (x: Tensor) in Bool(x.sum() .> 0) ? x : -x })(Tensor([1, 2] as [Float]))
        }
        let text = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(text.contains("jit(closure at TesseraTests/JitPitfallsTests.swift:"))
    }

    /// A function returning its input unchanged compiles to no kernels and returns the input.
    @Test func returningAnInputUnchanged() {
        let f = jit { (x: Tensor, y: Tensor) in [x, y * 2, x] }
        let x = Tensor([1, 2] as [Float]), y = Tensor([3, 4] as [Float])
        let out = f(x, y)
        #expect(out[0].asArray(Float.self) == [1, 2])
        #expect(out[2].asArray(Float.self) == [1, 2])
        #expect(out[1].asArray(Float.self) == [6, 8])
        let identity = jit { (x: Tensor) in x }
        #expect(identity.lower(x).kernelCount == 0)
        #expect(identity(x).asArray(Float.self) == [1, 2])
        let noOps = jit { (x: Tensor) in (x.reshaped([2]) * 1).asType(.float32) }
        #expect(noOps.lower(x).kernelCount == 0)
        #expect(noOps(x).asArray(Float.self) == [1, 2])
    }

    /// Zero-size tensors trace, compile and run (kernels over an empty index space do
    /// nothing; reductions give the identity).
    @Test func zeroSizeTensors() {
        let empty = Tensor([] as [Float], shape: [0, 3])
        let f = jit { (x: Tensor) in [exp(x) * 2 + 1, x.sum(axes: [0]), x.sum(axes: [1])] }
        let out = f(empty)
        #expect(out[0].shape == [0, 3])
        #expect(out[0].asArray(Float.self).isEmpty)
        #expect(out[1].asArray(Float.self) == [0, 0, 0])
        #expect(out[2].shape == [0])
        let g = jit { (x: Tensor) in Lax.reduce(.max, x, axes: [0]) }
        #expect(g(Tensor([] as [Float])).item(Float.self) == -.infinity)
    }
}
