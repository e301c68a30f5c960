import Dispatch
import Testing
@testable import ReferenceBackend
@testable import Tessera

/// Asynchronous dispatch on the reference backend: operations return before they run,
/// chained operations see their inputs' results, and an error raised on the device queue
/// surfaces as a `TesseraError` at the wait, never as a crash.
@Suite("Reference backend asynchronous dispatch")
struct ReferenceAsyncTests {
    let device = TestDevices.reference
    var backend: ReferenceBackend { ReferenceBackend.shared }

    /// A tensor whose buffer is produced by `work` on the device queue (the queue is the
    /// same one `execute` uses).
    func queued(_ type: ShapedType, _ work: @escaping @Sendable (ReferenceBuffer) throws -> Void) throws -> Tensor {
        let out = try ReferenceBuffer(byteCount: type.byteCount)
        backend.queue(for: device).enqueue(inputs: [], outputs: [out]) { try work(out) }
        return Tensor(base: DeviceArray(type: type, device: device, buffer: out))
    }

    @Test("an error thrown on the queue surfaces at waitUntilReady and tryAsArray, also through chained ops")
    func queueErrorSurfacesAtWait() throws {
        let type = ShapedType([4], .float32)
        let failing = try queued(type) { _ in
            throw TesseraError(.execution, "reference:0: simulated kernel failure")
        }
        // Chained without waiting: the add runs after the failed producer and inherits its error.
        let one = Tensor([1, 1, 1, 1] as [Float], shape: [4], dtype: .float32, on: device)
        let sum = bind(.binary(.add), [failing, one])[0]
        let doubled = bind(.binary(.mul), [sum, sum])[0]
        #expect(throws: TesseraError(.execution, "reference:0: simulated kernel failure")) { try failing.waitUntilReady() }
        #expect(throws: TesseraError(.execution, "reference:0: simulated kernel failure")) { try doubled.waitUntilReady() }
        #expect(throws: TesseraError.self) { try doubled.tryAsArray(Float.self) }
        // The queue keeps working after a failure.
        #expect(bind(.binary(.add), [one, one])[0].asArray(Float.self) == [2, 2, 2, 2])
    }

    @Test("a non-Tessera Swift error on the queue becomes an execution TesseraError")
    func swiftErrorIsWrapped() throws {
        struct Boom: Error {}
        let t = try queued(ShapedType([2], .int32)) { _ in throw Boom() }
        do {
            try t.waitUntilReady()
            Issue.record("expected an error")
        } catch let e as TesseraError {
            #expect(e.kind == .execution)
            #expect(e.message.contains("Boom"))
        }
    }

    @Test("an allocation too large for the host is a thrown outOfMemory error at the read")
    func allocationFailure() throws {
        // 2^40 float64 elements: 8 TiB, more than this host can provide.
        let huge = Device.withDefault(TestDevices.reference) {
            bind(.iota(dtype: .float64, shape: [1 << 40], dimension: 0), [])[0]
        }
        do {
            _ = try huge.tryAsArray(Double.self)
            Issue.record("expected an allocation failure")
        } catch let e as TesseraError {
            #expect(e.kind == .outOfMemory)
            #expect(e.message.contains("reference:0"))
        }
        // Operations on the failed value fail alike, without crashing.
        let next = bind(.unary(.neg), [huge])[0]
        #expect(throws: TesseraError.self) { try next.waitUntilReady() }
    }

    @Test("execute returns before the work runs; chained results are correct once it does")
    func executeIsAsynchronous() throws {
        let gate = DispatchSemaphore(value: 0)
        let type = ShapedType([3], .float32)
        let blocked = try queued(type) { out in
            gate.wait()
            out.withMutableElements(as: Float.self) { e in
                e[0] = 1; e[1] = 2; e[2] = 3
            }
        }
        // Everything below is enqueued behind the blocked producer and must not wait for it.
        let x = bind(.unary(.exp), [bind(.unary(.log), [blocked])[0]])[0]
        let tens = Tensor([10, 10, 10] as [Float], shape: [3], dtype: .float32, on: TestDevices.reference)
        let y = bind(.binary(.mul), [x, tens])[0]
        let z = bind(.reduce(.sum, axes: [0]), [y])[0]
        let buffer = (z.base as! DeviceArray).buffer as! ReferenceBuffer
        if case .pending = buffer.completionState {} else { Issue.record("the result was ready before its input") }
        gate.signal()
        expectClose(y.doubles, [10, 20, 30], rtol: 1e-6)
        #expect(z.item(Float.self) == 60)
    }

    @Test("a long chain of dependent ops without waiting gives the right values")
    func longChain() {
        var x = Tensor((0..<100).map(Float.init), shape: [100], dtype: .float32, on: device)
        let one = Tensor([Float](repeating: 1, count: 100), shape: [100], dtype: .float32, on: device)
        for _ in 0..<500 { x = bind(.binary(.add), [x, one])[0] }
        #expect(x.asArray(Float.self) == (0..<100).map { Float($0 + 500) })
    }

    @Test("an unsupported request (dot_general on bool) fails at once, before anything is enqueued")
    func unsupportedFailsAtOnce() throws {
        let a = Tensor([true, false], shape: [2], dtype: .bool, on: device)
        let dn = DotDimensionNumbers(lhsContracting: [0], rhsContracting: [0])
        let type = ShapedType([2], .bool)
        let buffer = (a.base as! DeviceArray).buffer
        #expect(throws: TesseraError.self) {
            _ = try backend.execute(.dotGeneral(dimensionNumbers: dn, preferredElementType: nil), inputs: [buffer, buffer],
                                    inputTypes: [type, type], outputTypes: [ShapedType([], .bool)], on: device)
        }
        let viaBind = bind(.dotGeneral(dimensionNumbers: dn, preferredElementType: nil), [a, a])[0]
        do {
            _ = try viaBind.tryAsArray(Bool.self)
            Issue.record("expected an unsupported-dtype error")
        } catch let e as TesseraError {
            #expect(e.kind == .unsupported)
            #expect(e.message.contains("dot_general") && e.message.contains("bool"))
        }
    }
}
