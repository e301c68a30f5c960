import ReferenceBackend
import Synchronization
import TesseraCore

/// Runs one primitive on a BLAS device's host memory (the eager path).
///
/// Hot primitives have fast implementations: element-wise operations run specialised
/// float loops or the reference typed loops split over the device's threads;
/// `broadcast_in_dim`, `transpose` and `reduce_*` run as one-instruction block programs
/// (strided loads, multithreaded, per-thread partials); `dot_general` calls OpenBLAS.
/// Every other primitive uses the reference backend's host implementation on the same
/// memory. The switch is exhaustive over `Primitive`.
enum EagerEvaluator {
    /// Points below which an operation is not worth a block program or a thread hand-off.
    static let smallCount = 8192

    static func run(_ primitive: Primitive, _ x: [UnsafeRawBufferPointer], _ types: [ShapedType],
                    _ out: [UnsafeMutableRawBufferPointer], _ outTypes: [ShapedType], queue: BLASQueue) throws {
        let count = outTypes[0].count
        switch primitive {
        case .binary(let op):
            if count <= smallCount, floatBinary(op, x[0], x[1], types[0].dtype, out[0], count) { return }
            try elementwise(primitive, x, types, out, outTypes, queue: queue)
        case .unary, .compare, .select, .convertElementType:
            try elementwise(primitive, x, types, out, outTypes, queue: queue)
        case .broadcastInDim(let shape, let dims):
            guard count > smallCount else { break }
            let inStrides = contiguousStrides(types[0].shape)
            var strides = [Int](repeating: 0, count: shape.count)
            for (j, axis) in dims.enumerated() where types[0].shape[j] == shape[axis] { strides[axis] = inStrides[j] }
            try copyKernel(x[0], types[0], strides: strides, out[0], outTypes[0], queue: queue)
            return
        case .transpose(let permutation):
            guard count > smallCount else { break }
            let inStrides = contiguousStrides(types[0].shape)
            try copyKernel(x[0], types[0], strides: permutation.map { inStrides[$0] }, out[0], outTypes[0], queue: queue)
            return
        case .reduce(let op, let axes):
            guard types[0].count > smallCount else { break }
            let load = KernelInstruction(.load(input: 0, map: KernelIndexMap(offset: 0, strides: contiguousStrides(types[0].shape))), types[0].dtype)
            let kernel = Kernel(name: "reduce_\(op.rawValue)", inputs: [types[0]], outputs: outTypes, indexSpace: types[0].shape,
                                body: [load], stores: [],
                                reduction: KernelReduction(op: op, axes: axes.sorted(), value: 0, accumulatorDType: types[0].dtype))
            guard let program = try? BlockProgram(kernel: kernel) else { break }
            program.run(inputs: [x[0].baseAddress!], outputs: [out[0].baseAddress!], queue: queue)
            return
        case .dotGeneral(let dn, let preferred):
            try GemmExecutor.run(x[0], types[0], x[1], types[1], dn, preferred: preferred, out[0], outTypes[0])
            return
        case .iota, .bitcastConvertType, .reshape, .slice, .dynamicSlice, .dynamicUpdateSlice, .pad, .concatenate, .rev,
             .gather, .scatter, .argReduce, .cumulative, .sort, .threefry2x32, .stopGradient:
            break
        case .convGeneralDilated(let p):
            // im2col + GEMM for float32/float64 (Conv/ConvIm2col); other dtypes and empty operands on the host path.
            if ConvIm2col.run(p, x, types, out[0], outTypes[0], queue: queue) { return }
        case .linalg(let op):
            // LAPACK for float32/float64 (Lapack/LapackKernels); other dtypes and empty matrices on the host path.
            if LapackKernels.run(op, x, types, out, outTypes) { return }
        case .cond, .whileLoop, .scan, .collective:
            preconditionFailure("blas: \(printedName(primitive)) reached a backend; the core runs control flow (ControlFlowEvaluation) and collectives (the pmap runtime)")
        }
        try PrimitiveEvaluator.evaluate(primitive, x, types, out, outTypes)
    }

    /// `out = op(a, b)` for float32/float64 add, sub, mul, div, max, min with no
    /// allocation (the small-tensor eager path); false for other cases.
    @inline(__always)
    static func directBinary(_ op: BinaryOp, _ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ out: UnsafeMutableRawPointer,
                             _ count: Int, _ dtype: DType) -> Bool {
        switch dtype {
        case .float32: return directBinary(op, a, b, out, count, Float.self)
        case .float64: return directBinary(op, a, b, out, count, Double.self)
        case .bool, .int32, .int64, .uint32, .float16: return false
        }
    }

    @inline(__always)
    static func directBinary<T: BinaryFloatingPoint>(_ op: BinaryOp, _ a: UnsafeRawPointer, _ b: UnsafeRawPointer,
                                                     _ out: UnsafeMutableRawPointer, _ count: Int, _: T.Type) -> Bool {
        let x = a.assumingMemoryBound(to: T.self), y = b.assumingMemoryBound(to: T.self), o = out.assumingMemoryBound(to: T.self)
        switch op {
        case .add: loop(x, y, o, count, AddFunction.self)
        case .sub: loop(x, y, o, count, SubFunction.self)
        case .mul: loop(x, y, o, count, MulFunction.self)
        case .div: loop(x, y, o, count, DivFunction.self)
        case .max: loop(x, y, o, count, MaxFunction.self)
        case .min: loop(x, y, o, count, MinFunction.self)
        case .rem, .pow, .atan2, .and, .or, .xor, .shiftLeft, .shiftRightLogical, .shiftRightArithmetic: return false
        }
        return true
    }

    @inline(__always)
    static func loop<T: BinaryFloatingPoint, F: FloatBinaryFunction>(_ x: UnsafePointer<T>, _ y: UnsafePointer<T>,
                                                                     _ o: UnsafeMutablePointer<T>, _ n: Int, _: F.Type) {
        for i in 0..<n { o[i] = F.apply(x[i], y[i]) }
    }

    /// float32/float64 add, sub, mul, div, max, min in one loop; false for other cases.
    @inline(__always)
    static func floatBinary(_ op: BinaryOp, _ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer, _ dtype: DType,
                            _ out: UnsafeMutableRawBufferPointer, _ count: Int) -> Bool {
        guard count > 0 else { return true }
        let step: BlockStep?
        switch dtype {
        case .float32: step = VectorSteps.binary(op, Float.self, .vector(0), .vector(1), 2)
        case .float64: step = VectorSteps.binary(op, Double.self, .vector(0), .vector(1), 2)
        case .bool, .int32, .int64, .uint32, .float16: return false
        }
        guard let step else { return false }
        withUnsafeTemporaryAllocation(of: UnsafeMutableRawPointer.self, capacity: 3) { table in
            table[0] = UnsafeMutableRawPointer(mutating: a.baseAddress!)
            table[1] = UnsafeMutableRawPointer(mutating: b.baseAddress!)
            table[2] = out.baseAddress!
            step(table.baseAddress!, count)
        }
        return true
    }

    /// An element-wise primitive over the flat range, split across threads (each part
    /// calls the fast float loop or the reference typed loop on its sub-range).
    static func elementwise(_ primitive: Primitive, _ x: [UnsafeRawBufferPointer], _ types: [ShapedType],
                            _ out: [UnsafeMutableRawBufferPointer], _ outTypes: [ShapedType], queue: BLASQueue) throws {
        let count = outTypes[0].count
        let parts = queue.parts(for: count, grain: 32768)
        guard parts > 1, types.allSatisfy({ $0.count == count }) else {
            if case .binary(let op) = primitive, floatBinary(op, x[0], x[1], types[0].dtype, out[0], count) { return }
            try PrimitiveEvaluator.evaluate(primitive, x, types, out, outTypes)
            return
        }
        let perPart = (count + parts - 1) / parts
        let failure = FirstError()
        queue.parallel(parts: parts) { part in
            let lower = part * perPart, upper = Swift.min(count, lower + perPart)
            guard lower < upper else { return }
            let n = upper - lower
            let xs = zip(x, types).map { UnsafeRawBufferPointer(rebasing: $0[(lower * $1.dtype.byteSize)..<(upper * $1.dtype.byteSize)]) }
            let os = zip(out, outTypes).map { UnsafeMutableRawBufferPointer(rebasing: $0[(lower * $1.dtype.byteSize)..<(upper * $1.dtype.byteSize)]) }
            if case .binary(let op) = primitive, floatBinary(op, xs[0], xs[1], types[0].dtype, os[0], n) { return }
            do {
                try PrimitiveEvaluator.evaluate(primitive, xs, types.map { ShapedType([n], $0.dtype) }, os,
                                                outTypes.map { ShapedType([n], $0.dtype) })
            } catch {
                failure.record(error)
            }
        }
        try failure.rethrow()
    }

    /// `out[i] = x[offset(i)]` through a one-load block program (broadcasts, transposes).
    static func copyKernel(_ x: UnsafeRawBufferPointer, _ type: ShapedType, strides: [Int], _ out: UnsafeMutableRawBufferPointer,
                           _ outType: ShapedType, queue: BLASQueue) throws {
        let load = KernelInstruction(.load(input: 0, map: KernelIndexMap(offset: 0, strides: strides)), type.dtype)
        let kernel = Kernel(name: "copy", inputs: [type], outputs: [outType], indexSpace: outType.shape,
                            body: [load], stores: [KernelStore(output: 0, value: 0)], reduction: nil)
        try BlockProgram(kernel: kernel).run(inputs: [x.baseAddress!], outputs: [out.baseAddress!], queue: queue)
    }
}

/// The first error thrown by any of several parallel parts.
final class FirstError: Sendable {
    private let error = Mutex<(any Error)?>(nil)
    func record(_ e: any Error) { error.withLock { if $0 == nil { $0 = e } } }
    func rethrow() throws { if let e = error.withLock({ $0 }) { throw e } }
}
