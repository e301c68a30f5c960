import Foundation
import Testing
@testable import Tessera

/// Runs every conformance case (every non-control-flow primitive for every dtype it
/// accepts, with empty tensors, scalars, NaN/Inf, negative zero and integer edge values)
/// on every backend in `TestDevices.backendNames`, comparing with the values JAX computed
/// and, on backends other than the reference, with the reference backend's result.
/// A backend without a device prints "skipped: no device"; cases using a dtype the device
/// does not support are skipped and counted in the output.
/// `TESSERA_CONFORMANCE_FILTER=<text>` restricts the run to cases whose name contains it.
///
/// Tolerances are documented in `ConformanceTolerance`.
@Suite("Conformance")
struct ConformanceTests {
    @Test("every primitive for every dtype matches jax.lax", arguments: TestDevices.backendNames)
    func everyCase(backend: String) throws {
        guard let device = TestDevices.device(backend) else { return }
        let reference = TestDevices.reference
        let cases = ConformanceCase.all
        #expect(cases.count > 1000, "the conformance data file looks truncated")
        // TESSERA_CONFORMANCE_FILTER=gather runs only the cases whose name contains "gather".
        let filter = ProcessInfo.processInfo.environment["TESSERA_CONFORMANCE_FILTER"]
        var failures: [String] = []
        var run = 0
        var unsupported: [DType: Int] = [:]
        for c in cases {
            if let filter, !c.name.contains(filter) { continue }
            // A device that lacks a dtype (no fp64 on some GPUs) skips the cases using it, and says so.
            if let missing = (c.inputs + c.expected).map(\.type.dtype).first(where: { !device.supports($0) }) {
                unsupported[missing, default: 0] += 1
                continue
            }
            run += 1
            do {
                let actual = try Self.run(c, on: device)
                failures += Self.mismatches(c, actual: actual, expected: c.expected, against: "jax")
                if device !== reference {
                    let ref = try Self.run(c, on: reference)
                    failures += Self.mismatches(c, actual: actual, expected: ref, against: "reference backend")
                }
            } catch {
                failures.append("\(c.name): threw \(error)")
            }
        }
        print("conformance on \(device): \(run) of \(cases.count) cases run, \(failures.count) failing")
        for (dtype, count) in unsupported.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            print("conformance on \(device): skipped \(count) cases: dtype \(dtype) not supported by the device")
        }
        for f in failures.prefix(60) { Issue.record(Comment(rawValue: "\(backend): \(f)")) }
        if failures.count > 60 { Issue.record(Comment(rawValue: "\(backend): ... and \(failures.count - 60) more failures")) }
    }

    /// Runs the case's primitive through `bind` on `device` (operands are placed there);
    /// a primitive without operands (iota) is executed on the device directly, since
    /// `bind` would place it on the default device.
    static func run(_ c: ConformanceCase, on device: Device) throws -> [HostTensor] {
        let outputs: [Tensor]
        if c.inputs.isEmpty {
            let types = ShapeRules.outputTypes(c.primitive, [])
            let buffers = try device.backend.execute(c.primitive, inputs: [], inputTypes: [], outputTypes: types, on: device)
            outputs = zip(buffers, types).map { Tensor(base: DeviceArray(type: $1, device: device, buffer: $0)) }
        } else {
            outputs = bind(c.primitive, c.inputs.map { $0.tensor(on: device) })
        }
        return try outputs.map { HostTensor(type: $0.type, bytes: try $0.bytes()) }
    }

    /// Descriptions of every disagreement between `actual` and `expected` (first element only per output).
    static func mismatches(_ c: ConformanceCase, actual: [HostTensor], expected: [HostTensor], against: String) -> [String] {
        if actual.count != expected.count { return ["\(c.name): \(actual.count) outputs, \(against) has \(expected.count)"] }
        var out: [String] = []
        for (k, (a, e)) in zip(actual, expected).enumerated() {
            if a.type.shape != e.type.shape || a.type.dtype != e.type.dtype {
                out.append("\(c.name) output \(k): \(a.type) but \(against) gives \(e.type)")
                continue
            }
            let tolerance = e.type.dtype.isFloatingPoint ? ConformanceTolerance.of(c.primitive, dtype: e.type.dtype) : .exact
            for i in 0..<e.type.count {
                let ok: Bool
                if e.type.dtype.isFloatingPoint {
                    ok = tolerance.accepts(a.double(at: i), e.double(at: i), dtype: e.type.dtype)
                } else {
                    let size = e.type.dtype.byteSize
                    ok = a.bytes[(i * size)..<((i + 1) * size)] == e.bytes[(i * size)..<((i + 1) * size)]
                }
                if !ok {
                    let inputs = c.inputs.map { t in
                        t.type.count == e.type.count ? t.text(at: i) : t.type.description
                    }.joined(separator: ", ")
                    out.append("\(c.name) output \(k)[\(i)]: got \(a.text(at: i)), \(against) gives \(e.text(at: i)) (\(tolerance)); inputs: \(inputs)")
                    break
                }
            }
        }
        return out
    }
}
