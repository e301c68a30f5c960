import Foundation
import Testing
@testable import Tessera

/// The jit cache is bounded per jitted function and evicts the least recently used program.
@Suite("Jit: cache eviction")
struct JitCacheEvictionTests {
    static func vector(_ n: Int) -> Tensor { Tensor((0..<n).map { Float($0) }, shape: [n]) }

    @Test func defaultCapacityIs64() {
        let f = jit { (x: Tensor) in x + 1 }
        #expect(f.cacheSize == 64)
        for n in 1...70 { _ = f(JitCacheEvictionTests.vector(n)) }
        #expect(f.traceCount == 70)
        #expect(f.cachedProgramCount == 64)
        #expect(f.evictionCount == 6)
        // The newest signatures were kept, the six oldest evicted.
        #expect(f(JitCacheEvictionTests.vector(70)).asArray(Float.self) == (1...70).map { Float($0) })
        #expect(f(JitCacheEvictionTests.vector(7)).asArray(Float.self) == (1...7).map { Float($0) })
        #expect(f.traceCount == 70)
        #expect(f(JitCacheEvictionTests.vector(1)).asArray(Float.self) == [1])
        #expect(f.traceCount == 71)
    }

    @Test func evictsTheLeastRecentlyUsedSignature() {
        let f = jit({ (x: Tensor) in x * 2 }, cacheSize: 2)
        let a = JitCacheEvictionTests.vector(1), b = JitCacheEvictionTests.vector(2), c = JitCacheEvictionTests.vector(3)
        _ = f(a)
        _ = f(b)
        _ = f(a)                      // a is now more recent than b
        #expect(f.traceCount == 2)
        #expect(f(c).asArray(Float.self) == [0, 2, 4])   // evicts b
        #expect(f.traceCount == 3)
        #expect(f.evictionCount == 1)
        _ = f(a)
        #expect(f.traceCount == 3)    // a was kept
        #expect(f(b).asArray(Float.self) == [0, 2])      // b was evicted: traced again, evicting c
        #expect(f.traceCount == 4)
        #expect(f.cachedProgramCount == 2)
        _ = f(a)
        #expect(f.traceCount == 4)
        _ = f(c)
        #expect(f.traceCount == 5)
    }

    @Test func cacheSizeOneKeepsOnlyTheLastSignature() {
        let f = jit({ (x: Tensor, y: Tensor) in x + y }, cacheSize: 1)
        let a = JitCacheEvictionTests.vector(2), b = JitCacheEvictionTests.vector(3)
        #expect(f(a, a).asArray(Float.self) == [0, 2])
        #expect(f(a, a).asArray(Float.self) == [0, 2])
        #expect(f.traceCount == 1)
        #expect(f(b, b).asArray(Float.self) == [0, 2, 4])
        #expect(f(a, a).asArray(Float.self) == [0, 2])
        #expect(f.traceCount == 3)
        #expect(f.evictionCount == 2)
        #expect(f.cachedProgramCount == 1)
    }

    /// Under `TESSERA_LOG=debug` an eviction names the function and the evicted signature
    /// (in a child process, whose logger reads the variable set before its first use).
    @Test func evictionsAreLoggedAtDebug() async {
        let result = await #expect(processExitsWith: .success, observing: [\.standardErrorContent]) {
            setenv("TESSERA_LOG", "debug", 1)
            let f = jit({ (x: Tensor) in x + 1 }, name: "bounded", cacheSize: 1)
            _ = f(Tensor([1, 2] as [Float]).to(TestDevices.reference)).asArray(Float.self)
            _ = f(Tensor([1, 2, 3] as [Float]).to(TestDevices.reference)).asArray(Float.self)
        }
        let text = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(text.contains("jit(bounded): evicted the program for (f32[2]) on reference:0"), "\(text.suffix(2000))")
    }
}
