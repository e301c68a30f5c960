import Foundation
import Testing
@testable import Tessera
@testable import VulkanBackend

/// Errors are `TesseraError`s naming the device and what to change.
@Suite("Vulkan errors")
struct VulkanErrorTests {
    @Test("a shader that does not compile reports shaderc's message and the GLSL source")
    func compileError() throws {
        let compiler = ShaderCompiler(cacheDirectory: nil, deviceName: "vulkan:0 (test)")
        let source = "#version 450\nlayout(local_size_x = 1) in;\nvoid main() { undefined_function_here(); }"
        do {
            _ = try compiler.compile(source, name: "broken")
            Issue.record("expected a compilation error")
        } catch let e as TesseraError {
            #expect(e.kind == .compilation)
            #expect(e.message.contains("vulkan:0 (test)"))
            #expect(e.message.contains("undefined_function_here"))
            #expect(e.message.contains("error"))
            #expect(e.message.contains("GLSL source"))
        }
    }

    @Test("a dtype the device lacks is a clear error, never a silent downcast")
    func missingDType() throws {
        guard let device = TestDevices.device("vulkan") else { return }
        var info = try VulkanBackend.shared.context(device).info
        info.shaderFloat64 = false
        let kernel = Kernel(name: "f64_add", inputs: [ShapedType([4], .float64)], outputs: [ShapedType([4], .float64)],
                            indexSpace: [4],
                            body: [KernelInstruction(.load(input: 0, map: KernelIndexMap(offset: 0, strides: [1])), .float64),
                                   KernelInstruction(.binary(.add, 0, 0), .float64)],
                            stores: [KernelStore(output: 0, value: 1)], reduction: nil)
        do {
            _ = try GLSLKernelRenderer(info: info, label: "vulkan:0 (no fp64)").render(kernel)
            Issue.record("expected an unsupported-dtype error")
        } catch let e as TesseraError {
            #expect(e.kind == .unsupported)
            #expect(e.message.contains("float64") && e.message.contains("shaderFloat64"))
        }
        #expect(!info.dtypes.contains(.float64))
    }

    @Test("a buffer over maxMemoryAllocationSize is an out-of-memory error at the operation, and reading it throws")
    func outOfMemory() throws {
        guard let device = TestDevices.device("vulkan") else { return }
        let context = try VulkanBackend.shared.context(device)
        let count = context.info.maxMemoryAllocationSize / 4 + 1024
        let t = ShapedType([count], .float32)
        #expect(throws: TesseraError.self) {
            _ = try device.backend.execute(.iota(dtype: .float32, shape: [count], dimension: 0), inputs: [], inputTypes: [],
                                           outputTypes: [t], on: device)
        }
        do {
            _ = try context.makeBuffer(byteCount: t.byteCount)
            Issue.record("expected out of memory")
        } catch let e as TesseraError {
            #expect(e.kind == .outOfMemory)
            #expect(e.message.contains(context.label))
        }
        // The device keeps working afterwards.
        let x = Tensor([1, 2, 3] as [Float], shape: [3]).to(device)
        #expect((x * x).asArray(Float.self) == [1, 4, 9])
    }
}
