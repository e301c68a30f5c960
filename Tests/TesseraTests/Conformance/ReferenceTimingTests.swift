import Dispatch
import Testing
@testable import ReferenceBackend
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
        let clock = ContinuousClock()
        // Eager ops one after another (on an idle queue a small op runs at once).
        let n = 20_000
        var last = a
        let eager = clock.measure {
            for _ in 0..<n { last = bind(add, [a, b])[0] }
            last.blockUntilReady()
        }
        // The queued path: hold the device queue with a blocked item, so that every add is
        // enqueued; the caller's cost is the enqueue, the queue's the whole run.
        let gate = DispatchSemaphore(value: 0)
        let hold = try ReferenceBuffer(byteCount: 0)
        ReferenceBackend.shared.queue(for: device).enqueue(inputs: [], outputs: [hold]) { gate.wait() }
        let m = 5_000
        let enqueue = clock.measure {
            for _ in 0..<m { last = bind(add, [a, b])[0] }
        }
        let drained = clock.measure {
            gate.signal()
            last.blockUntilReady()
        }
        let perOp = seconds(eager) / Double(n) * 1e6
        let perEnqueue = seconds(enqueue) / Double(m) * 1e6
        let perQueued = seconds(drained) / Double(m) * 1e6
        print("reference timing: eager 100-element float32 add: \(format2(perOp)) µs per op; queued: \(format2(perEnqueue)) µs to enqueue + \(format2(perQueued)) µs on the queue (debug build)")
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
