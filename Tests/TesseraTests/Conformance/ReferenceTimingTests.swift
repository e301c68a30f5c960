import Testing
@testable import Tessera

/// Host cost of the reference backend's eager path and of its loops, printed for the
/// notes. The bounds are loose (debug builds, a shared 2-core machine) but catch a
/// per-element enum dispatch or an accidental quadratic loop.
@Suite("Reference backend timing", .serialized)
struct ReferenceTimingTests {
    let device = TestDevices.reference

    func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    @Test("eager 100-element add: per-op host overhead")
    func smallAddOverhead() throws {
        let a = Tensor((0..<100).map(Float.init), shape: [100])
        let b = Tensor([Float](repeating: 2, count: 100), shape: [100])
        let add = Primitive.binary(.add)
        for _ in 0..<200 { _ = bind(add, [a, b]) }  // warm up
        let n = 20_000
        let clock = ContinuousClock()
        var last = a
        // Dispatch throughput: enqueue n independent adds, then wait for the last.
        let enqueue = clock.measure {
            for _ in 0..<n { last = bind(add, [a, b])[0] }
            last.blockUntilReady()
        }
        // Round trip: each add waited for before the next.
        let m = 5_000
        let roundTrip = clock.measure {
            for _ in 0..<m { bind(add, [a, b])[0].blockUntilReady() }
        }
        let perOp = seconds(enqueue) / Double(n) * 1e6
        let perRoundTrip = seconds(roundTrip) / Double(m) * 1e6
        print("reference timing: eager 100-element float32 add: \(format2(perOp)) µs per op dispatched, \(format2(perRoundTrip)) µs per op with a wait after each")
        #expect(last.asArray(Float.self)[99] == 101)
        #expect(perOp < 200, "eager add costs \(perOp) µs")
    }

    @Test("10^6-element add and 256x256 matmul take milliseconds")
    func largeOps() throws {
        let n = 1_000_000
        let a = Tensor((0..<n).map { Float($0 % 1000) }, shape: [n])
        let b = Tensor([Float](repeating: 0.5, count: n), shape: [n])
        a.blockUntilReady()
        b.blockUntilReady()
        let clock = ContinuousClock()
        _ = bind(.binary(.add), [a, b])[0].blockUntilReady()
        var sum = a
        let runs = 5
        let elementwise = clock.measure {
            for _ in 0..<runs { sum = bind(.binary(.add), [a, b])[0].blockUntilReady() }
        }
        let addMs = seconds(elementwise) / Double(runs) * 1e3
        #expect(sum.asArray(Float.self)[1234] == 234.5)

        let m = Tensor((0..<(256 * 256)).map { Float($0 % 7) - 3 }, shape: [256, 256]).blockUntilReady()
        let dn = DotDimensionNumbers(lhsContracting: [1], rhsContracting: [0])
        var product = m
        let matmul = clock.measure {
            product = bind(.dotGeneral(dimensionNumbers: dn, preferredElementType: nil), [m, m])[0].blockUntilReady()
        }
        let matmulMs = seconds(matmul) * 1e3
        print("reference timing: 10^6-element float32 add \(format2(addMs)) ms; 256x256 float32 matmul \(format2(matmulMs)) ms (debug build)")
        #expect(product.shape == [256, 256])
        #expect(addMs < 500, "10^6-element add took \(addMs) ms")
        #expect(matmulMs < 1000, "256x256 matmul took \(matmulMs) ms")
    }

    func format2(_ x: Double) -> String {
        let r = (x * 100).rounded() / 100
        return "\(r)"
    }
}
