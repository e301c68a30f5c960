import Testing
@testable import Tessera
@testable import OpenCLBackend

/// OpenCL 1.2 drivers: the queue entry point follows the device version, and a queue made
/// with the 1.2 API (`clCreateCommandQueue`) moves data like the 2.0 one.
@Suite("OpenCL command-queue API")
struct OpenCLQueueAPITests {
    @Test func versionTextIsParsed() {
        #expect(CommandQueueAPI.parseVersion("OpenCL 1.2 pocl 1.8") ?? (0, 0) == (1, 2))
        #expect(CommandQueueAPI.parseVersion("OpenCL 3.0 CUDA") ?? (0, 0) == (3, 0))
        #expect(CommandQueueAPI.parseVersion("OpenCL C 1.2") == nil)
        #expect(CommandQueueAPI.parseVersion("") == nil)
    }

    @Test func theQueueAPIFollowsTheDeviceVersion() {
        #expect(CommandQueueAPI.choose(deviceVersion: "OpenCL 1.2 Mesa", override: nil) == .legacy)
        #expect(CommandQueueAPI.choose(deviceVersion: "OpenCL 1.1", override: nil) == .legacy)
        #expect(CommandQueueAPI.choose(deviceVersion: "OpenCL 2.0 AMD-APP", override: nil) == .properties)
        #expect(CommandQueueAPI.choose(deviceVersion: "OpenCL 3.0 PoCL", override: nil) == .properties)
        // Unparseable versions take the API every driver has.
        #expect(CommandQueueAPI.choose(deviceVersion: "weird", override: nil) == .legacy)
        #expect(CommandQueueAPI.choose(deviceVersion: "OpenCL 3.0", override: "legacy") == .legacy)
        #expect(CommandQueueAPI.choose(deviceVersion: "OpenCL 1.2", override: "PROPERTIES") == .properties)
    }

    @Test func theDeviceReportsItsQueueAPI() throws {
        guard let device = TestDevices.device("opencl") else { return }
        let context = try OpenCLBackend.shared.context(device)
        #expect(device.capabilities.details["queueAPI"] == context.queueAPI.functionName)
        #expect(context.queueAPI == CommandQueueAPI.choose(deviceVersion: context.version))
    }

    @Test(arguments: [CommandQueueAPI.legacy, .properties])
    func aQueueOfEitherAPIRunsKernels(_ api: CommandQueueAPI) throws {
        guard let device = TestDevices.device("opencl") else { return }
        let existing = try OpenCLBackend.shared.context(device)
        let context = try OpenCLDeviceContext(platform: existing.platformID, device: existing.deviceID, index: 0, queueAPI: api)
        #expect(context.queueAPI == api)
        let values: [Float] = (0..<1000).map { Float($0) * 0.5 - 7 }
        let buffer = try values.withUnsafeBytes { try context.upload($0) }
        var back = [Float](repeating: .nan, count: values.count)
        try back.withUnsafeMutableBytes { try context.download(buffer, into: $0) }
        #expect(back == values)
        // An OpenCL 1.2 kernel enqueued on the queue: y = 2x + 1.
        let source = """
            __kernel void affine(__global const float* x, __global float* y, int n) {
                int i = get_global_id(0);
                if (i < n) y[i] = 2.0f * x[i] + 1.0f;
            }
            """
        let (program, _) = try context.programs.program(source: source, name: "affine", device: context)
        let kernel = try program.kernel("affine", device: context.deviceDescription)
        let output = try context.allocate(values.count * 4)
        let (global, local) = context.gridStride(values.count)
        try context.launch(kernel, "affine", [.buffer(buffer), .buffer(output), .int32(Int32(values.count))],
                           global: global, local: local, outputs: [output])
        try back.withUnsafeMutableBytes { try context.download(output, into: $0) }
        try context.finish()
        #expect(back == values.map { 2 * $0 + 1 })
    }
}
