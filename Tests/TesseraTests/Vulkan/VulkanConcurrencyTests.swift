import Foundation
import Testing
@testable import Tessera
@testable import VulkanBackend

/// Eight threads dispatching on one Vulkan device at once: uploads, eager element-wise
/// ops, reductions, scans, matmuls, jitted programs and downloads interleave in the
/// device's batches, and every thread reads back exactly its own results.
@Suite("Vulkan concurrency")
struct VulkanConcurrencyTests {
    /// Failures collected from the worker threads.
    final class Failures: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [String] = []
        func add(_ s: String) { lock.withLock { items.append(s) } }
        var all: [String] { lock.withLock { items } }
    }

    static func poly(_ x: Tensor) -> Tensor { 3 * x * x - 2 * x + 1 }

    /// One worker's round: values depend on (thread, round) so that a result landing in the
    /// wrong buffer or read before it is written is caught.
    static func round(_ t: Int, _ r: Int, on device: Device, fast: JittedFunction<Tensor, Tensor>, failures: Failures) {
        func scalar(_ v: Float) -> Tensor { Tensor(v).to(device) }
        let n = 257 + 31 * t + r
        let xs = (0..<n).map { Float(($0 * (t + 3) + r) % 97) * 0.25 }
        let x = Tensor(xs, shape: [n]).to(device)
        let y = x * scalar(Float(t + 1)) + scalar(2)
        let ys = y.asArray(Float.self)
        if ys != xs.map({ $0 * Float(t + 1) + 2 }) { failures.add("thread \(t) round \(r): x * \(t + 1) + 2 differs") }
        let s = y.sum().item(Float.self)
        let expectedSum = xs.reduce(0.0) { $0 + Double($1 * Float(t + 1) + 2) }
        if abs(Double(s) - expectedSum) > 1e-4 * expectedSum { failures.add("thread \(t) round \(r): sum \(s) != \(expectedSum)") }
        let ints = Tensor((0..<n).map { Int32(($0 + t) % 5) }, shape: [n]).to(device)
        let c = bind(.cumulative(.cumsum, axis: 0, reverse: false), [ints])[0].asArray(Int32.self)
        var running: Int32 = 0
        let expectedScan = (0..<n).map { i -> Int32 in running += Int32((i + t) % 5); return running }
        if c != expectedScan { failures.add("thread \(t) round \(r): cumsum differs") }
        let p = fast(x).asArray(Float.self)
        if p != xs.map({ 3 * $0 * $0 - 2 * $0 + 1 }) { failures.add("thread \(t) round \(r): jitted polynomial differs") }
        let m = 16 + t
        let a = Tensor((0..<(m * m)).map { Float(($0 + r) % 7) }, shape: [m, m]).to(device)
        let e = Tensor.eye(m).to(device) * scalar(Float(t + 2))
        let prod = matmul(a, e).asArray(Float.self)
        if prod != (0..<(m * m)).map({ Float(($0 + r) % 7) * Float(t + 2) }) { failures.add("thread \(t) round \(r): matmul differs") }
    }

    @Test("8 threads dispatching at once give each its own correct results")
    func eightThreads() throws {
        guard let device = TestDevices.device("vulkan") else { return }
        let failures = Failures()
        let fast = jit(Self.poly)
        DispatchQueue.concurrentPerform(iterations: 8) { t in
            for r in 0..<12 { Self.round(t, r, on: device, fast: fast, failures: failures) }
        }
        #expect(failures.all.isEmpty, "\(failures.all.prefix(10))")
    }

    @Test("threads waiting on the same batches while others record")
    func sharedWaits() throws {
        guard let device = TestDevices.device("vulkan") else { return }
        let failures = Failures()
        let base = Tensor((0..<4096).map { Float($0 % 13) }, shape: [4096]).to(device)
        DispatchQueue.concurrentPerform(iterations: 8) { t in
            for r in 0..<40 {
                // Short chains of dispatches, waited on at once: batches are submitted and
                // retired by one thread while another still waits on them.
                let y = exp(base * Tensor(Float(t % 3)).to(device)) + Tensor(Float(r)).to(device)
                y.blockUntilReady()
                let v = y[t * 100 + r].item(Float.self)
                let expected = Float(Foundation.exp(Double(Float((t * 100 + r) % 13) * Float(t % 3)))) + Float(r)
                if abs(v - expected) > 1e-5 * Swift.max(1, abs(expected)) {
                    failures.add("thread \(t) round \(r): \(v) != \(expected)")
                }
            }
        }
        #expect(failures.all.isEmpty, "\(failures.all.prefix(10))")
    }
}
