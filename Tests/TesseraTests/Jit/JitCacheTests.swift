import Testing
@testable import Tessera

/// The compile cache, retracing reasons, and the composition policy (jit inlines under
/// other transformations).
@Suite("Jit: cache and composition")
struct JitCacheTests {
    @Test func secondCallWithSameSignatureDoesNotRetrace() {
        let f = jit { (x: Tensor) in x * 2 + 1 }
        let a = Tensor([1, 2, 3] as [Float]), b = Tensor([4, 5, 6] as [Float])
        #expect(f(a).asArray(Float.self) == [3, 5, 7])
        #expect(f.traceCount == 1)
        #expect(f(b).asArray(Float.self) == [9, 11, 13])
        #expect(f.traceCount == 1)
        _ = f.lower(a)
        #expect(f.traceCount == 1)
    }

    @Test func newShapeDTypeOrWeakTypeRetraces() {
        let f = jit { (x: Tensor) in x + 1 }
        _ = f(Tensor([1, 2, 3] as [Float]))
        _ = f(Tensor([1, 2, 3, 4] as [Float]))
        #expect(f.traceCount == 2)
        _ = f(Tensor([1, 2, 3] as [Double]))
        #expect(f.traceCount == 3)
        _ = f(Tensor(Float(1)))          // strong f32[]
        _ = f(Tensor(floatLiteral: 1))   // weak f32[]
        #expect(f.traceCount == 5)
        _ = f(Tensor([7, 8, 9] as [Float]))
        #expect(f.traceCount == 5)
    }

    @Test func retraceReasons() {
        let small = JitSignature(types: [ShapedType([10], .float32)], device: "reference:0")
        let big = JitSignature(types: [ShapedType([100], .float32)], device: "reference:0")
        #expect(big.reason(comparedTo: small) == "new shape f32[100] != f32[10]")
        let ints = JitSignature(types: [ShapedType([10], .int32)], device: "reference:0")
        #expect(ints.reason(comparedTo: small) == "new dtype i32[10] != f32[10]")
        let weak = JitSignature(types: [ShapedType([10], .float32, weak: true)], device: "reference:0")
        #expect(weak.reason(comparedTo: small).hasPrefix("new weak type"))
        let both = JitSignature(types: [ShapedType([3], .float64)], device: "reference:0")
        #expect(both.reason(comparedTo: small) == "new shape and dtype f64[3] != f32[10]")
        let two = JitSignature(types: [ShapedType([10], .float32), ShapedType([2], .int32)], device: "reference:0")
        let twoBig = JitSignature(types: [ShapedType([10], .float32), ShapedType([5], .int32)], device: "reference:0")
        #expect(twoBig.reason(comparedTo: two) == "argument 1: new shape i32[5] != i32[2]")
        let other = JitSignature(types: [ShapedType([10], .float32)], device: "blas:0")
        #expect(other.reason(comparedTo: small) == "new device blas:0 != reference:0")
    }

    @Test func logLevelFromEnvironmentValue() {
        #expect(TesseraLog.level(from: nil) == .warning)
        #expect(TesseraLog.level(from: "info") == .info)
        #expect(TesseraLog.level(from: "DEBUG") == .debug)
        #expect(TesseraLog.level(from: "nonsense") == .warning)
    }

    @Test func jitInlinesUnderAnotherTrace() {
        let inner = jit { (x: Tensor) in sin(x) * 2 }
        // Under makeJaxpr, the outer trace sees jit's primitives (no nested call primitive).
        let text = makeJaxpr { (x: Tensor) in inner(x) + 1 }(Tensor(Float(1))).description
        #expect(text == """
            { lambda ; a:f32[]. let
                b:f32[] = sin a
                c:f32[] = mul b 2.0
                d:f32[] = add c 1.0
              in (d,) }
            """)
        #expect(inner.traceCount == 0)
        // jit of jit: the outer one compiles everything into one program and kernel.
        let outer = jit { (x: Tensor) in inner(x) + 1 }
        let x = Tensor([0.5, 1, 2] as [Float])
        #expect(outer(x).asArray(Float.self) == (sin(x) * 2 + 1).asArray(Float.self))
        #expect(outer.lower(x).kernelCount == 1)
        #expect(inner.traceCount == 0)
        // The closure form composes with other transformations' closures.
        let asClosure: @Sendable (Tensor) -> Tensor = jit { (x: Tensor) in x * 3 }
        #expect(makeJaxpr(asClosure)(Tensor(Float(1))).equations.count == 1)
        #expect(asClosure(Tensor([1, 2] as [Float])).asArray(Float.self) == [3, 6])
    }
}
