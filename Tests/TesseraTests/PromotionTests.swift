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
