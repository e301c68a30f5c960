import Foundation
import Tessera

/// Runs the JSON conformance cases (`ConformanceCase.all`) on a device, eagerly and under
/// `jit`, comparing with JAX's values and, off the reference backend, with the reference
/// backend's eager result.
public enum ConformanceRunner {
    /// The reference device (always registered by `import Tessera`).
    public static var reference: Device {
        guard let d = DeviceManager.shared.device(backend: "reference") else {
            fatalError("TesseraConformance: the reference backend is not registered")
        }
        return d
    }

    /// Runs `cases` on `device` in each of `modes`, one result per case and mode.
    public static func run(_ cases: [ConformanceCase], on device: Device,
                           modes: [ExecutionMode] = ExecutionMode.allCases) -> [CheckResult] {
        var results: [CheckResult] = []
        for c in cases {
            func result(_ mode: ExecutionMode, _ status: CheckStatus, _ ulp: Double?, _ messages: [String]) -> CheckResult {
                CheckResult(name: c.name, primitive: c.primitiveName, dtype: c.dtype.description,
                            backend: device.backend.name, mode: mode, status: status, worstULP: ulp, messages: messages)
            }
            if let missing = (c.inputs + c.expected).map(\.type.dtype).first(where: { !device.supports($0) }) {
                for mode in modes {
                    results.append(result(mode, .unsupported, nil, ["dtype \(missing) not supported by \(device)"]))
                }
                continue
            }
            // The reference backend's eager result, computed once for both modes.
            var referenceOutputs: [HostTensor]?
            var referenceError: String?
            if device !== reference {
                do { referenceOutputs = try run(c, on: reference, mode: .eager) } catch {
                    referenceError = "\(c.name): the reference backend threw \(error)"
                }
            }
            for mode in modes {
                do {
                    let actual = try run(c, on: device, mode: mode)
                    let tolerance = { (d: DType) in ConformanceTolerance.of(c.primitive, dtype: d) }
                    var cmp = OutputComparison(name: c.name, actual: actual, expected: c.expected, against: "jax",
                                               inputs: c.inputs, tolerance: tolerance)
                    if let referenceOutputs {
                        let vsRef = OutputComparison(name: c.name, actual: actual, expected: referenceOutputs,
                                                     against: "reference backend", inputs: c.inputs, tolerance: tolerance)
                        cmp.messages += vsRef.messages
                    }
                    if let referenceError { cmp.messages.append(referenceError) }
                    results.append(result(mode, cmp.messages.isEmpty ? .pass : .fail, cmp.worstULP, cmp.messages))
                } catch {
                    results.append(result(mode, .fail, nil, ["\(c.name) (\(mode)): threw \(error)"]))
                }
            }
        }
        return results
    }

    /// Runs one case's primitive on `device`. Eager: through `bind` with the operands placed
    /// on the device (a primitive without operands, iota, is executed on the device directly,
    /// since `bind` would place it on the default device). Jit: the primitive is staged into
    /// a jitted function whose first argument is on the device (an unused scalar for iota).
    /// Outputs of qr, eigh and svd cases come back with their signs normalised (`LinalgSigns`).
    public static func run(_ c: ConformanceCase, on device: Device, mode: ExecutionMode) throws -> [HostTensor] {
        let outputs: [Tensor]
        let primitive = c.primitive
        switch mode {
        case .eager:
            if c.inputs.isEmpty {
                let types = ShapeRules.outputTypes(primitive, [])
                let buffers = try device.backend.execute(primitive, inputs: [], inputTypes: [], outputTypes: types, on: device)
                outputs = zip(buffers, types).map { Tensor(base: DeviceArray(type: $1, device: device, buffer: $0)) }
            } else {
                outputs = bind(primitive, c.inputs.map { $0.tensor(on: device) })
            }
        case .jit:
            let arguments = c.inputs.isEmpty
                ? [Tensor(bytes: [0, 0, 0, 0], type: ShapedType([], .int32), on: device)]
                : c.inputs.map { $0.tensor(on: device) }
            let hasOperands = !c.inputs.isEmpty
            let f = jit({ (xs: [Tensor]) -> [Tensor] in bind(primitive, hasOperands ? xs : []) },
                        name: "conformance \(c.name)")
            outputs = f(arguments)
        }
        let host = try outputs.map { try HostTensor($0) }
        return c.canonicalSigns?.canonical(host) ?? host
    }
}
