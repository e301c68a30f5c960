import TesseraCore

/// A fused kernel lowered to Swift closures for the reference backend.
///
/// The index space is walked in row-major chunks of up to `chunkSize` points. Every body
/// instruction has a register holding its value at each point of the current chunk, and
/// is lowered once, at compile time, to one of:
/// - a contiguous load: no copy, the register is a view of the input at the chunk;
/// - an invariant (a literal, or a load with all strides 0): filled once per run;
/// - a closure filling the register for a whole chunk (strided loads gather through the
///   index map; element-wise instructions call the reference evaluator's typed loops on
///   the operand registers, so fused results match eager results bit for bit).
/// Dispatch on the op and dtype happens once per instruction per chunk, never per element.
final class ReferenceKernelProgram: CompiledKernel, @unchecked Sendable {
    let kernel: Kernel
    /// Points per chunk.
    let chunkSize: Int
    /// How each instruction's register is produced.
    enum Lowered {
        /// A view of input `input` at element `offset + start` (a contiguous load).
        case view(input: Int, offset: Int)
        /// Filled once per run (a literal or a broadcast scalar load).
        case invariant((inout ChunkContext) throws -> Void)
        /// Filled for each chunk.
        case perChunk((inout ChunkContext) throws -> Void)
    }
    private let lowered: [Lowered]
    /// Reduction kernels: the epilogue as an element-wise program over the output space
    /// whose last input is the accumulator buffer.
    private let epilogue: ReferenceKernelProgram?

    /// A measure of the work of one run for the queue's inline shortcut: the bytes each
    /// instruction touches over the index space (so a one-element polynomial runs inline
    /// and a large kernel on the queue).
    let workBytes: Int

    init(kernel: Kernel, chunkSize: Int = 4096) throws {
        self.kernel = kernel
        self.chunkSize = chunkSize
        workBytes = kernel.pointCount * (kernel.body.count + kernel.epilogue.count + kernel.outputs.count) * 8
        if let r = kernel.reduction {
            let space = kernel.outputSpace
            let accumulatorInput = kernel.inputs.count
            let contiguous = KernelIndexMap(offset: 0, strides: zip(contiguousStrides(space), space).map { $1 <= 1 ? 0 : $0 })
            // A plain reduction converts the accumulator to its one output.
            let plain = kernel.epilogue.isEmpty
            let instructions = plain
                ? [KernelInstruction(.accumulator, r.accumulatorDType), KernelInstruction(.convert(0), kernel.outputs[0].dtype)]
                : kernel.epilogue
            let body = instructions.map { inst -> KernelInstruction in
                if case .accumulator = inst.op { return KernelInstruction(.load(input: accumulatorInput, map: contiguous), inst.dtype) }
                return inst
            }
            epilogue = try ReferenceKernelProgram(kernel: Kernel(
                name: kernel.name + "_epilogue", inputs: kernel.inputs + [ShapedType(space, r.accumulatorDType)],
                outputs: kernel.outputs, indexSpace: space, body: body,
                stores: plain ? [KernelStore(output: 0, value: 1)] : kernel.stores, reduction: nil),
                chunkSize: chunkSize)
        } else {
            epilogue = nil
        }
        let contiguous = zip(contiguousStrides(kernel.indexSpace), kernel.indexSpace).map { $1 <= 1 ? 0 : $0 }
        lowered = try kernel.body.enumerated().map { n, inst in
            if case .load(let input, let map) = inst.op {
                if map.strides == contiguous { return .view(input: input, offset: map.offset) }
                if map.strides.allSatisfy({ $0 == 0 }) {
                    let size = inst.dtype.byteSize
                    return .invariant { c in
                        let out = c.storage(n, inst.dtype, count: c.capacity)
                        let src = c.inputs[input].baseAddress! + map.offset * size
                        for i in 0..<c.capacity { (out.baseAddress! + i * size).copyMemory(from: src, byteCount: size) }
                    }
                }
            }
            let fill = try ReferenceKernelProgram.lower(n, inst, kernel)
            if case .literal = inst.op { return .invariant(fill) }
            return .perChunk(fill)
        }
    }

    /// The per-chunk state the lowered instructions read and write.
    struct ChunkContext {
        /// Input buffers' storage.
        var inputs: [UnsafeRawBufferPointer]
        /// One register per instruction: `chunkSize` elements of its dtype.
        var registers: [UnsafeMutableRawBufferPointer]
        /// Where each instruction's values for the current chunk are (its register, or a
        /// view of an input for contiguous loads).
        var values: [UnsafeRawPointer]
        /// First point (row-major position in the index space) of the chunk.
        var start: Int
        /// Points in the chunk.
        var count: Int
        /// The index space.
        var shape: [Int]
        /// Elements per register (the chunk size, or fewer for a small index space).
        var capacity: Int

        /// The first `count` elements of register `n`, for writing.
        func register(_ n: Int, _ dtype: DType) -> UnsafeMutableRawBufferPointer { storage(n, dtype, count: count) }
        /// The first `count` elements of register `n`'s storage.
        func storage(_ n: Int, _ dtype: DType, count: Int) -> UnsafeMutableRawBufferPointer {
            UnsafeMutableRawBufferPointer(rebasing: registers[n][0..<(count * dtype.byteSize)])
        }
        /// The values of instruction `n` at the chunk's points.
        func read(_ n: Int, _ dtype: DType) -> UnsafeRawBufferPointer {
            UnsafeRawBufferPointer(start: values[n], count: count * dtype.byteSize)
        }
    }

    /// Runs the kernel on host storage (called on the device queue).
    func run(inputs: [UnsafeRawBufferPointer], outputs: [UnsafeMutableRawBufferPointer]) throws {
        let total = kernel.pointCount
        let body = kernel.body
        // Registers as large as a chunk, or as the whole index space when it is smaller
        // (a one-element call allocates bytes, not the 4096-element chunk), 16-byte aligned.
        let capacity = Swift.max(1, Swift.min(chunkSize, total))
        let registerBytes = (capacity * 8 + 15) & ~15
        let storage = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(1, registerBytes * body.count), alignment: 16)
        defer { storage.deallocate() }
        var context = ChunkContext(
            inputs: inputs,
            registers: body.indices.map { UnsafeMutableRawBufferPointer(start: storage + $0 * registerBytes, count: registerBytes) },
            values: body.indices.map { UnsafeRawPointer(storage + $0 * registerBytes) },
            start: 0, count: 0, shape: kernel.indexSpace, capacity: capacity)
        var accumulator: ReferenceAccumulator?
        var accumulated: UnsafeMutableRawBufferPointer?
        if let r = kernel.reduction {
            let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: Swift.max(1, kernel.outputSpace.reduce(1, *) * r.accumulatorDType.byteSize), alignment: 16)
            accumulated = bytes
            accumulator = try ReferenceAccumulator(r, kernel: kernel, output: bytes)
        }
        defer { accumulated?.deallocate() }
        var start = 0
        while start < total {
            context.start = start
            context.count = Swift.min(chunkSize, total - start)
            for (n, l) in lowered.enumerated() {
                switch l {
                case .view(let input, let offset):
                    let size = body[n].dtype.byteSize
                    context.values[n] = inputs[input].baseAddress! + (start + offset) * size
                case .invariant(let fill):
                    if start == 0 { try fill(&context) }
                case .perChunk(let fill):
                    try fill(&context)
                }
            }
            if let accumulator {
                let r = kernel.reduction!
                try accumulator.combine(context.read(r.value, body[r.value].dtype), start: start, count: context.count)
            } else {
                for s in kernel.stores {
                    let size = body[s.value].dtype.byteSize
                    let src = context.read(s.value, body[s.value].dtype)
                    (outputs[s.output].baseAddress! + start * size).copyMemory(from: src.baseAddress!, byteCount: src.count)
                }
            }
            start += context.count
        }
        try accumulator?.finish()
        if let epilogue, let accumulated {
            try epilogue.run(inputs: inputs + [UnsafeRawBufferPointer(accumulated)], outputs: outputs)
        }
    }

    /// The closure computing instruction `n` for a chunk.
    static func lower(_ n: Int, _ inst: KernelInstruction, _ kernel: Kernel) throws -> (inout ChunkContext) throws -> Void {
        let dtype = inst.dtype
        let body = kernel.body
        switch inst.op {
        case .load(let input, let map):
            let size = dtype.byteSize
            return { c in
                KernelGather.gather(from: c.inputs[input], map: map, shape: c.shape, start: c.start, count: c.count,
                                    elementSize: size, into: c.register(n, dtype))
            }
        case .literal(let literal):
            let value = ScalarLiteral(literal.value, dtype: dtype)
            return { c in
                let out = c.register(n, dtype)
                value.withUnsafeBytes { bytes in
                    for i in 0..<c.count { (out.baseAddress! + i * bytes.count).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count) }
                }
            }
        case .index(let dimension):
            return { c in
                KernelGather.coordinates(dimension: dimension, shape: c.shape, start: c.start, count: c.count,
                                         into: c.register(n, .int32))
            }
        // Element-wise instructions call the evaluator's typed loops directly (the same
        // loops as eager `execute`, without building its argument arrays per chunk).
        case .unary(let op, let x):
            let xType = ShapedType([], body[x].dtype)
            return { c in try UnaryKernels.run(op, c.read(x, xType.dtype), xType, c.register(n, dtype)) }
        case .binary(let op, let x, let y):
            let xType = body[x].dtype
            return { c in try BinaryKernels.run(op, c.read(x, xType), c.read(y, xType), xType, c.register(n, dtype)) }
        case .compare(let op, let x, let y):
            let xType = body[x].dtype
            return { c in CompareSelectConvert.compare(op, c.read(x, xType), c.read(y, xType), xType, c.register(n, .bool)) }
        case .select(let which, let onFalse, let onTrue):
            let size = dtype.byteSize
            return { c in
                CompareSelectConvert.select(c.read(which, .bool), c.read(onFalse, dtype), c.read(onTrue, dtype),
                                            elementSize: size, c.register(n, dtype))
            }
        case .convert(let x):
            let xType = body[x].dtype
            return { c in try CompareSelectConvert.convert(c.read(x, xType), from: xType, to: dtype, c.register(n, dtype)) }
        case .accumulator:
            throw TesseraError(.compilation, "reference: \(kernel.name): accumulator outside a reduction's epilogue\n\(kernel)")
        case .bitcast(let x):
            let xType = body[x].dtype
            guard xType.byteSize == dtype.byteSize else {
                throw TesseraError(.compilation, "reference: \(kernel.name): bitcast %\(x) from \(xType) to \(dtype) changes the element size\n\(kernel)")
            }
            return { c in
                let src = c.read(x, xType)
                c.register(n, dtype).baseAddress!.copyMemory(from: src.baseAddress!, byteCount: src.count)
            }
        }
    }
}
