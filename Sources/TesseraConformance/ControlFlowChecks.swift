import Foundation
import Tessera

/// The control-flow primitives (cond, while, scan) on every backend, eagerly and under `jit`,
/// compared with the reference backend's eager result (integers exactly, float32 within
/// 2e-6 relative): the JSON cases cover every other primitive.
public enum ControlFlowChecks {
    /// A program over float32 [6] and int32 [6] operands.
    struct Program: Sendable {
        let name: String
        let primitive: String
        let body: @Sendable ([Tensor]) -> [Tensor]
    }

    static let programs: [Program] = [
        Program(name: "cond:sum_positive", primitive: "cond") { xs in
            [cond(xs[0].sum() .> 0, { $0 * 2 }, { $0 - 1 }, xs[0]), cond(xs[1].sum() .> 0, { $0 * 2 }, { $0 - 1 }, xs[1])]
        },
        Program(name: "cond:sum_negative", primitive: "cond") { xs in
            [cond(xs[0].sum() .< -100, { $0 * 2 }, { $0 - 1 }, xs[0])]
        },
        Program(name: "switch:three_branches", primitive: "cond") { xs in
            [switchCase(Lax.reduce(.max, xs[1], axes: [0]), [{ (t: [Tensor]) in [t[0] + 1] }, { t in [t[0] * 3] }, { t in [sin(t[0])] }],
                        [xs[0]])[0]]
        },
        Program(name: "while:count_to_50", primitive: "while") { xs in
            let out = whileLoop(cond: { (c: [Tensor]) in c[0] .< 50 }, body: { c in [c[0] + 7, c[1] * 0.5 + 1] },
                                initial: [Lax.reduce(.min, xs[1], axes: [0]), xs[0]])
            return out
        },
        Program(name: "scan:cumsum_rows", primitive: "scan") { xs in
            let rows = Lax.reshape(xs[0], [3, 2])
            let (total, running) = scan({ (c: Tensor, x: Tensor) in (c + x, (c + x) * x) }, initial: Lax.full(0, shape: [2], dtype: .float32),
                                        xs: rows)
            return [total, running]
        },
        Program(name: "scan:int_reverse", primitive: "scan") { xs in
            let (total, running) = scan({ (c: Tensor, x: Tensor) in (c * 2 + x, c - x) }, initial: Lax.scalar(1, .int32), xs: xs[1],
                                        reverse: true)
            return [total, running]
        },
    ]

    /// Runs every control-flow program on `device`.
    public static func run(on device: Device, modes: [ExecutionMode] = ExecutionMode.allCases) -> [CheckResult] {
        let reference = ConformanceRunner.reference
        let floats: [Float] = [0.5, -1.25, 2, 3.5, -0.75, 1]
        let ints: [Int32] = [2, -3, 1, 4, 0, -1]
        func args(_ d: Device) -> [Tensor] {
            [Tensor(floats, shape: [6], dtype: .float32, on: d), Tensor(ints, shape: [6], dtype: .int32, on: d)]
        }
        var results: [CheckResult] = []
        for p in programs {
            let expected: [HostTensor]
            do { expected = try p.body(args(reference)).map { try HostTensor($0) } } catch {
                for mode in modes {
                    results.append(CheckResult(name: p.name, primitive: p.primitive, dtype: "float32", backend: device.backend.name, mode: mode,
                                               status: .fail, worstULP: nil, messages: ["\(p.name): the reference backend threw \(error)"]))
                }
                continue
            }
            for mode in modes {
                var messages: [String] = []
                var worst: Double?
                do {
                    let outputs = mode == .eager ? p.body(args(device)) : jit(p.body, name: "conformance \(p.name)")(args(device))
                    let cmp = OutputComparison(name: p.name, actual: try outputs.map { try HostTensor($0) }, expected: expected,
                                               against: "reference backend", tolerance: { _ in .relative(2e-6) })
                    messages = cmp.messages
                    worst = cmp.worstULP
                } catch {
                    messages = ["\(p.name) (\(mode)): threw \(error)"]
                }
                results.append(CheckResult(name: p.name, primitive: p.primitive, dtype: "float32", backend: device.backend.name, mode: mode,
                                           status: messages.isEmpty ? .pass : .fail, worstULP: worst, messages: messages))
            }
        }
        return results
    }
}
