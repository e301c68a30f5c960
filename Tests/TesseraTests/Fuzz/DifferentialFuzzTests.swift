import Foundation
import Testing
@testable import TesseraConformance
@testable import Tessera

/// Differential fuzzing in `make test`: random well-typed programs (elementwise chains,
/// broadcasts, reductions, matmuls, slices, transposes, cond, scan, and from `FuzzExtension`
/// cumulative ops, sort, gather, scatter-add, while loops, conv1d, float64) run under `jit` on every
/// available backend and compared with the reference backend's eager evaluation.
/// 200 programs by default; `TESSERA_FUZZ_PROGRAMS=N` (or `TESSERA_LONG_TESTS=1`, 10,000)
/// runs more, `TESSERA_FUZZ_SEED=S` starts elsewhere. The same run from the command line:
/// `swift run tessera-conformance --fuzz 10000 --seed 1`.
@Suite("Differential fuzzing")
struct DifferentialFuzzTests {
    static var environment: [String: String] { ProcessInfo.processInfo.environment }
    static var programCount: Int {
        if let n = environment["TESSERA_FUZZ_PROGRAMS"].flatMap(Int.init) { return n }
        return environment["TESSERA_LONG_TESTS"] == "1" ? 10_000 : 200
    }
    static var seed: UInt64 { environment["TESSERA_FUZZ_SEED"].flatMap(UInt64.init) ?? 1 }

    @Test("jit on every backend agrees with the reference backend's eager evaluation")
    func jitAgreesWithReference() {
        let devices = TestDevices.backendNames.compactMap(TestDevices.device)
        let report = DifferentialFuzzer.run(count: Self.programCount, seed: Self.seed, on: devices)
        print("fuzz: \(report.programs) programs from seed \(Self.seed), comparisons \(report.comparisons), \(report.failures.count) mismatches")
        #expect(report.programs == Self.programCount)
        for f in report.failures.prefix(10) { Issue.record(Comment(rawValue: f.description)) }
    }

    @Test("a seed always generates the same program, and programs vary")
    func reproducible() {
        let a = FuzzProgram(seed: 42), b = FuzzProgram(seed: 42)
        #expect(a.description == b.description)
        #expect(a.inputs.map(\.bytes) == b.inputs.map(\.bytes))
        let distinct = Set((0..<50).map { FuzzProgram(seed: UInt64($0)).description })
        #expect(distinct.count > 45)
    }

    @Test("the generator covers every kind of step")
    func coverage() {
        var kinds = Set<String>()
        for s in 0..<400 {
            for step in FuzzProgram(seed: UInt64(s)).steps {
                kinds.insert(String(step.description.prefix { $0 != "(" }))
            }
        }
        for kind in ["matmul", "cond", "scan", "slice", "transpose", "select", "reduce_sum", "add", "tanh", "float32",
                     "cumsum", "cummax", "sort", "take", "scatter_add", "while", "conv1d", "float64"] {
            #expect(kinds.contains(kind), "no fuzz program in 400 seeds uses \(kind)")
        }
    }

    @Test("the newer families extend a seed's first-generator program without changing it")
    func extensionKeepsThePrefix() {
        var extended = 0
        for s in UInt64(0)..<200 {
            let p = FuzzProgram(seed: s)
            var types = p.inputs.map(\.type)
            let base = p.steps.prefix { step in
                switch step {
                case .cumulative, .sort, .take, .scatterAdd, .whileLoop, .conv1d, .toFloat64: return false
                case .unary, .binary, .selectGreater, .reduce, .matmul, .slice, .transpose, .flatten, .toFloat, .cond, .scan: return true
                }
            }
            for step in base { types.append(FuzzProgram.resultType(step, types)) }
            // The extension is regenerated from the same second stream on the first generator's last value.
            let again = FuzzExtension.steps(seed: s, from: types.count - 1, types: &types)
            #expect(again.map(\.description) == p.steps.dropFirst(base.count).map(\.description), "seed \(s)")
            if !again.isEmpty { extended += 1 }
        }
        #expect(extended > 100)
        // Seed 11 as the first generator printed it (before FuzzExtension): still its prefix.
        let firstGenerator = [
            "fuzz program (seed 11):", "  v0: input i32[2,1]", "  v1 = scan(v0)", "  v2 = cond(v1 predicate, v*2, v-1)",
            "  v3 = float32(v0)", "  v4 = scan(v3)", "  v5 = cond(v4 predicate, v*2, v-1)",
            "  v6 = slice(v3, [0, 0], [1, 1], [2, 1])", "  v7 = transpose(v4)", "  v8 = select(v7 > v6, v7, v6)",
            "  v9 = cos(v7)", "  v10 = matmul(v7, v5)",
        ]
        let lines = FuzzProgram(seed: 11).description.split(separator: "\n").map(String.init)
        #expect(Array(lines.prefix(firstGenerator.count)) == firstGenerator)
        #expect(lines.last?.hasPrefix("  return v10, v7") == true)
    }

    @Test("the comparison catches a wrong value and a failure prints the seed and the jaxpr")
    func mismatchIsReported() throws {
        let t = ShapedType([2], .float32)
        func host(_ xs: [Float]) -> HostTensor { HostTensor(type: t, bytes: xs.flatMap { x in withUnsafeBytes(of: x) { Array($0) } }) }
        #expect(DifferentialFuzzer.mismatch([host([1, 2])], [host([1, 2])]) == nil)
        #expect(DifferentialFuzzer.mismatch([host([1, 2.01])], [host([1, 2])]) != nil)
        #expect(DifferentialFuzzer.mismatch([host([.nan, 2])], [host([1, 2])]) != nil)
        let program = FuzzProgram(seed: 7)
        let text = DifferentialFuzzer.describe(program)
        #expect(text.contains("seed 7"))
        #expect(text.contains("lambda"))
    }
}
