import Dispatch
import Foundation
import Synchronization
import Testing
@testable import Tessera

/// Reliability on every available backend, sized for CI; `TESSERA_LONG_TESTS=1` runs the
/// long version (10^6 eager ops instead of 10^5). Resident size is per process and other
/// suites run at the same time, so the memory checks allow growth up to half of what leaking
/// every result would cost (hundreds of MiB), not a fixed few MiB.
@Suite("Reliability", .serialized)
struct ReliabilityTests {
    static var long: Bool { ProcessInfo.processInfo.environment["TESSERA_LONG_TESTS"] == "1" }

    /// The resident set size in bytes, from /proc/self/statm (nil where there is no /proc).
    static func residentBytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    static func floats(_ xs: [Float], on device: Device) -> Tensor { Tensor(xs, shape: [xs.count], dtype: .float32, on: device) }

    @Test("resident memory stays flat over many eager ops (in its own process)", arguments: TestDevices.backendNames)
    func eagerMemoryIsFlat(backend: String) async {
        guard TestDevices.device(backend) != nil else { return }
        await #expect(processExitsWith: .success) { [backend] in try ReliabilityTests.eagerMemoryCheck(backend) }
    }

    @Test("resident memory stays flat over 10^4 jit calls (in its own process)", arguments: TestDevices.backendNames)
    func jitMemoryIsFlat(backend: String) async {
        guard TestDevices.device(backend) != nil else { return }
        await #expect(processExitsWith: .success) { [backend] in try ReliabilityTests.jitMemoryCheck(backend) }
    }

    /// The eager memory check; runs in its own process (an exit test), because other suites
    /// allocate hundreds of MiB concurrently in the test process and make resident size noisy.
    static func eagerMemoryCheck(_ backend: String) throws {
        guard let device = DeviceManager.shared.device(backend: backend) else { return }
        let total = Self.long ? 1_000_000 : 100_000
        // 4 KiB per result: a leaked result per op would grow resident memory by > 300 MiB.
        let x = Self.floats((0..<1024).map(Float.init), on: device)
        var acc = Self.floats(Array(repeating: 0, count: 1024), on: device)
        // Warm up (caches, pools, lazily created queues), then measure the rest.
        let warmup = total / 10
        var baseline = 0
        for i in 0..<total {
            acc = acc + x
            if i % 1000 == 999 {
                acc = acc - x * 1000   // keep values small and exact: acc returns to 0
                acc.blockUntilReady()
            }
            if i == warmup { baseline = Self.residentBytes() ?? 0 }
        }
        let values = try acc.tryAsArray(Float.self)
        if values != Array(repeating: 0, count: 1024) { print("wrong values after the eager loop on \(backend)"); exit(4) }
        if let end = Self.residentBytes() {
            let growth = end - baseline
            print("reliability \(backend): \(total) eager ops, resident \(baseline / 1_048_576) MiB -> \(end / 1_048_576) MiB")
            let leakEveryResult = (total - warmup) * 4096
            if growth >= leakEveryResult / 2 {
                print("resident memory grew by \(growth / 1_048_576) MiB over \(total - warmup) eager ops on \(backend)")
                exit(3)
            }
        }
    }

    /// The jit memory check; runs in its own process (see `eagerMemoryCheck`).
    static func jitMemoryCheck(_ backend: String) throws {
        guard let device = DeviceManager.shared.device(backend: backend) else { return }
        let step = jit({ (a: Tensor, x: Tensor) in tanh(a * 0.5) + x - x.sum() / 16384 }, name: "reliability step")
        // 64 KiB per result: a leaked result per call would grow resident memory by > 500 MiB.
        let x = Self.floats((0..<16384).map { Float($0) / 16384 }, on: device)
        var a = Self.floats(Array(repeating: 0.5, count: 16384), on: device)
        var baseline = 0
        for i in 0..<10_000 {
            a = step(a, x)
            if i % 100 == 99 { a.blockUntilReady() }
            if i == 1000 { baseline = Self.residentBytes() ?? 0 }
        }
        let values = try a.tryAsArray(Float.self)
        if !values.allSatisfy({ $0.isFinite && Swift.abs($0) < 3 }) { print("wrong values after the jit loop on \(backend)"); exit(4) }
        if let end = Self.residentBytes() {
            print("reliability \(backend): 10000 jit calls, resident \(baseline / 1_048_576) MiB -> \(end / 1_048_576) MiB")
            if end - baseline >= 9000 * 65536 / 2 {
                print("resident memory grew by \((end - baseline) / 1_048_576) MiB over 9000 jit calls on \(backend)")
                exit(3)
            }
        }
    }

    @Test("ops dispatched from 8 threads at once give correct results", arguments: TestDevices.backendNames)
    func eightThreads(backend: String) throws {
        guard let device = TestDevices.device(backend) else { return }
        let rounds = Self.long ? 2000 : 200
        let wrong = Mutex<[String]>([])
        let shared = jit({ (x: Tensor, k: Tensor) in x * k + k }, name: "reliability threads")
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            let k = Float(thread + 1)
            let x = ReliabilityTests.floats((0..<100).map(Float.init), on: device)
            let kt = ReliabilityTests.floats([k], on: device)
            for r in 0..<rounds {
                let eager = (x * Tensor(k) + Tensor(k)).sum()
                let compiled = shared(x, Lax.broadcastInDim(Lax.reshape(kt, []), shape: [100], dims: []))
                let expectedSum = k * 4950 + 100 * k
                do {
                    let e = try eager.tryAsArray(Float.self)[0]
                    let c = try compiled.tryAsArray(Float.self)
                    if e != expectedSum { wrong.withLock { $0.append("thread \(thread) round \(r): eager sum \(e), expected \(expectedSum)") } }
                    if c != (0..<100).map({ Float($0) * k + k }) {
                        wrong.withLock { $0.append("thread \(thread) round \(r): jit result wrong") }
                    }
                } catch {
                    wrong.withLock { $0.append("thread \(thread) round \(r): threw \(error)") }
                }
            }
        }
        let failures = wrong.withLock { $0 }
        for f in failures.prefix(10) { Issue.record(Comment(rawValue: "\(backend): \(f)")) }
    }

    @Test("a request larger than the device holds is a TesseraError, and the device still works", arguments: TestDevices.backendNames)
    func outOfMemory(backend: String) throws {
        guard let device = TestDevices.device(backend) else { return }
        // 2^40 float32 elements (4 TiB), more than this machine or any of its devices has.
        let huge = [1 << 20, 1 << 20]
        let scalar = Self.floats([1], on: device)
        let big = Lax.broadcastInDim(Lax.reshape(scalar, []), shape: huge, dims: [])
        #expect(throws: TesseraError.self) { _ = try (big + 1).sum().tryAsArray(Float.self) }
        let after = try (Self.floats([1, 2, 3], on: device) * 2).tryAsArray(Float.self)
        #expect(after == [2, 4, 6])
        let compiled = jit({ (x: Tensor) in x + 1 }, name: "reliability after oom")
        #expect(try compiled(Self.floats([1, 2], on: device)).tryAsArray(Float.self) == [2, 3])
    }
}
