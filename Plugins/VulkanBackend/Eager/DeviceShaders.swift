import TesseraCore

/// Dedicated GLSL shaders for the primitives the kernel IR cannot express.
struct DeviceShaders {
    let renderer: GLSLKernelRenderer

    func launch(_ primitive: Primitive, _ ins: [ShapedType], _ outs: [ShapedType]) throws -> VulkanLaunch {
        throw TesseraError(.unsupported, "\(renderer.label): \(printedName(primitive)) is not implemented on Vulkan yet")
    }
}
