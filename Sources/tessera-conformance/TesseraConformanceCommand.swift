import ArgumentParser
import Foundation
import Tessera
import TesseraConformance

/// `tessera-conformance`: the cross-backend conformance matrix, differential fuzzing and
/// the Tessera side of `Benchmarks/compare_peers.py`.
@main
struct TesseraConformanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tessera-conformance",
        abstract: "Check that every Tessera backend computes what JAX and the reference backend compute.",
        discussion: """
        Without --fuzz or --bench: runs every conformance case (every primitive and dtype, from \
        jax.lax), derived edge cases (transposed, broadcast, large operands), cond/while/scan and gradient/vmap \
        checks, eagerly and under jit, and prints a primitive x dtype x backend matrix. Cells show \
        pass (with the worst float error in ULPs), FAIL (failing/total checks) or unsup (dtype not \
        supported by the device). Tolerances: exact for integers, bools, movement ops and correctly \
        rounded IEEE ops; 4 ULP for transcendental functions (16 for erf_inv); relative 2e-6 \
        (float32; 1e-14 float64) for sums, products, dot_general, conv_general_dilated, the linalg \
        decompositions (qr/eigh/svd vectors compared after sign normalisation) and lgamma/digamma. --fuzz N runs random \
        programs under jit on each backend against the reference backend's eager result; a \
        mismatch prints the seed and the program as a jaxpr.
        """)

    @Option(name: .customLong("backend"), help: "A backend to run (repeatable; default: every registered backend).")
    var backends: [String] = []

    @Option(help: "Only run checks whose name contains this text (e.g. 'gather', 'float16').")
    var filter: String?

    @Option(help: "Write every check's result as JSON to this path.")
    var json: String?

    @Option(help: "Run N differential fuzz programs (jit on each backend vs eager on the reference) instead of the matrix.")
    var fuzz: Int?

    @Option(help: "The first fuzz seed (programs use seed, seed+1, ...).")
    var seed: UInt64 = 1

    @Flag(help: "Print the fuzz program of --seed (steps and jaxpr) without running it.")
    var showProgram = false

    @Flag(help: "Time the peer-comparison workloads and print JSON timings (for Benchmarks/compare_peers.py).")
    var bench = false

    @Option(help: "Polynomial sizes for --bench, comma-separated.")
    var polynomialSizes: String = "1000,10000,100000,1000000"

    @Option(help: "Matmul sizes for --bench, comma-separated.")
    var matmulSizes: String = "256,512"

    @Flag(help: "Run the long reliability loops on each backend (memory over --eager-ops eager ops and --jit-calls jit calls, --threads threads at once) instead of the matrix.")
    var reliability = false

    @Option(help: "Eager ops for --reliability.")
    var eagerOps: Int = 1_000_000

    @Option(help: "Jit calls for --reliability.")
    var jitCalls: Int = 10_000

    @Option(help: "Threads for --reliability.")
    var threads: Int = 8

    @Option(help: "Rounds per thread for --reliability.")
    var rounds: Int = 2000

    @Flag(help: "Print every failing check's messages (default: the first 40); with --fuzz, each seed before it runs.")
    var verbose = false

    func devices() throws -> [Device] {
        let names = backends.isEmpty ? ConformanceSuite.backendNames : backends
        var out: [Device] = []
        for name in names {
            switch ConformanceSuite.device(name) {
            case .success(let d): out.append(d)
            case .failure(let skip):
                if !backends.isEmpty && !ConformanceSuite.backendNames.contains(name) {
                    throw ValidationError("unknown backend \(name); registered: \(ConformanceSuite.backendNames.joined(separator: ", "))")
                }
                log("skipped: no device (\(name): \(skip.reason))")
            }
        }
        return out
    }

    func log(_ s: String) { FileHandle.standardError.write((s + "\n").data(using: .utf8)!) }

    func run() throws {
        if bench {
            let ints = { (s: String) in s.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }
            var timings: [PeerBenchmarks.Timing] = []
            for device in try devices() {
                timings += PeerBenchmarks.run(on: device, polynomialSizes: ints(polynomialSizes), matmulSizes: ints(matmulSizes),
                                              progress: log)
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(timings), as: UTF8.self))
            return
        }
        if reliability {
            var failed = false
            for device in try devices() {
                for outcome in ReliabilityRun.run(on: device, eagerOps: eagerOps, jitCalls: jitCalls, threads: threads, rounds: rounds) {
                    print(outcome)
                    failed = failed || !outcome.passed
                }
            }
            if failed { throw ExitCode.failure }
            return
        }
        if showProgram {
            print(DifferentialFuzzer.describe(FuzzProgram(seed: seed)))
            return
        }
        if let fuzz {
            let devices = try devices()
            let start = Date()
            let report = DifferentialFuzzer.run(count: fuzz, seed: seed, on: devices, progress: log,
                                                announce: { verbose ? log("fuzz seed \($0)") : () },
                                                failed: { FileHandle.standardOutput.write(("MISMATCH \($0)\n\n").data(using: .utf8)!) })
            let per = report.comparisons.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            print(String(format: "fuzz: %d programs from seed %llu (%@) in %.1f s: %d mismatches",
                         report.programs, seed, per, Date().timeIntervalSince(start), report.failures.count))
            if !report.failures.isEmpty { throw ExitCode.failure }
            return
        }
        let report = ConformanceSuite.run(backends: backends, filter: filter, progress: log)
        print(ConformanceMatrix(report.results).text)
        let failures = report.results.filter { $0.status == .fail }
        let counts = Dictionary(grouping: report.results, by: \.status).mapValues(\.count)
        print("\n\(report.results.count) checks: \(counts[.pass] ?? 0) pass, \(failures.count) FAIL, \(counts[.unsupported] ?? 0) unsupported")
        for (name, why) in report.skippedBackends.sorted(by: { $0.key < $1.key }) { print("skipped: no device (\(name): \(why))") }
        for r in verbose ? failures : Array(failures.prefix(40)) {
            for m in r.messages { print("FAIL [\(r.backend) \(r.mode.rawValue)] \(m)") }
        }
        if !verbose && failures.count > 40 { print("... and \(failures.count - 40) more failing checks (--verbose)") }
        if let json { try ConformanceSuite.writeJSON(report, to: json) }
        if report.hasFailures { throw ExitCode.failure }
    }
}
