import Foundation
import Testing
@testable import TesseraConformance
@testable import Tessera

/// The conformance cases on the Vulkan device only, with every failure printed and a count
/// per primitive (the cross-backend suite stops listing after 60).
@Suite("Vulkan conformance summary")
struct VulkanConformanceSummaryTests {
    @Test("every conformance case on vulkan, failures grouped by primitive")
    func summary() throws {
        guard let device = TestDevices.device("vulkan") else { return }
        let filter = ProcessInfo.processInfo.environment["TESSERA_CONFORMANCE_FILTER"]
        var failures: [String] = []
        var perPrimitive: [String: Int] = [:]
        for c in ConformanceCase.all where filter == nil || c.name.hasPrefix(filter!) {
            var f: [String] = []
            do {
                let actual = try ConformanceTests.run(c, on: device)
                f = ConformanceTests.mismatches(c, actual: actual, expected: c.expected, against: "jax")
                if !f.isEmpty, let reason = ConformanceDeviations.reason(backend: "vulkan", c) {
                    print("documented deviation: \(f[0]) [\(reason)]")
                    f = []
                }
            } catch {
                f = ["\(c.name): threw \(error)"]
            }
            if !f.isEmpty { perPrimitive[String(c.name.split(separator: "/")[0]), default: 0] += 1 }
            failures += f
        }
        for f in failures { print("FAIL \(f.prefix(400))") }
        print("vulkan conformance: \(failures.count) failures; by primitive: \(perPrimitive.sorted { $0.key < $1.key })")
        #expect(failures.count == 0, "conformance failures on vulkan by primitive: \(perPrimitive.sorted { $0.key < $1.key })")
    }
}
