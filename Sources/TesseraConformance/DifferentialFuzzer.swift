import Foundation
import Tessera

extension FuzzProgram {
    /// The program generated from `seed` (the same seed always gives the same program).
    public init(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let dims = [0, 1, 2, 3, 4, 5, 7]
        // A zero-size dimension about one time in forty, else 1...7.
        func dim() -> Int { Int.random(in: 0..<40, using: &rng) == 0 ? 0 : dims[Int.random(in: 1..<dims.count, using: &rng)] }
        let m = dim(), n = dim()
        var types: [ShapedType] = []
        var inputs: [HostTensor] = []
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            let shape = [[m, n], [m, n], [n], [m, 1], [], [1, n]][Int.random(in: 0..<6, using: &rng)]
            let dtype: DType = Int.random(in: 0..<4, using: &rng) == 0 ? .int32 : .float32
            let count = shape.reduce(1, *)
            var bytes: [UInt8] = []
            for _ in 0..<count {
                if dtype == .float32 {
                    let x = Float(Int.random(in: -2000...2000, using: &rng)) / 1000
                    withUnsafeBytes(of: x) { bytes.append(contentsOf: $0) }
                } else {
                    let x = Int32.random(in: -20...20, using: &rng)
                    withUnsafeBytes(of: x) { bytes.append(contentsOf: $0) }
                }
            }
            let type = ShapedType(shape, dtype)
            inputs.append(HostTensor(type: type, bytes: bytes))
            types.append(type)
        }
        var steps: [FuzzStep] = []
        let stepCount = Int.random(in: 2...10, using: &rng)
        var attempts = 0
        while steps.count < stepCount && attempts < 200 {
            attempts += 1
            let a = Int.random(in: 0..<types.count, using: &rng)
            // Prefer recent values so chains form.
            let recent = Swift.max(0, types.count - 1 - Int.random(in: 0..<3, using: &rng))
            let x = Bool.random(using: &rng) ? recent : a
            let t = types[x]
            let isFloat = t.dtype == .float32
            var step: FuzzStep?
            switch Int.random(in: 0..<12, using: &rng) {
            case 0, 1:
                let f = FuzzUnary.allCases[Int.random(in: 0..<FuzzUnary.allCases.count, using: &rng)]
                if isFloat || f.acceptsIntegers { step = .unary(f, x) }
            case 2, 3:
                let ops: [BinaryOp] = [.add, .sub, .mul, .max, .min]
                let candidates = types.indices.filter { types[$0].dtype == t.dtype && FuzzProgram.broadcastShape(t.shape, types[$0].shape) != nil }
                if let y = candidates.randomElement(using: &rng) { step = .binary(ops[Int.random(in: 0..<ops.count, using: &rng)], x, y) }
            case 4:
                let candidates = types.indices.filter { types[$0].dtype == t.dtype && FuzzProgram.broadcastShape(t.shape, types[$0].shape) != nil }
                if let y = candidates.randomElement(using: &rng) { step = .selectGreater(x, y) }
            case 5:
                if t.rank >= 1 {
                    let ops: [ReduceOp] = isFloat ? [.sum, .max, .min] : [.sum, .max, .min]
                    step = .reduce(ops[Int.random(in: 0..<ops.count, using: &rng)], x, axis: Int.random(in: 0..<t.rank, using: &rng))
                }
            case 6:
                if t.rank == 2 {
                    let k = t.shape[1]
                    let candidates = types.indices.filter { types[$0].rank == 2 && types[$0].dtype == t.dtype && types[$0].shape[0] == k }
                    if let y = candidates.randomElement(using: &rng) { step = .matmul(x, y) }
                }
            case 7:
                if t.rank >= 1 && t.shape.allSatisfy({ $0 >= 1 }) {
                    let start = t.shape.map { Int.random(in: 0..<$0, using: &rng) }
                    let limit = zip(start, t.shape).map { Int.random(in: ($0 + 1)...$1, using: &rng) }
                    let strides = t.shape.map { _ in Int.random(in: 1...2, using: &rng) }
                    step = .slice(x, start: start, limit: limit, strides: strides)
                }
            case 8:
                if t.rank == 2 { step = .transpose(x) } else if t.rank >= 1 { step = .flatten(x) }
            case 9:
                if !isFloat { step = .toFloat(x) }
            case 10:
                step = .cond(x)
            default:
                if t.rank >= 1 && t.shape[0] >= 1 { step = .scan(x) }
            }
            guard let step else { continue }
            let out = FuzzProgram.resultType(step, types)
            steps.append(step)
            types.append(out)
        }
        let last = types.count - 1
        let other = Int.random(in: 0..<types.count, using: &rng)
        var outputs = other == last ? [last] : [last, other]
        // The newer families come from a second stream, so every program of the first
        // generator is still the prefix of the program of the same seed.
        let extended = FuzzExtension.steps(seed: seed, from: last, types: &types)
        steps += extended
        if !extended.isEmpty { outputs.append(types.count - 1) }
        self.init(seed: seed, inputs: inputs, steps: steps, outputs: outputs)
    }

    /// The type a step produces (the generator tracks types to pick well-typed operands).
    static func resultType(_ step: FuzzStep, _ types: [ShapedType]) -> ShapedType {
        switch step {
        case .unary(_, let a), .cond(let a), .scan(let a): return types[a]
        case .binary(_, let a, let b), .selectGreater(let a, let b):
            return ShapedType(broadcastShape(types[a].shape, types[b].shape)!, types[a].dtype)
        case .reduce(_, let a, let axis):
            var s = types[a].shape
            s.remove(at: axis)
            return ShapedType(s, types[a].dtype)
        case .matmul(let a, let b): return ShapedType([types[a].shape[0], types[b].shape[1]], types[a].dtype)
        case .slice(let a, let s, let l, let st):
            return ShapedType(zip(zip(s, l), st).map { ($0.1 - $0.0 + $1 - 1) / $1 }, types[a].dtype)
        case .transpose(let a): return ShapedType(types[a].shape.reversed(), types[a].dtype)
        case .flatten(let a): return ShapedType([types[a].count], types[a].dtype)
        case .toFloat(let a): return ShapedType(types[a].shape, .float32)
        case .cumulative, .sort, .take, .scatterAdd, .whileLoop, .conv1d, .toFloat64:
            return FuzzExtension.resultType(step, types)
        }
    }
}

/// Runs fuzz programs under `jit` on each backend and compares with the reference backend's
/// eager evaluation.
public enum DifferentialFuzzer {
    /// A mismatch: the program, its seed and jaxpr, and what differed.
    public struct Failure: Sendable, CustomStringConvertible {
        /// The backend that disagreed.
        public var backend: String
        /// The program's seed.
        public var seed: UInt64
        /// What differed.
        public var message: String
        /// The program as a jaxpr (makeJaxpr) and as steps.
        public var program: String

        /// Backend, seed, what differed, and the program.
        public var description: String { "\(backend): seed \(seed): \(message)\n\(program)" }
    }

    /// The outcome of a fuzz run.
    public struct Report: Sendable {
        /// Programs generated.
        public var programs = 0
        /// Program runs compared, per backend.
        public var comparisons: [String: Int] = [:]
        /// Mismatches.
        public var failures: [Failure] = []
    }

    /// Seeds `seed`, `seed + 1`, ... `seed + count - 1`, each run on every device in `devices`.
    /// `announce` receives each seed before its program runs (to name the program of a crash).
    /// `failed` receives each mismatch as it is found (a later crash does not lose it).
    public static func run(count: Int, seed: UInt64, on devices: [Device], progress: (String) -> Void = { _ in },
                           announce: (UInt64) -> Void = { _ in }, failed: (Failure) -> Void = { _ in }) -> Report {
        var report = Report()
        let reference = ConformanceRunner.reference
        for i in 0..<count {
            let s = seed &+ UInt64(i)
            announce(s)
            let before = report.failures.count
            defer { report.failures[before...].forEach(failed) }
            let program = FuzzProgram(seed: s)
            report.programs += 1
            let expected: [HostTensor]
            do {
                expected = try program.evaluate(program.inputs.map { $0.tensor(on: reference) }).map { try HostTensor($0) }
            } catch {
                report.failures.append(Failure(backend: "reference", seed: s, message: "eager evaluation threw \(error)", program: describe(program)))
                continue
            }
            for device in devices {
                report.comparisons[device.backend.name, default: 0] += 1
                do {
                    let f = jit({ (xs: [Tensor]) -> [Tensor] in program.evaluate(xs) }, name: "fuzz seed \(s)")
                    let actual = try f(program.inputs.map { $0.tensor(on: device) }).map { try HostTensor($0) }
                    if let message = mismatch(actual, expected) {
                        report.failures.append(Failure(backend: device.backend.name, seed: s, message: message, program: describe(program)))
                    }
                } catch {
                    report.failures.append(Failure(backend: device.backend.name, seed: s, message: "jit threw \(error)", program: describe(program)))
                }
            }
            if (i + 1) % 500 == 0 { progress("fuzz: \(i + 1) of \(count) programs, \(report.failures.count) mismatches") }
        }
        return report
    }

    /// The program's steps and its jaxpr.
    public static func describe(_ program: FuzzProgram) -> String {
        let jaxpr = makeJaxpr({ (xs: [Tensor]) -> [Tensor] in program.evaluate(xs) }, name: "fuzz")(
            program.inputs.map { $0.tensor(on: ConformanceRunner.reference) })
        return "\(program)\n\(jaxpr)"
    }

    /// A description of how `actual` differs from `expected`, or nil. Integers are exact;
    /// floats within 1e-4 of the output's largest finite magnitude (at least 1), with NaN
    /// and infinities matching exactly.
    static func mismatch(_ actual: [HostTensor], _ expected: [HostTensor]) -> String? {
        if actual.count != expected.count { return "\(actual.count) outputs, expected \(expected.count)" }
        for (k, (a, e)) in zip(actual, expected).enumerated() {
            if a.type != e.type { return "output \(k) is \(a.type), reference \(e.type)" }
            if !e.type.dtype.isFloatingPoint {
                if a.bytes != e.bytes { return "output \(k) differs (integers must match exactly)" }
                continue
            }
            var scale = 1.0
            for i in 0..<e.type.count where e.double(at: i).isFinite { scale = Swift.max(scale, Swift.abs(e.double(at: i))) }
            for i in 0..<e.type.count {
                let x = a.double(at: i), y = e.double(at: i)
                let ok = (x.isNaN || y.isNaN || x.isInfinite || y.isInfinite)
                    ? (x.isNaN && y.isNaN) || x == y
                    : Swift.abs(x - y) <= 1e-4 * scale
                if !ok { return "output \(k)[\(i)]: jit gives \(x), reference eager \(y)" }
            }
        }
        return nil
    }
}
