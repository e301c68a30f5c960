import TesseraCore

/// Runs one primitive on host buffers: the reference semantics of the primitive set.
///
/// `validate` runs at once on the caller's thread (an unsupported request throws before
/// anything is enqueued); `run` runs on the device queue. Both are exhaustive switches
/// over `Primitive`, without `default:`. Control-flow primitives never reach a backend:
/// the core evaluates them (`ControlFlowEvaluation`).
package enum PrimitiveEvaluator {
    /// Throws at once for a request the reference backend cannot serve.
    package static func validate(_ primitive: Primitive, inputTypes: [ShapedType], outputTypes: [ShapedType]) throws {
        switch primitive {
        case .dotGeneral:
            if inputTypes[0].dtype == .bool || outputTypes[0].dtype == .bool {
                throw TesseraError(.unsupported, "dot_general: unsupported dtype bool on reference:0; convert the operands with asType(.int32) or asType(.float32)")
            }
        case .unary, .binary, .compare, .select, .convertElementType, .bitcastConvertType, .iota,
             .broadcastInDim, .reshape, .transpose, .slice, .dynamicSlice, .dynamicUpdateSlice, .pad,
             .concatenate, .rev, .gather, .scatter, .reduce, .argReduce, .cumulative, .sort,
             .threefry2x32, .stopGradient:
            return
        case .convGeneralDilated, .linalg: return
        case .cond, .whileLoop, .scan, .collective:
            preconditionFailure("reference: \(printedName(primitive)) reached a backend; the core runs control flow (ControlFlowEvaluation) and collectives (the pmap runtime)")
        }
    }

    /// The index of the input whose buffer is the output unchanged (reshape and
    /// stop_gradient keep the row-major bytes), if any. Buffers are immutable, so sharing is safe.
    package static func aliasedInput(_ primitive: Primitive) -> Int? {
        switch primitive {
        case .reshape, .stopGradient: return 0
        case .convGeneralDilated, .linalg: return nil
        case .unary, .binary, .compare, .select, .convertElementType, .bitcastConvertType, .iota,
             .broadcastInDim, .transpose, .slice, .dynamicSlice, .dynamicUpdateSlice, .pad,
             .concatenate, .rev, .gather, .scatter, .reduce, .argReduce, .cumulative, .sort,
             .dotGeneral, .threefry2x32, .cond, .whileLoop, .scan, .collective:
            return nil
        }
    }

    /// Evaluates `primitive`, writing every output buffer.
    static func run(_ primitive: Primitive, inputs: [ReferenceBuffer], inputTypes: [ShapedType],
                    outputs: [ReferenceBuffer], outputTypes: [ShapedType]) throws {
        try withBytes(inputs) { x in
            try withMutableBytes(outputs) { out in
                try evaluate(primitive, x, inputTypes, out, outputTypes)
            }
        }
    }

    /// Evaluates on raw storage (also usable by compiled kernels and tests).
    package static func evaluate(_ primitive: Primitive, _ x: [UnsafeRawBufferPointer], _ types: [ShapedType],
                         _ out: [UnsafeMutableRawBufferPointer], _ outTypes: [ShapedType]) throws {
        switch primitive {
        case .unary(let op):
            try UnaryKernels.run(op, x[0], types[0], out[0])
        case .binary(let op):
            try BinaryKernels.run(op, x[0], x[1], types[0].dtype, out[0])
        case .compare(let op):
            CompareSelectConvert.compare(op, x[0], x[1], types[0].dtype, out[0])
        case .select:
            CompareSelectConvert.select(x[0], x[1], x[2], elementSize: types[1].dtype.byteSize, out[0])
        case .convertElementType(let newDType, _):
            try CompareSelectConvert.convert(x[0], from: types[0].dtype, to: newDType, out[0])
        case .bitcastConvertType, .reshape, .stopGradient:
            copyBytes(x[0], out[0])
        case .iota(let dtype, let shape, let dimension):
            try CompareSelectConvert.iota(dtype: dtype, shape: shape, dimension: dimension, out[0])
        case .broadcastInDim(let shape, let dims):
            MovementKernels.broadcastInDim(x[0], types[0], shape: shape, broadcastDimensions: dims, out[0])
        case .transpose(let permutation):
            MovementKernels.transpose(x[0], types[0], permutation: permutation, out[0])
        case .slice(let start, _, let strides):
            MovementKernels.slice(x[0], types[0], start: start, strides: strides, outShape: outTypes[0].shape, out[0])
        case .dynamicSlice(let sizes):
            let starts = (1..<x.count).map { MovementKernels.scalarIndex(x[$0], types[$0].dtype) }
            MovementKernels.dynamicSlice(x[0], types[0], starts: starts, sizes: sizes, out[0])
        case .dynamicUpdateSlice:
            let starts = (2..<x.count).map { MovementKernels.scalarIndex(x[$0], types[$0].dtype) }
            MovementKernels.dynamicUpdateSlice(x[0], types[0], update: x[1], types[1], starts: starts, out[0])
        case .pad(let config):
            MovementKernels.pad(x[0], types[0], value: x[1], config: config, outShape: outTypes[0].shape, out[0])
        case .concatenate(let dimension):
            MovementKernels.concatenate(x, types, dimension: dimension, outShape: outTypes[0].shape, out[0])
        case .rev(let dimensions):
            MovementKernels.rev(x[0], types[0], dimensions: dimensions, out[0])
        case .gather(let dn, let sliceSizes, let mode):
            GatherScatterKernels.gather(x[0], types[0], x[1], types[1], dimensionNumbers: dn, sliceSizes: sliceSizes,
                                        mode: mode, outShape: outTypes[0].shape, out[0])
        case .scatter(let dn, let mode):
            try GatherScatterKernels.scatter(x[0], types[0], x[1], types[1], x[2], types[2], dimensionNumbers: dn,
                                             mode: mode, out[0])
        case .reduce(let op, let axes):
            try ReductionKernels.reduce(op, axes: axes, x[0], types[0], out[0])
        case .argReduce(let op, let axis, let indexDType):
            try ReductionKernels.argReduce(op, axis: axis, indexDType: indexDType, x[0], types[0], out[0])
        case .cumulative(let op, let axis, let reverse):
            try ReductionKernels.cumulative(op, axis: axis, reverse: reverse, x[0], types[0], out[0])
        case .sort(let dimension, _, let numKeys):
            SortKernels.sort(dimension: dimension, numKeys: numKeys, x, types, out)
        case .dotGeneral(let dn, _):
            try DotGeneralKernel.run(x[0], types[0], x[1], types[1], dimensionNumbers: dn, outType: outTypes[0], out[0])
        case .threefry2x32:
            ThreefryKernel.run(x[0], x[1], x[2], x[3], out[0], out[1])
        case .convGeneralDilated, .linalg: HostEvaluation.run(primitive, inputs: x, inputTypes: types, outputs: out, outputTypes: outTypes)
        case .cond, .whileLoop, .scan, .collective:
            preconditionFailure("reference: \(printedName(primitive)) reached a backend; the core runs control flow (ControlFlowEvaluation) and collectives (the pmap runtime)")
        }
    }

    static func copyBytes(_ x: UnsafeRawBufferPointer, _ out: UnsafeMutableRawBufferPointer) {
        if out.count > 0 { out.baseAddress!.copyMemory(from: x.baseAddress!, byteCount: out.count) }
    }

    /// Calls `body` with the storage of every buffer.
    static func withBytes<R>(_ buffers: [ReferenceBuffer], _ body: ([UnsafeRawBufferPointer]) throws -> R) rethrows -> R {
        // The buffers outlive the call (the caller holds them), so their storage stays valid.
        try body(buffers.map { b in b.withUnsafeBytes { $0 } })
    }

    static func withMutableBytes<R>(_ buffers: [ReferenceBuffer],
                                    _ body: ([UnsafeMutableRawBufferPointer]) throws -> R) rethrows -> R {
        try body(buffers.map { b in b.withUnsafeMutableBytes { $0 } })
    }
}
