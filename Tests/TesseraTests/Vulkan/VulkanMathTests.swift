import Foundation
import Testing
@testable import TesseraConformance
@testable import Tessera

/// The GLSL math library against NumPy and JAX (`scripts/testdata/vulkan_math.py`): sin,
/// cos and tan of arguments up to the largest double (Cody-Waite, then Payne-Hanek argument
/// reduction), and the float64 software pow, erf and erf_inv, within the conformance
/// tolerances (4 ulp; 16 for erf_inv).
@Suite("Vulkan math library")
struct VulkanMathTests {
    static func values(_ group: String, _ key: String) -> [Double] {
        // Bit patterns in hex: decimal JSON numbers do not round-trip exactly here.
        let data = TestData.json("vulkan_math.json") as! [String: [String: [String]]]
        return data[group]![key]!.map { Double(bitPattern: UInt64($0, radix: 16)!) }
    }

    /// Mismatches of `primitive` applied on the device to `inputs` against `expected`.
    static func mismatches(_ primitive: Primitive, _ inputs: [[Double]], _ expected: [Double], dtype: DType,
                           ulps: Double, on device: Device) -> [String] {
        let args = inputs.map { xs -> Tensor in
            (dtype == .float64 ? Tensor(xs, shape: [xs.count]) : Tensor(xs.map { Float($0) }, shape: [xs.count])).to(device)
        }
        let got = bind(primitive, args)[0]
        let actual = dtype == .float64 ? got.asArray(Double.self) : got.asArray(Float.self).map(Double.init)
        let tolerance = ConformanceTolerance.ulps(ulps)
        return expected.indices.compactMap { i in
            tolerance.accepts(actual[i], expected[i], dtype: dtype) ? nil
                : "\(printedName(primitive)) \(dtype) of \(inputs.map { $0[i] }): got \(actual[i]), expected \(expected[i]) (\(ConformanceTolerance.ulpDistance(actual[i], expected[i], dtype: dtype)) ulp)"
        }
    }

    @Test("sin, cos and tan of large float64 and float32 arguments", arguments: [DType.float64, .float32])
    func trigonometry(dtype: DType) throws {
        guard let device = TestDevices.device("vulkan"), device.capabilities.dtypes.contains(.float64) else { return }
        let group = dtype == .float64 ? "trig64" : "trig32"
        let x = Self.values(group, "x")
        var failures: [String] = []
        for (op, name) in [(UnaryOp.sin, "sin"), (.cos, "cos"), (.tan, "tan")] {
            failures += Self.mismatches(.unary(op), [x], Self.values(group, name), dtype: dtype, ulps: 4, on: device)
        }
        #expect(failures.isEmpty, "\(failures.count) mismatches: \(failures.prefix(8))")
    }

    @Test("float64 pow, erf and erf_inv")
    func specialFunctions() throws {
        guard let device = TestDevices.device("vulkan"), device.capabilities.dtypes.contains(.float64) else { return }
        var failures = Self.mismatches(.binary(.pow), [Self.values("pow64", "x"), Self.values("pow64", "y")],
                                       Self.values("pow64", "pow"), dtype: .float64, ulps: 4, on: device)
        failures += Self.mismatches(.unary(.erf), [Self.values("erf64", "x")], Self.values("erf64", "erf"),
                                    dtype: .float64, ulps: 4, on: device)
        failures += Self.mismatches(.unary(.erfInv), [Self.values("erfinv64", "y")], Self.values("erfinv64", "erfinv"),
                                    dtype: .float64, ulps: 16, on: device)
        #expect(failures.isEmpty, "\(failures.count) mismatches: \(failures.prefix(8))")
    }
}
