import TesseraCore

/// The reference backend renders any reduction epilogue (as an element-wise program over
/// the output space).
extension ReferenceBackend: ReductionEpilogueRendering {}

extension ReferenceBackend {
    /// Lowers a fused kernel to Swift closures (see `ReferenceKernelProgram`).
    public func compile(_ kernel: Kernel, on device: Device) throws -> any CompiledKernel {
        try ReferenceKernelProgram(kernel: kernel)
    }

    /// Allocates the outputs and enqueues the kernel on the device's queue (small kernels
    /// run at once on the calling thread when the queue is idle, as small eager operations do).
    public func run(_ kernel: any CompiledKernel, inputs: [any DeviceBuffer], on device: Device) throws -> [any DeviceBuffer] {
        guard let program = kernel as? ReferenceKernelProgram else {
            throw TesseraError(.invalidArgument, "reference: \(kernel.kernel.name) was compiled by another backend; compile it with the reference backend")
        }
        let k = program.kernel
        if inputs.count != k.inputs.count {
            throw TesseraError(.invalidArgument, "reference: \(k.name) takes \(k.inputs.count) inputs, got \(inputs.count)")
        }
        var ins: [ReferenceBuffer] = []
        ins.reserveCapacity(inputs.count)
        for (buffer, t) in zip(inputs, k.inputs) {
            let b = try Self.referenceBuffer(buffer)
            if b.byteCount < t.byteCount {
                throw TesseraError(.invalidArgument, "reference: \(k.name): an input buffer of \(b.byteCount) bytes is smaller than \(t)")
            }
            ins.append(b)
        }
        var outs: [ReferenceBuffer] = []
        outs.reserveCapacity(k.outputs.count)
        for t in k.outputs { outs.append(try ReferenceBuffer(byteCount: t.byteCount)) }
        let inputBuffers = ins, outputBuffers = outs
        queue(for: device).submit(inputs: inputBuffers, outputs: outputBuffers, bytes: program.workBytes) {
            try PrimitiveEvaluator.withBytes(inputBuffers) { x in
                try PrimitiveEvaluator.withMutableBytes(outputBuffers) { out in
                    try program.run(inputs: x, outputs: out)
                }
            }
        }
        return outs
    }
}
