import ReferenceBackend
import TesseraCore

/// A fused kernel lowered to a multithreaded, block-wise vector program.
///
/// The index space is split into contiguous row-major ranges, one per thread of the
/// device; each thread walks its range in blocks of `blockSize` points. Within a block
/// the body runs instruction by instruction, each filling its value for the whole block
/// with one tight loop (float32/float64 arithmetic is specialised and vectorised; other
/// instructions call the reference evaluator's typed loops on the block). Values live in
/// a few L1-sized scratch slots reused by liveness; contiguous loads are read in place,
/// strided and broadcast loads are gathered per block (`StridedLoad`), literals and
/// broadcast scalars are filled once per thread, and the first store of each computed
/// value writes straight into the output. Nothing the size of the tensor is allocated.
final class BlockProgram: CompiledKernel, @unchecked Sendable {
    let kernel: Kernel
    /// Points per block.
    let blockSize: Int
    /// Bytes per scratch slot.
    private let slotBytes: Int
    private let slotCount: Int

    /// Where a value's block lives.
    private enum Home {
        case scratch(Int)
        /// A contiguous load read in place: input, element offset, element size.
        case input(Int, Int, Int)
        /// Written straight into an output: output, element size.
        case output(Int, Int)
    }
    private let homes: [Home]
    /// Computing instructions (and gathered loads, coordinates) in body order.
    private let steps: [(UnsafeMutablePointer<UnsafeMutableRawPointer>, [UnsafeRawPointer], Int, Int) -> Void]
    /// Values filled once per thread: literals (bytes) and broadcast scalar loads.
    private let uniformFills: [(value: KernelValue, fill: (UnsafeMutableRawPointer, [UnsafeRawPointer], Int) -> Void)]
    /// Stores that copy (loads, uniforms, values stored twice): value, output, element size.
    private let copyStores: [(KernelValue, Int, Int)]
    private let reduction: BlockReduction?

    init(kernel: Kernel, blockSize requested: Int = 2048) throws {
        self.kernel = kernel
        let body = kernel.body
        let maxSize = body.map(\.dtype.byteSize).max() ?? 1
        blockSize = Swift.max(256, requested * 4 / Swift.max(4, maxSize))
        slotBytes = (blockSize * maxSize + 63) & ~63
        let space = kernel.indexSpace

        // Classify values.
        var uniform = [Bool](repeating: false, count: body.count)
        var loads: [Int: StridedLoad] = [:]
        for (n, inst) in body.enumerated() {
            switch inst.op {
            case .literal: uniform[n] = true
            case .load(_, let map):
                let l = StridedLoad(map: map, indexSpace: space, elementSize: inst.dtype.byteSize)
                loads[n] = l
                uniform[n] = l.isUniform
            case .index, .unary, .binary, .compare, .select, .convert, .bitcast, .accumulator: break
            }
        }
        var homes = [Home?](repeating: nil, count: body.count)
        var copies: [(KernelValue, Int, Int)] = []
        for (n, l) in loads where l.isContiguous && !uniform[n] {
            if case .load(let input, _) = body[n].op { homes[n] = .input(input, l.offset, l.elementSize) }
        }
        for s in kernel.stores {
            let size = body[s.value].dtype.byteSize
            if homes[s.value] == nil && !uniform[s.value] && loads[s.value] == nil {
                homes[s.value] = .output(s.output, size)
            } else {
                copies.append((s.value, s.output, size))
            }
        }
        // Liveness: last use of each value (stores and the reduction keep values to the end).
        var lastUse = Array(0..<body.count)
        for (n, inst) in body.enumerated() { for x in inst.op.operands { lastUse[x] = Swift.max(lastUse[x], n) } }
        for (v, _, _) in copies { lastUse[v] = body.count }
        if let r = kernel.reduction { lastUse[r.value] = body.count }
        // Slots: uniforms keep theirs; others are reused once their value is dead.
        var free: [Int] = []
        var slotCount = 0
        func takeSlot() -> Int {
            if let s = free.popLast() { return s }
            slotCount += 1
            return slotCount - 1
        }
        for n in body.indices where uniform[n] { homes[n] = .scratch(takeSlot()) }
        for (n, inst) in body.enumerated() {
            if homes[n] == nil { homes[n] = .scratch(takeSlot()) }
            for x in Set(inst.op.operands) where lastUse[x] == n && !uniform[x] {
                if case .scratch(let s) = homes[x]! { free.append(s) }
            }
            if lastUse[n] == n && !uniform[n], case .scratch(let s) = homes[n]! { free.append(s) }
        }
        self.slotCount = slotCount
        self.homes = homes.map { $0! }
        copyStores = copies

        // Steps.
        var steps: [(UnsafeMutablePointer<UnsafeMutableRawPointer>, [UnsafeRawPointer], Int, Int) -> Void] = []
        var fills: [(value: KernelValue, fill: (UnsafeMutableRawPointer, [UnsafeRawPointer], Int) -> Void)] = []
        for (n, inst) in body.enumerated() {
            let size = inst.dtype.byteSize
            switch inst.op {
            case .literal(let literal):
                let value = ScalarLiteral(literal.value, dtype: inst.dtype)
                let bytes = value.withUnsafeBytes { Array($0) }
                fills.append((n, { dst, _, count in
                    bytes.withUnsafeBytes { b in for i in 0..<count { (dst + i * size).copyMemory(from: b.baseAddress!, byteCount: size) } }
                }))
            case .load(let input, _):
                let l = loads[n]!
                if uniform[n] {
                    fills.append((n, { dst, inputs, count in
                        let src = inputs[input] + l.offset * size
                        for i in 0..<count { (dst + i * size).copyMemory(from: src, byteCount: size) }
                    }))
                } else if !l.isContiguous {
                    steps.append({ v, inputs, start, count in l.gather(from: inputs[input], start: start, count: count, into: v[n]) })
                }
            case .index(let dimension):
                steps.append({ v, _, start, count in fillCoordinates(dimension: dimension, shape: space, start: start, count: count, into: v[n]) })
            default:
                let step = try BlockProgram.compute(n, inst, body, uniform: uniform, kernel: kernel)
                steps.append({ v, _, _, count in step(v, count) })
            }
        }
        self.steps = steps
        uniformFills = fills
        reduction = try kernel.reduction.map { try BlockReduction($0, kernel: kernel) }
    }

    /// The step for an element-wise instruction: a specialised loop where one exists,
    /// else the reference evaluator's typed loop on the block.
    private static func compute(_ n: Int, _ inst: KernelInstruction, _ body: [KernelInstruction], uniform: [Bool],
                                kernel: Kernel) throws -> BlockStep {
        let dtype = inst.dtype
        func operand(_ x: KernelValue) -> StepOperand { uniform[x] ? .uniform(x) : .vector(x) }
        switch inst.op {
        case .binary(let op, let x, let y):
            if dtype == .float32, let s = VectorSteps.binary(op, Float.self, operand(x), operand(y), n) { return s }
            if dtype == .float64, let s = VectorSteps.binary(op, Double.self, operand(x), operand(y), n) { return s }
            return fallback(.binary(op), [x, y], body, n, dtype)
        case .unary(let op, let x):
            if dtype == .float32, let s = VectorSteps.unary(op, Float.self, x, n) { return s }
            if dtype == .float64, let s = VectorSteps.unary(op, Double.self, x, n) { return s }
            return fallback(.unary(op), [x], body, n, dtype)
        case .compare(let op, let x, let y):
            switch body[x].dtype {
            case .float32: return VectorSteps.compare(op, Float.self, x, y, n)
            case .float64: return VectorSteps.compare(op, Double.self, x, y, n)
            case .bool, .int32, .int64, .uint32, .float16: return fallback(.compare(op), [x, y], body, n, .bool)
            }
        case .select(let which, let onFalse, let onTrue):
            switch dtype.byteSize {
            case 1: return VectorSteps.select(UInt8.self, which, onFalse, onTrue, n)
            case 2: return VectorSteps.select(UInt16.self, which, onFalse, onTrue, n)
            case 4: return VectorSteps.select(UInt32.self, which, onFalse, onTrue, n)
            default: return VectorSteps.select(UInt64.self, which, onFalse, onTrue, n)
            }
        case .convert(let x):
            return fallback(.convertElementType(newDType: dtype, weakType: false), [x], body, n, dtype)
        case .bitcast(let x):
            guard body[x].dtype.byteSize == dtype.byteSize else {
                throw TesseraError(.compilation, "blas: \(kernel.name): bitcast %\(x) from \(body[x].dtype) to \(dtype) changes the element size\n\(kernel)")
            }
            let size = dtype.byteSize
            return { v, count in v[n].copyMemory(from: v[x], byteCount: count * size) }
        case .load, .literal, .index, .accumulator:
            // The BLAS backend does not opt into reduction epilogues, so `accumulator` never occurs.
            preconditionFailure("blas: \(inst.op) is not an element-wise instruction")
        }
    }

    /// `primitive` on the block through the reference evaluator (same results as eager).
    private static func fallback(_ primitive: Primitive, _ operands: [KernelValue], _ body: [KernelInstruction],
                                 _ n: Int, _ dtype: DType) -> BlockStep {
        let types = operands.map { body[$0].dtype }
        return { v, count in
            let ins = zip(operands, types).map { UnsafeRawBufferPointer(start: v[$0], count: count * $1.byteSize) }
            let out = UnsafeMutableRawBufferPointer(start: v[n], count: count * dtype.byteSize)
            do {
                try PrimitiveEvaluator.evaluate(primitive, ins, types.map { ShapedType([count], $0) }, [out], [ShapedType([count], dtype)])
            } catch {
                // Unsupported op/dtype pairs are rejected by the shape rules before a kernel
                // is built; reaching this is a bug in the fusion pass.
                preconditionFailure("blas: fused \(printedName(primitive)) failed: \(error)")
            }
        }
    }

    /// Runs the kernel on host storage using up to `queue.threadCount` threads.
    func run(inputs: [UnsafeRawPointer], outputs: [UnsafeMutableRawPointer], queue: BLASQueue) {
        let total = kernel.pointCount
        if let reduction {
            runReduction(reduction, inputs: inputs, output: outputs[0], total: total, queue: queue)
            return
        }
        guard total > 0 else { return }
        let parts = queue.parts(for: total, grain: 16384)
        let blocks = (total + blockSize - 1) / blockSize
        let perPart = (blocks + parts - 1) / parts * blockSize
        queue.parallel(parts: parts) { part in
            let lower = part * perPart, upper = Swift.min(total, lower + perPart)
            if lower < upper { self.runRange(lower..<upper, inputs: inputs, outputs: outputs, accumulator: nil) }
        }
    }

    private func runReduction(_ r: BlockReduction, inputs: [UnsafeRawPointer], output: UnsafeMutableRawPointer,
                              total: Int, queue: BLASQueue) {
        r.initialise(output, count: r.outputCount)
        guard total > 0 else { return }
        let parts = queue.parts(for: total, grain: 16384)
        if parts > 1, case .trailing(let reduced) = r.layout, r.outputCount >= parts {
            // Threads own disjoint output rows: no partials.
            let perPart = (r.outputCount + parts - 1) / parts
            queue.parallel(parts: parts) { part in
                let lower = part * perPart * reduced, upper = Swift.min(total, (part + 1) * perPart * reduced)
                if lower < upper { self.runRange(lower..<upper, inputs: inputs, outputs: [], accumulator: output) }
            }
            return
        }
        let useParts = r.outputCount * parts <= Swift.max(total, 1 << 16) ? parts : 1
        if useParts == 1 {
            runRange(0..<total, inputs: inputs, outputs: [], accumulator: output)
            return
        }
        let bytes = r.outputCount * r.dtype.byteSize
        let partials = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(1, bytes * useParts), alignment: 64)
        defer { partials.deallocate() }
        let perPart = (total + useParts - 1) / useParts
        queue.parallel(parts: useParts) { part in
            let acc = partials + part * bytes
            r.initialise(acc, count: r.outputCount)
            let lower = part * perPart, upper = Swift.min(total, lower + perPart)
            if lower < upper { self.runRange(lower..<upper, inputs: inputs, outputs: [], accumulator: acc) }
        }
        for part in 0..<useParts { r.merge(partials + part * bytes, into: output) }
    }

    /// One thread's work: the blocks of `range`.
    private func runRange(_ range: Range<Int>, inputs: [UnsafeRawPointer], outputs: [UnsafeMutableRawPointer],
                          accumulator: UnsafeMutableRawPointer?) {
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(64, slotCount * slotBytes), alignment: 64)
        defer { scratch.deallocate() }
        let table = UnsafeMutablePointer<UnsafeMutableRawPointer>.allocate(capacity: Swift.max(1, homes.count))
        defer { table.deallocate() }
        var perBlock: [(KernelValue, Home)] = []
        for (n, home) in homes.enumerated() {
            switch home {
            case .scratch(let s): table[n] = scratch + s * slotBytes
            case .input, .output:
                table[n] = scratch
                perBlock.append((n, home))
            }
        }
        let firstCount = Swift.min(blockSize, range.count)
        for u in uniformFills { u.fill(table[u.value], inputs, firstCount) }
        var start = range.lowerBound
        while start < range.upperBound {
            let count = Swift.min(blockSize, range.upperBound - start)
            for (n, home) in perBlock {
                switch home {
                case .input(let i, let offset, let size): table[n] = UnsafeMutableRawPointer(mutating: inputs[i] + (offset + start) * size)
                case .output(let o, let size): table[n] = outputs[o] + start * size
                case .scratch: break
                }
            }
            for step in steps { step(table, inputs, start, count) }
            for (v, o, size) in copyStores { (outputs[o] + start * size).copyMemory(from: table[v], byteCount: count * size) }
            if let accumulator, let reduction, let r = kernel.reduction {
                reduction.accumulate(table[r.value], start: start, count: count, into: accumulator)
            }
            start += count
        }
    }
}
