import TesseraCore

extension ReferenceBackend {
    /// Lowers a fused kernel to Swift closures (see `ReferenceKernelProgram`).
    public func compile(_ kernel: Kernel, on device: Device) throws -> any CompiledKernel {
        try ReferenceKernelProgram(kernel: kernel)
    }

    /// Allocates the outputs and enqueues the kernel on the device's queue.
    public func run(_ kernel: any CompiledKernel, inputs: [any DeviceBuffer], on device: Device) throws -> [any DeviceBuffer] {
        guard let program = kernel as? ReferenceKernelProgram else {
            throw TesseraError(.invalidArgument, "reference: \(kernel.kernel.name) was compiled by another backend; compile it with the reference backend")
        }
        let k = program.kernel
        if inputs.count != k.inputs.count {
            throw TesseraError(.invalidArgument, "reference: \(k.name) takes \(k.inputs.count) inputs, got \(inputs.count)")
        }
        let ins = try inputs.map(Self.referenceBuffer)
        for (b, t) in zip(ins, k.inputs) where b.byteCount < t.byteCount {
            throw TesseraError(.invalidArgument, "reference: \(k.name): an input buffer of \(b.byteCount) bytes is smaller than \(t)")
        }
        let outs = try k.outputs.map { try ReferenceBuffer(byteCount: $0.byteCount) }
        queue(for: device).enqueue(inputs: ins, outputs: outs) {
            try PrimitiveEvaluator.withBytes(ins) { x in
                try PrimitiveEvaluator.withMutableBytes(outs) { out in
                    try program.run(inputs: x, outputs: out)
                }
            }
        }
        return outs
    }
}
