import TesseraCore

/// A fused kernel lowered to Swift closures for the reference backend.
///
/// The index space is walked in row-major chunks of up to `chunkSize` points. Every body
/// instruction owns a register holding its value at each point of the current chunk, and
/// is lowered once, at compile time, to a closure that fills its register for a whole chunk
/// (loads gather through the index map; element-wise instructions call the reference
/// evaluator's typed loops on the operand registers, so fused results match eager results
/// bit for bit). Dispatch on the op and dtype happens once per instruction per chunk,
/// never per element.
final class ReferenceKernelProgram: CompiledKernel, @unchecked Sendable {
    let kernel: Kernel
    /// Points per chunk.
    let chunkSize: Int
    /// One closure per body instruction, filling its register for the current chunk.
    private let steps: [(inout ChunkContext) throws -> Void]

    init(kernel: Kernel, chunkSize: Int = 4096) throws {
        self.kernel = kernel
        self.chunkSize = chunkSize
        steps = try kernel.body.enumerated().map { n, inst in try ReferenceKernelProgram.lower(n, inst, kernel) }
    }

    /// The per-chunk state the lowered instructions read and write.
    struct ChunkContext {
        /// Input buffers' storage.
        var inputs: [UnsafeRawBufferPointer]
        /// One register per instruction: `chunkSize` elements of its dtype.
        var registers: [UnsafeMutableRawBufferPointer]
        /// First point (row-major position in the index space) of the chunk.
        var start: Int
        /// Points in the chunk.
        var count: Int
        /// The index space.
        var shape: [Int]

        /// The first `count` elements of register `n`.
        func register(_ n: Int, _ dtype: DType) -> UnsafeMutableRawBufferPointer {
            UnsafeMutableRawBufferPointer(rebasing: registers[n][0..<(count * dtype.byteSize)])
        }
        func read(_ n: Int, _ dtype: DType) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(register(n, dtype)) }
    }

    /// Runs the kernel on host storage (called on the device queue).
    func run(inputs: [UnsafeRawBufferPointer], outputs: [UnsafeMutableRawBufferPointer]) throws {
        let total = kernel.pointCount
        let body = kernel.body
        let registerBytes = chunkSize * 8
        let storage = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(1, registerBytes * body.count), alignment: 16)
        defer { storage.deallocate() }
        var context = ChunkContext(
            inputs: inputs,
            registers: body.indices.map { UnsafeMutableRawBufferPointer(start: storage + $0 * registerBytes, count: registerBytes) },
            start: 0, count: 0, shape: kernel.indexSpace)
        var accumulator: ReferenceAccumulator?
        if let r = kernel.reduction {
            accumulator = try ReferenceAccumulator(r, kernel: kernel, output: outputs[0])
        }
        var start = 0
        while start < total {
            context.start = start
            context.count = Swift.min(chunkSize, total - start)
            for step in steps { try step(&context) }
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
    }

    /// The closure computing instruction `n` for a chunk.
    static func lower(_ n: Int, _ inst: KernelInstruction, _ kernel: Kernel) throws -> (inout ChunkContext) throws -> Void {
        let dtype = inst.dtype
        let body = kernel.body
        func chunkType(_ d: DType, _ count: Int) -> ShapedType { ShapedType([count], d) }
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
        case .unary(let op, let x):
            let xType = body[x].dtype
            return { c in
                try PrimitiveEvaluator.evaluate(.unary(op), [c.read(x, xType)], [chunkType(xType, c.count)],
                                                [c.register(n, dtype)], [chunkType(dtype, c.count)])
            }
        case .binary(let op, let x, let y):
            let xType = body[x].dtype
            return { c in
                try PrimitiveEvaluator.evaluate(.binary(op), [c.read(x, xType), c.read(y, xType)],
                                                [chunkType(xType, c.count), chunkType(xType, c.count)],
                                                [c.register(n, dtype)], [chunkType(dtype, c.count)])
            }
        case .compare(let op, let x, let y):
            let xType = body[x].dtype
            return { c in
                try PrimitiveEvaluator.evaluate(.compare(op), [c.read(x, xType), c.read(y, xType)],
                                                [chunkType(xType, c.count), chunkType(xType, c.count)],
                                                [c.register(n, .bool)], [chunkType(.bool, c.count)])
            }
        case .select(let which, let onFalse, let onTrue):
            return { c in
                let t = chunkType(dtype, c.count)
                try PrimitiveEvaluator.evaluate(.select, [c.read(which, .bool), c.read(onFalse, dtype), c.read(onTrue, dtype)],
                                                [chunkType(.bool, c.count), t, t], [c.register(n, dtype)], [t])
            }
        case .convert(let x):
            let xType = body[x].dtype
            return { c in
                try PrimitiveEvaluator.evaluate(.convertElementType(newDType: dtype, weakType: false), [c.read(x, xType)],
                                                [chunkType(xType, c.count)], [c.register(n, dtype)], [chunkType(dtype, c.count)])
            }
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
