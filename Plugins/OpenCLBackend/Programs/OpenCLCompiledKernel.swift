import COpenCL
import KernelSource
import TesseraCore

/// A kernel-IR kernel rendered to OpenCL C and built for one device, with its launch logic.
///
/// Literal kernels (jit) launch only on the kernel they were rendered from; parametric
/// kernels (eager) launch on any kernel with the same shape-erased structure, taking its
/// shapes as scalar arguments.
final class OpenCLCompiledKernel: CompiledKernel, @unchecked Sendable {
    let kernel: Kernel
    let program: OpenCLProgram
    let rendered: RenderedKernel
    let options: RenderOptions
    let context: OpenCLDeviceContext

    /// Renders `kernel` and builds (or fetches) its program.
    init(kernel: Kernel, context: OpenCLDeviceContext, parametric: Bool) throws {
        for dtype in KernelSourceRenderer.dtypes(of: kernel) { try context.requireDType(dtype, for: kernel.name) }
        self.kernel = kernel
        self.context = context
        options = context.renderOptions(parametric: parametric)
        let renderer = KernelSourceRenderer(dialect: OpenCLDialect(), options: options)
        do {
            rendered = try renderer.render(kernel)
        } catch let e as TesseraError {
            throw TesseraError(e.kind, "\(e.message) (on \(context.deviceDescription))")
        }
        program = try context.programs.program(source: rendered.source, name: kernel.name, device: context).0
        _ = try program.kernel(rendered.entry, device: context.deviceDescription)
    }

    /// Enqueues the kernel on `inputs` for the shapes of `actual` (the compiled kernel
    /// itself unless parametric) and returns the output buffers at once.
    func launch(_ actual: Kernel, inputs: [OpenCLBuffer]) throws -> [OpenCLBuffer] {
        let outputs = try actual.outputs.map { try context.allocate($0.byteCount) }
        let shape = options.parametric ? KernelSourceRenderer.shapeArguments(of: actual).map { KernelArgument.index($0, rendered.indexType) } : []
        let device = context.deviceDescription
        let buffers = inputs.map(KernelArgument.buffer)
        guard let reduction = actual.reduction else {
            let count = actual.pointCount
            guard count > 0 else { return outputs }
            let (global, local) = context.gridStride(count, cap: false)
            try context.launch(try program.kernel(rendered.entry, device: device), rendered.entry,
                               buffers + outputs.map(KernelArgument.buffer) + shape, global: global, local: local, outputs: outputs)
            return outputs
        }
        let space = actual.indexSpace
        let m = space.indices.filter { !reduction.axes.contains($0) }.map { space[$0] }.reduce(1, *)
        let r = reduction.axes.map { space[$0] }.reduce(1, *)
        guard m > 0 else { return outputs }
        let L = options.groupSize
        let target = Swift.max(1, context.computeUnits) * (context.isGPU ? 64 : 4)
        if r <= L || m >= 16 * target {
            let entry = rendered.entry + "_rows"
            let (global, local) = context.gridStride(m)
            try context.launch(try program.kernel(entry, device: device), entry, buffers + [.buffer(outputs[0])] + shape,
                               global: global, local: local, outputs: outputs)
            return outputs
        }
        let g = m >= target ? 1 : Swift.max(1, Swift.min((target + m - 1) / m, (r + 4 * L - 1) / (4 * L)))
        let partial = g > 1 ? try context.allocate(m * g * rendered.partialDType!.byteSize) : outputs[0]
        try context.launch(try program.kernel(rendered.entry, device: device), rendered.entry,
                           buffers + [.buffer(outputs[0]), .buffer(partial), .index(g, rendered.indexType)] + shape,
                           global: m * g * L, local: L, outputs: g > 1 ? [partial] : outputs)
        if g > 1 {
            let entry = rendered.entry + "_finish"
            let (global, local) = context.gridStride(m)
            try context.launch(try program.kernel(entry, device: device), entry,
                               [.buffer(partial), .buffer(outputs[0]), .index(g, rendered.indexType), .index(m, rendered.indexType)],
                               global: global, local: local, outputs: outputs)
        }
        return outputs
    }
}
