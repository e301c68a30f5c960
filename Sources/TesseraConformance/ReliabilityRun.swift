import Dispatch
import Foundation
import Synchronization
import Tessera

/// The long reliability run of `tessera-conformance --reliability` (the same loops as
/// `Tests/TesseraTests/Reliability`, at full size and in a release build): resident memory
/// over many eager ops and jit calls, and ops dispatched from several threads at once.
///
/// ```swift
/// for line in ReliabilityRun.run(on: device, eagerOps: 1_000_000, jitCalls: 10_000, threads: 8, rounds: 2000) { print(line) }
/// ```
public enum ReliabilityRun {
    /// One measured part on one backend.
    public struct Outcome: Sendable, CustomStringConvertible {
        /// `eager`, `jit` or `threads`.
        public var part: String
        /// The backend's name.
        public var backend: String
        /// Whether values were right and memory stayed within the bound.
        public var passed: Bool
        /// What was measured.
        public var detail: String

        /// `PASS reference eager: ...`.
        public var description: String { "\(passed ? "PASS" : "FAIL") \(backend) \(part): \(detail)" }
    }

    /// The resident set size in bytes, from /proc/self/statm (nil where there is no /proc).
    public static func residentBytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    static func floats(_ xs: [Float], on device: Device) -> Tensor { Tensor(xs, shape: [xs.count], dtype: .float32, on: device) }

    static func mib(_ b: Int) -> String { String(format: "%.1f MiB", Double(b) / 1_048_576) }

    /// `eagerOps` eager adds of 4 KiB tensors: values exact, resident growth after a 10 %
    /// warm-up below half of what leaking every result would cost.
    public static func eagerMemory(on device: Device, ops: Int) -> Outcome {
        let x = floats((0..<1024).map(Float.init), on: device)
        var acc = floats(Array(repeating: 0, count: 1024), on: device)
        let warmup = ops / 10
        var baseline = 0
        let start = Date()
        for i in 0..<ops {
            acc = acc + x
            if i % 1000 == 999 {
                acc = acc - x * 1000
                acc.blockUntilReady()
            }
            if i == warmup { baseline = residentBytes() ?? 0 }
        }
        let values = (try? acc.tryAsArray(Float.self)) ?? []
        let end = residentBytes() ?? 0
        let seconds = Date().timeIntervalSince(start)
        let ok = values == Array(repeating: 0, count: 1024) && end - baseline < (ops - warmup) * 4096 / 2
        return Outcome(part: "eager", backend: device.backend.name, passed: ok,
                       detail: String(format: "%d ops in %.1f s, resident %@ -> %@ (growth %@)", ops, seconds, mib(baseline), mib(end),
                                      mib(end - baseline)) + (values.count == 1024 ? "" : "; values unreadable"))
    }

    /// `calls` calls of a jitted step on 64 KiB tensors, resident growth after 10 %.
    public static func jitMemory(on device: Device, calls: Int) -> Outcome {
        let step = jit({ (a: Tensor, x: Tensor) in tanh(a * 0.5) + x - x.sum() / 16384 }, name: "reliability run step")
        let x = floats((0..<16384).map { Float($0) / 16384 }, on: device)
        var a = floats(Array(repeating: 0.5, count: 16384), on: device)
        var baseline = 0
        let start = Date()
        for i in 0..<calls {
            a = step(a, x)
            if i % 100 == 99 { a.blockUntilReady() }
            if i == calls / 10 { baseline = residentBytes() ?? 0 }
        }
        let values = (try? a.tryAsArray(Float.self)) ?? []
        let end = residentBytes() ?? 0
        let ok = values.count == 16384 && values.allSatisfy { $0.isFinite && Swift.abs($0) < 3 }
            && end - baseline < (calls - calls / 10) * 65536 / 2
        return Outcome(part: "jit", backend: device.backend.name, passed: ok,
                       detail: String(format: "%d calls in %.1f s, resident %@ -> %@ (growth %@)", calls, Date().timeIntervalSince(start),
                                      mib(baseline), mib(end), mib(end - baseline)))
    }

    /// `threads` threads, each `rounds` rounds of an eager chain and a shared jitted function, checked exactly.
    public static func threadedOps(on device: Device, threads: Int, rounds: Int) -> Outcome {
        let wrong = Mutex<[String]>([])
        let shared = jit({ (x: Tensor, k: Tensor) in x * k + k }, name: "reliability run threads")
        let start = Date()
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            let k = Float(thread + 1)
            let x = floats((0..<100).map(Float.init), on: device)
            let kt = floats([k], on: device)
            for r in 0..<rounds {
                let eager = (x * Tensor(k) + Tensor(k)).sum()
                let compiled = shared(x, Lax.broadcastInDim(Lax.reshape(kt, []), shape: [100], dims: []))
                do {
                    let e = try eager.tryAsArray(Float.self)[0]
                    let c = try compiled.tryAsArray(Float.self)
                    if e != k * 4950 + 100 * k || c != (0..<100).map({ Float($0) * k + k }) {
                        wrong.withLock { $0.append("thread \(thread) round \(r): wrong value") }
                    }
                } catch {
                    wrong.withLock { $0.append("thread \(thread) round \(r): threw \(error)") }
                }
            }
        }
        let failures = wrong.withLock { $0 }
        return Outcome(part: "threads", backend: device.backend.name, passed: failures.isEmpty,
                       detail: String(format: "%d threads x %d rounds in %.1f s, %d wrong", threads, rounds,
                                      Date().timeIntervalSince(start), failures.count)
                           + (failures.first.map { " (first: \($0))" } ?? ""))
    }

    /// All three parts on `device`.
    public static func run(on device: Device, eagerOps: Int, jitCalls: Int, threads count: Int, rounds: Int) -> [Outcome] {
        [eagerMemory(on: device, ops: eagerOps), jitMemory(on: device, calls: jitCalls), threadedOps(on: device, threads: count, rounds: rounds)]
    }
}
