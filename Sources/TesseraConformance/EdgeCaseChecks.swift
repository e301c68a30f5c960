import Foundation
import Tessera

/// Edge cases derived from the elementwise conformance cases and compared with the reference
/// backend's eager result: operands read through a transpose (non-contiguous), operands of
/// shape [37, 1] and [1, 53] broadcast to [37, 53], and large operands (2^18 elements). The
/// operand values are the JAX case's values tiled, so they stay in the op's domain.
public enum EdgeCaseChecks {
    /// The kinds of derived program.
    public enum Variant: String, CaseIterable, Sendable {
        /// Inputs of shape [53, 37] transposed before the op.
        case transposed
        /// Inputs [37, 1] and [1, 53] broadcast to [37, 53].
        case broadcast
        /// Inputs of 2^18 elements (float32 and int32 cases only).
        case large
    }

    /// The base cases: full-size elementwise cases (unary, binary, compare, select).
    public static func baseCases(_ cases: [ConformanceCase]) -> [ConformanceCase] {
        cases.filter { c in
            guard c.name.split(separator: "/").count == 2, !c.inputs.isEmpty,
                  c.inputs.allSatisfy({ $0.type.count > 1 }) else { return false }
            switch c.primitive {
            case .unary, .binary, .compare, .select: return true
            case .convertElementType, .bitcastConvertType, .iota, .broadcastInDim, .reshape, .transpose, .slice,
                 .dynamicSlice, .dynamicUpdateSlice, .pad, .concatenate, .rev, .gather, .scatter, .reduce, .argReduce,
                 .cumulative, .sort, .dotGeneral, .threefry2x32, .stopGradient, .cond, .whileLoop, .scan, .collective,
                 .convGeneralDilated, .linalg:
                return false
            }
        }
    }

    /// Tiles `t`'s elements cyclically (starting at `offset`) into `count` elements of shape `shape`.
    static func tiled(_ t: HostTensor, shape: [Int], offset: Int) -> HostTensor {
        let size = t.type.dtype.byteSize
        let n = t.type.count
        let count = shape.reduce(1, *)
        var bytes = [UInt8]()
        bytes.reserveCapacity(count * size)
        for i in 0..<count {
            let j = (i + offset) % n
            bytes.append(contentsOf: t.bytes[(j * size)..<((j + 1) * size)])
        }
        return HostTensor(type: ShapedType(shape, t.type.dtype), bytes: bytes)
    }

    /// The operands and the program of a variant (the program maps the device operands to the op's result).
    static func program(_ c: ConformanceCase, _ variant: Variant) -> (inputs: [HostTensor], body: @Sendable ([Tensor]) -> [Tensor]) {
        let primitive = c.primitive
        switch variant {
        case .transposed:
            let inputs = c.inputs.enumerated().map { tiled($1, shape: [53, 37], offset: 3 * $0) }
            return (inputs, { xs in bind(primitive, xs.map { Lax.transpose($0, [1, 0]) }) })
        case .broadcast:
            let shapes: [[Int]] = c.inputs.count == 1 ? [[1, 53]] : c.inputs.indices.map { $0 % 2 == 0 ? [37, 1] : [1, 53] }
            let inputs = zip(c.inputs, shapes).enumerated().map { tiled($1.0, shape: $1.1, offset: $0) }
            return (inputs, { xs in bind(primitive, xs.map { Lax.broadcastInDim($0, shape: [37, 53], dims: [0, 1]) }) })
        case .large:
            let inputs = c.inputs.enumerated().map { tiled($1, shape: [1 << 18], offset: 5 * $0) }
            return (inputs, { xs in bind(primitive, xs) })
        }
    }

    /// Runs every variant of every base case on `device` (eager and jit) against the reference backend.
    public static func run(_ cases: [ConformanceCase], on device: Device,
                           modes: [ExecutionMode] = ExecutionMode.allCases) -> [CheckResult] {
        let reference = ConformanceRunner.reference
        var results: [CheckResult] = []
        for c in baseCases(cases) {
            for variant in Variant.allCases {
                if variant == .large && !(c.dtype == .float32 || c.dtype == .int32) { continue }
                let name = "\(variant.rawValue):\(c.name)"
                func result(_ mode: ExecutionMode, _ status: CheckStatus, _ ulp: Double?, _ messages: [String]) -> CheckResult {
                    CheckResult(name: name, primitive: c.primitiveName, dtype: c.dtype.description, backend: device.backend.name,
                                mode: mode, status: status, worstULP: ulp, messages: messages)
                }
                if let missing = c.inputs.map(\.type.dtype).first(where: { !device.supports($0) }) {
                    for mode in modes { results.append(result(mode, .unsupported, nil, ["dtype \(missing) not supported"])) }
                    continue
                }
                let (inputs, body) = program(c, variant)
                let expected: [HostTensor]
                do {
                    expected = try body(inputs.map { $0.tensor(on: reference) }).map { try HostTensor($0) }
                } catch {
                    for mode in modes { results.append(result(mode, .fail, nil, ["\(name): the reference backend threw \(error)"])) }
                    continue
                }
                for mode in modes {
                    do {
                        let args = inputs.map { $0.tensor(on: device) }
                        let outputs = mode == .eager ? body(args) : jit(body, name: "conformance \(name)")(args)
                        let actual = try outputs.map { try HostTensor($0) }
                        let cmp = OutputComparison(name: name, actual: actual, expected: expected, against: "reference backend",
                                                   tolerance: { ConformanceTolerance.of(c.primitive, dtype: $0) })
                        results.append(result(mode, cmp.messages.isEmpty ? .pass : .fail, cmp.worstULP, cmp.messages))
                    } catch {
                        results.append(result(mode, .fail, nil, ["\(name) (\(mode)): threw \(error)"]))
                    }
                }
            }
        }
        return results
    }
}
