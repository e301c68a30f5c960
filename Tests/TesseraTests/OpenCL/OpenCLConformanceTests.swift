import Testing
@testable import Tessera

/// The conformance cases on the OpenCL device, split by what the device supports: every
/// case whose dtypes the device has must match JAX and the reference backend (all failures
/// are listed), and every case using a dtype it lacks (float16 without cl_khr_fp16) must
/// throw an `.unsupported` error naming the dtype and the device, never give a result.
@Suite("OpenCL conformance")
struct OpenCLConformanceTests {
    static func dtypes(_ c: ConformanceCase) -> Set<DType> {
        Set(c.inputs.map(\.type.dtype) + c.expected.map(\.type.dtype))
    }

    @Test("every case with supported dtypes matches jax.lax and the reference backend")
    func supportedCases() throws {
        guard let device = TestDevices.device("opencl") else { return }
        var failures: [String] = []
        var count = 0
        for c in ConformanceCase.all where Self.dtypes(c).isSubset(of: device.capabilities.dtypes) {
            count += 1
            do {
                let actual = try ConformanceTests.run(c, on: device)
                failures += ConformanceTests.mismatches(c, actual: actual, expected: c.expected, against: "jax")
                let ref = try ConformanceTests.run(c, on: TestDevices.reference)
                failures += ConformanceTests.mismatches(c, actual: actual, expected: ref, against: "reference backend")
            } catch {
                failures.append("\(c.name): threw \(error)")
            }
        }
        print("opencl conformance on supported dtypes: \(count) cases, \(failures.count) failing")
        #expect(count > 1000)
        for f in failures { Issue.record(Comment(rawValue: f)) }
    }

    @Test("a case with a dtype the device lacks throws unsupported naming dtype and device")
    func unsupportedCases() throws {
        guard let device = TestDevices.device("opencl") else { return }
        let lacking = ConformanceCase.all.filter { !Self.dtypes($0).isSubset(of: device.capabilities.dtypes) }
        for c in lacking.prefix(40) {
            do {
                _ = try ConformanceTests.run(c, on: device)
                Issue.record("\(c.name) ran on \(device), which lacks \(Self.dtypes(c).subtracting(device.capabilities.dtypes))")
            } catch let e as TesseraError {
                #expect(e.kind == .unsupported, "\(c.name): \(e)")
                #expect(e.message.contains(device.description), "\(c.name): \(e.message)")
            }
        }
    }
}
