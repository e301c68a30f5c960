import Foundation
import Tessera

/// Gradient and vmap checks run on every backend: gradients of a few composite functions
/// against central finite differences computed on the same device and against the reference
/// backend's gradient; vmap against a per-example loop on the same device and against the
/// reference backend's vmap. Each check runs eagerly and under `jit`.
public enum TransformChecks {
    /// A scalar function of one tensor with a name and the shape of its argument.
    struct Scalar: Sendable {
        let name: String
        let shape: [Int]
        let f: @Sendable (Tensor) -> Tensor
    }

    /// The composite functions whose gradients are checked.
    static let functions: [Scalar] = [
        Scalar(name: "polynomial", shape: [7]) { x in (x * x * x * 3 - x * x * 2 + x - 5).sum() },
        Scalar(name: "sin_exp", shape: [2, 5]) { x in (sin(x) * x * x + exp(-x / 2)).sum() },
        Scalar(name: "tanh_matmul", shape: [4, 3]) { x in tanh(matmul(x, x.transposed())).sum() },
        Scalar(name: "logsumexp", shape: [3, 4]) { x in log(exp(x).sum(axes: [1])).sum() },
        Scalar(name: "max_sqrt", shape: [6]) { x in (sqrt(x * x + 1) * x.max()).sum() },
    ]

    /// Deterministic operand values in [-1.2, 1.2].
    static func values(_ count: Int, seed: Int) -> [Double] {
        (0..<count).map { i in 1.2 * Foundation.sin(Double(i * 7 + seed) * 0.37 + 0.1) }
    }

    /// The dtype gradient checks use on `device`: float64 when supported, else float32.
    static func dtype(on device: Device) -> DType { device.supports(.float64) ? .float64 : .float32 }

    /// Runs every gradient and vmap check on `device`.
    public static func run(on device: Device, modes: [ExecutionMode] = ExecutionMode.allCases) -> [CheckResult] {
        var results: [CheckResult] = []
        for fn in functions {
            for mode in modes { results.append(gradient(fn, on: device, mode: mode)) }
        }
        for mode in modes { results.append(vmapCheck(on: device, mode: mode)) }
        for mode in modes { results.append(perExampleGradients(on: device, mode: mode)) }
        return results
    }

    static func result(_ name: String, _ primitive: String, _ dtype: DType, _ device: Device, _ mode: ExecutionMode,
                       _ messages: [String], _ ulp: Double?) -> CheckResult {
        CheckResult(name: name, primitive: primitive, dtype: dtype.description, backend: device.backend.name, mode: mode,
                    status: messages.isEmpty ? .pass : .fail, worstULP: ulp, messages: messages)
    }

    /// Close within `rtol * max(1, |b|)`; NaN never matches.
    static func close(_ a: Double, _ b: Double, _ rtol: Double) -> Bool { Swift.abs(a - b) <= rtol * Swift.max(1, Swift.abs(b)) }

    /// The gradient of `fn` on `device` vs central differences and vs the reference backend.
    static func gradient(_ fn: Scalar, on device: Device, mode: ExecutionMode) -> CheckResult {
        let dt = dtype(on: device)
        let name = "grad:\(fn.name)"
        let count = fn.shape.reduce(1, *)
        let x0 = values(count, seed: count)
        let g = grad(fn.f)
        let gradient: @Sendable (Tensor) -> Tensor = mode == .jit ? jit(g, name: name) : g
        let f: @Sendable (Tensor) -> Tensor = mode == .jit ? jit(fn.f, name: "\(name) value") : fn.f
        func on(_ d: Device, _ v: [Double]) -> Tensor { Tensor(v, shape: fn.shape, dtype: dt, on: d) }
        var messages: [String] = []
        var worst = 0.0
        let actual = gradient(on(device, x0)).asArray(Double.self)
        let refGrad = gradient(on(ConformanceRunner.reference, x0)).asArray(Double.self)
        // Central differences in the check's dtype: step ~ eps^(1/3).
        let h = dt == .float64 ? 1e-5 : 3e-2
        let fdTolerance = dt == .float64 ? 1e-6 : 3e-2
        let refTolerance = dt == .float64 ? 1e-12 : 2e-5
        for i in 0..<count {
            var plus = x0, minus = x0
            plus[i] += h
            minus[i] -= h
            let fd = (f(on(device, plus)).item(Double.self) - f(on(device, minus)).item(Double.self)) / (2 * h)
            if !close(actual[i], fd, fdTolerance) {
                messages.append("\(name) (\(mode)) d/dx[\(i)] = \(actual[i]), central difference \(fd)")
            }
            if !close(actual[i], refGrad[i], refTolerance) {
                messages.append("\(name) (\(mode)) d/dx[\(i)] = \(actual[i]), reference backend \(refGrad[i])")
            }
            worst = Swift.max(worst, ConformanceTolerance.ulpDistance(actual[i], refGrad[i], dtype: dt))
        }
        return result(name, "grad", dt, device, mode, Array(messages.prefix(3)), worst)
    }

    /// A small MLP layer batched with vmap, vs a per-example loop and the reference backend.
    static func vmapCheck(on device: Device, mode: ExecutionMode) -> CheckResult {
        let dt = DType.float32
        let name = "vmap:mlp_layer"
        let layer: @Sendable (Tensor, Tensor) -> Tensor = { x, w in tanh(matmul(x, w)) + x.sum() }
        let batched = vmap(layer, inAxes: [0, nil])
        let run: @Sendable (Tensor, Tensor) -> Tensor = mode == .jit ? jit(batched, name: name) : batched
        let xs = values(8 * 5, seed: 1), ws = values(5 * 3, seed: 2)
        func args(_ d: Device) -> (Tensor, Tensor) {
            (Tensor(xs, shape: [8, 5], dtype: dt, on: d), Tensor(ws, shape: [5, 3], dtype: dt, on: d))
        }
        let (x, w) = args(device)
        let actual = run(x, w).asArray(Double.self)
        let (rx, rw) = args(ConformanceRunner.reference)
        let reference = run(rx, rw).asArray(Double.self)
        var loop: [Double] = []
        for b in 0..<8 { loop += layer(Lax.indexInDim(x, axis: 0, index: b), w).asArray(Double.self) }
        var messages: [String] = []
        var worst = 0.0
        if actual.count != 24 { messages.append("\(name): \(actual.count) values, expected 24") }
        for i in 0..<Swift.min(actual.count, 24) {
            if !close(actual[i], reference[i], 1e-5) { messages.append("\(name) [\(i)] = \(actual[i]), reference backend \(reference[i])") }
            if !close(actual[i], loop[i], 1e-5) { messages.append("\(name) [\(i)] = \(actual[i]), per-example loop \(loop[i])") }
            worst = Swift.max(worst, ConformanceTolerance.ulpDistance(actual[i], reference[i], dtype: dt))
        }
        return result(name, "vmap", dt, device, mode, Array(messages.prefix(3)), worst)
    }

    /// Per-example gradients of a squared-error MLP loss (vmap of grad), vs the reference backend.
    static func perExampleGradients(on device: Device, mode: ExecutionMode) -> CheckResult {
        let dt = DType.float32
        let name = "vmap:per_example_grad"
        let loss: @Sendable (Tensor, Tensor) -> Tensor = { w, x in
            let h = tanh(matmul(x, w))
            return (h * h).sum()
        }
        let perExample = vmap(grad(loss), inAxes: [nil, 0])
        let run: @Sendable (Tensor, Tensor) -> Tensor = mode == .jit ? jit(perExample, name: name) : perExample
        let ws = values(4 * 3, seed: 3), xs = values(6 * 4, seed: 4)
        func args(_ d: Device) -> (Tensor, Tensor) {
            (Tensor(ws, shape: [4, 3], dtype: dt, on: d), Tensor(xs, shape: [6, 4], dtype: dt, on: d))
        }
        let (w, x) = args(device)
        let actual = run(w, x).asArray(Double.self)
        let (rw, rx) = args(ConformanceRunner.reference)
        let reference = run(rw, rx).asArray(Double.self)
        var messages: [String] = []
        var worst = 0.0
        if actual.count != reference.count || actual.count != 6 * 12 {
            messages.append("\(name): \(actual.count) values, reference backend \(reference.count), expected 72")
        }
        for i in 0..<Swift.min(actual.count, reference.count) {
            if !close(actual[i], reference[i], 1e-5) { messages.append("\(name) [\(i)] = \(actual[i]), reference backend \(reference[i])") }
            worst = Swift.max(worst, ConformanceTolerance.ulpDistance(actual[i], reference[i], dtype: dt))
        }
        return result(name, "vmap", dt, device, mode, Array(messages.prefix(3)), worst)
    }
}
