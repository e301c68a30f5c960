import Foundation
import Testing
@testable import Tessera

/// The backends every conformance-style test runs on. A backend without a device is
/// reported as "skipped: no device" in the output rather than passing silently.
enum TestDevices {
    /// Names of every built-in backend, in the order tests report them.
    static let backendNames = ["reference", "blas", "opencl", "vulkan"]

    /// The first device of a backend, or nil (after printing the skip line) when the
    /// backend is not built in or has no device.
    static func device(_ backend: String) -> Device? {
        if let d = DeviceManager.shared.device(backend: backend) { return d }
        let reason = DeviceManager.shared.backends.first(where: { $0.name == backend }).map {
            if case .unavailable(let why) = $0.availability { return why }
            return "no device"
        } ?? "backend not built in"
        print("skipped: no device (\(backend): \(reason))")
        return nil
    }

    /// The reference device (always present).
    static var reference: Device { DeviceManager.shared.device(backend: "reference")! }
}

/// Test data committed under Tests/TesseraTests/Data (made by scripts/testdata/*.py with
/// NumPy or JAX).
enum TestData {
    static func url(_ name: String) -> URL {
        guard let u = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Data") else {
            fatalError("missing test data file Data/\(name)")
        }
        return u
    }
    /// Decodes a JSON file.
    static func json(_ name: String) -> Any {
        let data = try! Data(contentsOf: url(name))
        return try! JSONSerialization.jsonObject(with: data)
    }
    /// Converts a JSON number or the strings "nan", "inf", "-inf" to Double.
    static func double(_ v: Any) -> Double {
        if let d = v as? Double { return d }
        if let i = v as? Int { return Double(i) }
        if let s = v as? String {
            switch s {
            case "nan": return .nan
            case "inf": return .infinity
            case "-inf": return -.infinity
            default: return Double(s)!
            }
        }
        if let b = v as? Bool { return b ? 1 : 0 }
        fatalError("not a number: \(v)")
    }
    static func doubles(_ v: Any) -> [Double] { (v as! [Any]).map(double) }
}

/// Whether two values agree within `rtol * |expected| + atol`, treating NaNs as equal
/// and infinities as equal only to themselves.
func isClose(_ a: Double, _ b: Double, rtol: Double = 1e-6, atol: Double = 1e-6) -> Bool {
    if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
    if a.isInfinite || b.isInfinite { return a == b }
    return abs(a - b) <= atol + rtol * abs(b)
}

/// Expects elementwise closeness of two arrays of equal length, reporting the first mismatch.
func expectClose(_ actual: [Double], _ expected: [Double], rtol: Double = 1e-6, atol: Double = 1e-6,
                 _ context: String = "", sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.count == expected.count, "\(context): \(actual.count) values, expected \(expected.count)", sourceLocation: sourceLocation)
    for (i, (a, e)) in zip(actual, expected).enumerated() where !isClose(a, e, rtol: rtol, atol: atol) {
        Issue.record("\(context): element \(i) is \(a), expected \(e)", sourceLocation: sourceLocation)
        return
    }
}

extension Tensor {
    /// The elements as Doubles (test convenience).
    var doubles: [Double] { asArray(Double.self) }
}
