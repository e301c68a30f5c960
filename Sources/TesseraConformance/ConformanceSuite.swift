import Foundation
import Tessera

/// The whole conformance suite on a set of backends: the JSON cases, the derived edge
/// cases, control flow (cond, while, scan), and the gradient and vmap checks, each eager and under `jit`.
///
/// ```swift
/// let report = ConformanceSuite.run(backends: ["reference"], filter: "add")
/// print(ConformanceMatrix(report.results).text)
/// ```
public enum ConformanceSuite {
    /// What a run produced.
    public struct Report: Sendable, Codable {
        /// Every check's result.
        public var results: [CheckResult]
        /// Backends that were asked for but have no device, with the reason.
        public var skippedBackends: [String: String]

        /// Whether any check failed.
        public var hasFailures: Bool { results.contains { $0.status == .fail } }
    }

    /// The names of every registered backend, reference first.
    public static var backendNames: [String] {
        let names = DeviceManager.shared.backends.map(\.name)
        return names.filter { $0 == "reference" } + names.filter { $0 != "reference" }
    }

    /// The first device of a backend, or the reason it has none.
    public static func device(_ backend: String) -> Result<Device, ConformanceSkip> {
        if let d = DeviceManager.shared.device(backend: backend) { return .success(d) }
        guard let b = DeviceManager.shared.backends.first(where: { $0.name == backend }) else {
            return .failure(ConformanceSkip(reason: "backend not built in"))
        }
        if case .unavailable(let why) = b.availability { return .failure(ConformanceSkip(reason: why)) }
        return .failure(ConformanceSkip(reason: "no device"))
    }

    /// Runs the suite on `backends` (all registered ones when empty); `filter` keeps the
    /// checks whose name contains it; `progress` receives one line per backend and part.
    public static func run(backends: [String] = [], filter: String? = nil, modes: [ExecutionMode] = ExecutionMode.allCases,
                           progress: (String) -> Void = { _ in }) -> Report {
        var report = Report(results: [], skippedBackends: [:])
        let cases = ConformanceCase.all.filter { c in filter.map { c.name.contains($0) } ?? true }
        for name in backends.isEmpty ? backendNames : backends {
            let device: Device
            switch self.device(name) {
            case .success(let d): device = d
            case .failure(let skip):
                report.skippedBackends[name] = skip.reason
                progress("skipped: no device (\(name): \(skip.reason))")
                continue
            }
            let start = Date()
            report.results += ConformanceRunner.run(cases, on: device, modes: modes)
            progress("\(name): \(cases.count) JAX cases x \(modes.count) modes in \(seconds(start))")
            let edgeStart = Date()
            let edges = EdgeCaseChecks.run(cases, on: device, modes: modes)
            report.results += edges
            progress("\(name): \(edges.count) derived edge-case checks (transposed, broadcast, large) in \(seconds(edgeStart))")
            let transforms = (ControlFlowChecks.run(on: device, modes: modes) + TransformChecks.run(on: device, modes: modes)).filter { r in
                filter.map { r.name.contains($0) || r.primitive.contains($0) } ?? true
            }
            report.results += transforms
            if !transforms.isEmpty { progress("\(name): \(transforms.count) control-flow, gradient and vmap checks") }
        }
        return report
    }

    static func seconds(_ start: Date) -> String { String(format: "%.1f s", Date().timeIntervalSince(start)) }

    /// Writes the report as JSON (infinite ULP errors as the string "inf").
    public static func writeJSON(_ report: Report, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        try encoder.encode(report).write(to: URL(fileURLWithPath: path))
    }
}

/// Why a backend was not run.
public struct ConformanceSkip: Error, Sendable {
    /// The backend's stated reason.
    public let reason: String
}
