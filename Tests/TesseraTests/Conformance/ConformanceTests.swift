import Foundation
import Testing
@testable import TesseraConformance
@testable import Tessera

/// Runs the conformance suite of `TesseraConformance` (the same checks as
/// `swift run tessera-conformance`) on every backend in `TestDevices.backendNames`:
/// every JAX case (every non-control-flow primitive for every dtype it accepts, with empty
/// tensors, scalars, NaN/Inf, negative zero and integer edge values) compared with the
/// values JAX computed and, off the reference backend, with the reference backend's result;
/// the same cases under `jit`; derived edge cases (transposed, broadcast and large
/// operands); cond/while/scan; gradient and vmap checks. A backend without a device prints "skipped: no
/// device"; cases using a dtype the device does not support are counted as unsupported.
/// `TESSERA_CONFORMANCE_FILTER=<text>` restricts the run to cases whose name contains it.
///
/// Tolerances are documented in `ConformanceTolerance`.
@Suite("Conformance")
struct ConformanceTests {
    static var filter: String? { ProcessInfo.processInfo.environment["TESSERA_CONFORMANCE_FILTER"] }

    static var cases: [ConformanceCase] {
        ConformanceCase.all.filter { c in filter.map { c.name.contains($0) } ?? true }
    }

    /// The documented device deviation (`ConformanceDeviations`) that explains a failing
    /// result, checked against the case's own values, or nil.
    static func documentedDeviation(_ r: CheckResult, backend: String) -> String? {
        let name = r.name.split(separator: ":").last.map(String.init) ?? r.name
        guard let c = ConformanceCase.all.first(where: { $0.name == name }),
              let reason = ConformanceDeviations.reason(backend: backend, c) else { return nil }
        return reason
    }

    /// Records failing results as issues (documented device deviations as known issues).
    static func record(_ results: [CheckResult], backend: String, part: String) {
        let failures = results.filter { $0.status == .fail }
        let unsupported = results.filter { $0.status == .unsupported }.count
        print("conformance \(part) on \(backend): \(results.count - unsupported) of \(results.count) checks run, \(failures.count) failing, \(unsupported) unsupported")
        var shown = 0
        for r in failures {
            let text = "\(backend) \(r.mode.rawValue): " + r.messages.joined(separator: "; ")
            if let why = documentedDeviation(r, backend: backend) {
                print("conformance \(part) on \(backend): known deviation: \(text) [\(why)]")
                withKnownIssue(Comment(rawValue: why)) { Issue.record(Comment(rawValue: text)) }
                continue
            }
            shown += 1
            if shown <= 60 { Issue.record(Comment(rawValue: text)) }
        }
        if shown > 60 { Issue.record(Comment(rawValue: "\(backend) \(part): ... and \(shown - 60) more failures")) }
    }

    @Test("every primitive for every dtype matches jax.lax (eager)", arguments: TestDevices.backendNames)
    func everyCaseEager(backend: String) throws {
        guard let device = TestDevices.device(backend) else { return }
        #expect(ConformanceCase.all.count > 1000, "the conformance data file looks truncated")
        Self.record(ConformanceRunner.run(Self.cases, on: device, modes: [.eager]), backend: backend, part: "eager")
    }

    @Test("every primitive for every dtype matches jax.lax under jit", arguments: TestDevices.backendNames)
    func everyCaseJit(backend: String) throws {
        guard let device = TestDevices.device(backend) else { return }
        Self.record(ConformanceRunner.run(Self.cases, on: device, modes: [.jit]), backend: backend, part: "jit")
    }

    @Test("transposed, broadcast and large operands match the reference backend", arguments: TestDevices.backendNames)
    func edgeCases(backend: String) throws {
        guard let device = TestDevices.device(backend) else { return }
        let results = EdgeCaseChecks.run(Self.cases, on: device)
        if Self.filter == nil { #expect(results.count > 500, "too few derived edge cases: \(results.count)") }
        Self.record(results, backend: backend, part: "edge cases")
    }

    @Test("cond, while and scan match the reference backend, eager and under jit", arguments: TestDevices.backendNames)
    func controlFlow(backend: String) throws {
        guard let device = TestDevices.device(backend) else { return }
        let results = ControlFlowChecks.run(on: device)
        #expect(results.count == 2 * ControlFlowChecks.programs.count)
        Self.record(results, backend: backend, part: "control flow")
    }

    @Test("gradients match finite differences and vmap matches a loop", arguments: TestDevices.backendNames)
    func transforms(backend: String) throws {
        guard let device = TestDevices.device(backend) else { return }
        let results = TransformChecks.run(on: device)
        #expect(results.count == 2 * (TransformChecks.functions.count + 2))
        Self.record(results, backend: backend, part: "grad/vmap")
    }
}

/// The case type under its old in-test name (the cases now live in `TesseraConformance`).
typealias ConformanceCase = TesseraConformance.ConformanceCase

extension ConformanceTests {
    /// Runs one case eagerly on `device` (kept for per-backend suites written against the
    /// earlier in-test runner).
    static func run(_ c: ConformanceCase, on device: Device) throws -> [HostTensor] {
        try ConformanceRunner.run(c, on: device, mode: .eager)
    }

    /// Descriptions of every disagreement between `actual` and `expected` (first element per output).
    static func mismatches(_ c: ConformanceCase, actual: [HostTensor], expected: [HostTensor], against: String) -> [String] {
        OutputComparison(name: c.name, actual: actual, expected: expected, against: against, inputs: c.inputs,
                         tolerance: { ConformanceTolerance.of(c.primitive, dtype: $0) }).messages
    }
}
