import Testing
@testable import Tessera

@Suite struct PromotionTests {
    @Test func latticeBasics() {
        #expect(promoteTypes(.int32, .float32) == .float32)
        #expect(promoteTypes(.int32, .uint32) == .int64)
        #expect(promoteTypes(.bool, .int32) == .int32)
        #expect(promoteTypes(.float16, .float32) == .float32)
        #expect(promoteTypes(.int64, .float16) == .float16)
    }
    @Test func weakLiterals() {
        #expect(promoteTypes(.float16, weak: false, .float32, weak: true) == (.float16, false))
        #expect(promoteTypes(.int32, weak: false, .float32, weak: true) == (.float32, true))
        #expect(promoteTypes(.uint32, weak: false, .int32, weak: true) == (.uint32, false))
    }
}

@Suite struct WeakLiteralPrecisionTests {
    /// A weak float literal is exact until it takes a dtype: with a float64 operand it is
    /// the Double value, not a float32-rounded one (JAX keeps Python floats exact).
    @Test func floatLiteralIsExactWithFloat64() {
        let x = Tensor([1.0] as [Double])
        #expect((x * 0.044715).item(Double.self) == 0.044715)
        #expect((Tensor([1] as [Float]) * 0.044715).item(Float.self) == Float(0.044715))
    }
}
