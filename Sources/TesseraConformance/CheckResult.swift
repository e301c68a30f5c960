import Foundation
import Tessera

/// How a check ran: op by op, or compiled with `jit`.
public enum ExecutionMode: String, Sendable, Codable, CaseIterable {
    /// Each primitive dispatched on its own (`bind` outside any trace).
    case eager
    /// The same program staged and compiled with `jit`.
    case jit
}

/// The outcome of one check on one backend.
public enum CheckStatus: String, Sendable, Codable {
    /// The backend agrees with the expected values within the tolerance.
    case pass
    /// The backend disagrees, threw, or returned the wrong shape or dtype.
    case fail
    /// The device lacks a dtype the check needs (e.g. float64 on a GPU without fp64).
    case unsupported
}

/// One check (a conformance case, a derived edge case, a gradient or vmap check) on one
/// backend in one execution mode.
public struct CheckResult: Sendable, Codable {
    /// The case name, e.g. `div/int32/scalar` or `transposed:add/float32`.
    public var name: String
    /// The matrix row's primitive (`add`, `reduce_max`, `grad`, `vmap`).
    public var primitive: String
    /// The matrix row's dtype.
    public var dtype: String
    /// The backend's name.
    public var backend: String
    /// Eager or jit.
    public var mode: ExecutionMode
    /// Pass, fail or unsupported.
    public var status: CheckStatus
    /// The largest floating-point error in ULPs of the expected value (nil for integer and bool outputs).
    public var worstULP: Double?
    /// What went wrong (empty when passing).
    public var messages: [String]

    /// Makes a result.
    public init(name: String, primitive: String, dtype: String, backend: String, mode: ExecutionMode,
                status: CheckStatus, worstULP: Double?, messages: [String]) {
        self.name = name
        self.primitive = primitive
        self.dtype = dtype
        self.backend = backend
        self.mode = mode
        self.status = status
        self.worstULP = worstULP
        self.messages = messages
    }
}

/// Compares host tensors under a tolerance and measures the worst error in ULPs.
public struct OutputComparison: Sendable {
    /// Descriptions of disagreements (first element per output).
    public var messages: [String] = []
    /// The largest ULP distance over floating-point outputs (nil if there were none).
    public var worstULP: Double?

    /// Compares `actual` with `expected` output by output; `tolerance` gives the
    /// floating-point tolerance of each output dtype (integers and bools are exact).
    public init(name: String, actual: [HostTensor], expected: [HostTensor], against: String, inputs: [HostTensor] = [],
                tolerance: (DType) -> ConformanceTolerance) {
        if actual.count != expected.count {
            messages = ["\(name): \(actual.count) outputs, \(against) has \(expected.count)"]
            return
        }
        for (k, (a, e)) in zip(actual, expected).enumerated() {
            if a.type.shape != e.type.shape || a.type.dtype != e.type.dtype {
                messages.append("\(name) output \(k): \(a.type) but \(against) gives \(e.type)")
                continue
            }
            let isFloat = e.type.dtype.isFloatingPoint
            let tol: ConformanceTolerance = isFloat ? tolerance(e.type.dtype) : .exact
            let size = e.type.dtype.byteSize
            var reported = false
            for i in 0..<e.type.count {
                let ok: Bool
                if isFloat {
                    let (x, y) = (a.double(at: i), e.double(at: i))
                    let d = ConformanceTolerance.ulpDistance(x, y, dtype: e.type.dtype)
                    worstULP = Swift.max(worstULP ?? 0, d)
                    ok = tol.accepts(x, y, dtype: e.type.dtype)
                } else {
                    ok = a.bytes[(i * size)..<((i + 1) * size)] == e.bytes[(i * size)..<((i + 1) * size)]
                }
                if !ok && !reported {
                    reported = true
                    let shown = inputs.map { t in t.type.count == e.type.count ? t.text(at: i) : t.type.description }
                    let inputText = shown.isEmpty ? "" : "; inputs: " + shown.joined(separator: ", ")
                    messages.append("\(name) output \(k)[\(i)]: got \(a.text(at: i)), \(against) gives \(e.text(at: i)) (\(tol))\(inputText)")
                }
                if reported && !isFloat { break }
            }
            if isFloat && worstULP == nil { worstULP = 0 }
        }
    }
}
