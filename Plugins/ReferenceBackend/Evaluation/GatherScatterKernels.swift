import TesseraCore

/// `gather` and `scatter` with XLA's general dimension numbers (offset/collapsed/start
/// index map, operand and indices batching dims); the index vector is the last axis of
/// the indices.
enum GatherScatterKernels {
    /// The indices as Int64, whatever their integer dtype.
    static func loadIndices(_ x: UnsafeRawBufferPointer, _ type: ShapedType) -> [Int64] {
        let n = type.count
        switch type.dtype {
        case .int32: return (0..<n).map { Int64(x.load(fromByteOffset: $0 * 4, as: Int32.self)) }
        case .int64: return (0..<n).map { x.load(fromByteOffset: $0 * 8, as: Int64.self) }
        case .uint32: return (0..<n).map { Int64(x.load(fromByteOffset: $0 * 4, as: UInt32.self)) }
        case .bool: return (0..<n).map { Int64(x.load(fromByteOffset: $0, as: UInt8.self)) }
        case .float16, .float32, .float64: return [Int64](repeating: 0, count: n)
        }
    }

    /// The value of an out-of-bounds slice in `fill` mode, as jnp: NaN for floats, the
    /// minimum for signed integers, the maximum for unsigned, true for bool.
    static func fillValue(_ dtype: DType) -> [UInt8] {
        switch dtype {
        case .bool: return [1]
        case .int32: return withUnsafeBytes(of: Int32.min, Array.init)
        case .int64: return withUnsafeBytes(of: Int64.min, Array.init)
        case .uint32: return withUnsafeBytes(of: UInt32.max, Array.init)
        case .float16: return withUnsafeBytes(of: Float16.nan, Array.init)
        case .float32: return withUnsafeBytes(of: Float.nan, Array.init)
        case .float64: return withUnsafeBytes(of: Double.nan, Array.init)
        }
    }

    static func gather(_ x: UnsafeRawBufferPointer, _ xType: ShapedType, _ idx: UnsafeRawBufferPointer, _ iType: ShapedType,
                       dimensionNumbers dn: GatherDimensionNumbers, sliceSizes: [Int], mode: GatherMode,
                       outShape: [Int], _ out: UnsafeMutableRawBufferPointer) {
        if outShape.contains(0) { return }
        let indices = loadIndices(idx, iType)
        let k = iType.shape.last!
        let rank = xType.rank
        let batchShape = Array(iType.shape.dropLast())
        let outStrides = contiguousStrides(outShape), xStrides = contiguousStrides(xType.shape)
        let batchOutAxes = (0..<outShape.count).filter { !dn.offsetDims.contains($0) }
        let offsetOperandDims = (0..<rank).filter {
            !dn.collapsedSliceDims.contains($0) && !dn.operandBatchingDims.contains($0)
        }
        // Destination strides of the slice, per operand axis.
        var sliceDstStrides = [Int](repeating: 0, count: rank)
        for (j, d) in offsetOperandDims.enumerated() { sliceDstStrides[d] = outStrides[dn.offsetDims[j]] }
        let upper = (0..<rank).map { Int64(xType.shape[$0] - sliceSizes[$0]) }
        let fill = fillValue(xType.dtype)
        let size = xType.dtype.byteSize
        let singleElement = sliceSizes.allSatisfy { $0 == 1 }
        let src = x.baseAddress!, dst = out.baseAddress!
        // Per index row (batch index g, in row-major order), the operand offset contributed
        // by the batching dims and the output offset are linear in g: walk them as strided views.
        var batchSrcStrides = [Int](repeating: 0, count: batchShape.count)
        for (i, d) in dn.operandBatchingDims.enumerated() { batchSrcStrides[dn.startIndicesBatchingDims[i]] += xStrides[d] }
        let batchDstStrides = batchOutAxes.map { outStrides[$0] }
        let indexStrides = dn.startIndexMap.map { xStrides[$0] }
        let indexUpper = dn.startIndexMap.map { upper[$0] }
        let zeroStrides = [Int](repeating: 0, count: rank)
        var row = 0
        StridedCopy.forEachOffset(shape: batchShape, StridedView(offset: 0, strides: batchSrcStrides),
                                  StridedView(offset: 0, strides: batchDstStrides)) { batchOffset, dstOffset in
            var inBounds = true
            var srcOffset = batchOffset
            var c = 0
            while c < k {
                let raw = indices[row * k + c]
                if raw < 0 || raw > indexUpper[c] { inBounds = false }
                srcOffset += Int(Swift.min(Swift.max(raw, 0), indexUpper[c])) * indexStrides[c]
                c += 1
            }
            row += 1
            if mode == .fill && !inBounds {
                fill.withUnsafeBytes { f in
                    StridedCopy.copy(shape: sliceSizes, elementSize: size, from: f.baseAddress!,
                                     StridedView(offset: 0, strides: zeroStrides),
                                     to: dst, StridedView(offset: dstOffset, strides: sliceDstStrides))
                }
            } else if singleElement {
                (dst + dstOffset * size).copyMemory(from: src + srcOffset * size, byteCount: size)
            } else {
                StridedCopy.copy(shape: sliceSizes, elementSize: size, from: src, StridedView(offset: srcOffset, strides: xStrides),
                                 to: dst, StridedView(offset: dstOffset, strides: sliceDstStrides))
            }
        }
    }

    static func scatter(_ x: UnsafeRawBufferPointer, _ xType: ShapedType, _ idx: UnsafeRawBufferPointer, _ iType: ShapedType,
                        _ updates: UnsafeRawBufferPointer, _ uType: ShapedType, dimensionNumbers dn: ScatterDimensionNumbers,
                        mode: ScatterMode, _ out: UnsafeMutableRawBufferPointer) throws {
        if out.count > 0 { out.baseAddress!.copyMemory(from: x.baseAddress!, byteCount: out.count) }
        let combine: Combiner
        switch xType.dtype {
        case .bool: combine = try typedCombiner(mode, UInt8.self, BinaryKernels.boolFunction)
        case .int32: combine = try typedCombiner(mode, Int32.self) { try BinaryKernels.integerFunction($0, Int32.self) }
        case .int64: combine = try typedCombiner(mode, Int64.self) { try BinaryKernels.integerFunction($0, Int64.self) }
        case .uint32: combine = try typedCombiner(mode, UInt32.self) { try BinaryKernels.integerFunction($0, UInt32.self) }
        case .float32: combine = try typedCombiner(mode, Float.self) { try BinaryKernels.floatFunction($0, Float.self) }
        case .float64: combine = try typedCombiner(mode, Double.self) { try BinaryKernels.floatFunction($0, Double.self) }
        case .float16:
            combine = try typedCombiner(mode, Float16.self) { op in
                let f = try BinaryKernels.floatFunction(op, Float.self)
                return { Float16(f(Float($0), Float($1))) }
            }
        }
        let indices = loadIndices(idx, iType)
        let k = iType.shape.last!
        let batchShape = Array(iType.shape.dropLast())
        let xStrides = contiguousStrides(xType.shape), uStrides = contiguousStrides(uType.shape)
        let scatterUpdateAxes = (0..<uType.rank).filter { !dn.updateWindowDims.contains($0) }
        let windowOperandDims = (0..<xType.rank).filter {
            !dn.insertedWindowDims.contains($0) && !dn.operandBatchingDims.contains($0)
        }
        var window = [Int](repeating: 1, count: xType.rank)
        var windowUpdateStrides = [Int](repeating: 0, count: xType.rank)
        for (j, d) in windowOperandDims.enumerated() {
            window[d] = uType.shape[dn.updateWindowDims[j]]
            windowUpdateStrides[d] = uStrides[dn.updateWindowDims[j]]
        }
        for d in 0..<xType.rank where window[d] > xType.shape[d] {
            throw TesseraError(.invalidArgument, "scatter: update window \(window) does not fit operand \(xType)")
        }
        let singleElement = window.allSatisfy { $0 == 1 }
        // As in gather: the batching dims' operand offset and the updates' offset are linear
        // in the batch index.
        var batchXStrides = [Int](repeating: 0, count: batchShape.count)
        for (i, d) in dn.operandBatchingDims.enumerated() { batchXStrides[dn.scatterIndicesBatchingDims[i]] += xStrides[d] }
        let batchUStrides = scatterUpdateAxes.map { uStrides[$0] }
        let indexStrides = dn.scatterDimsToOperandDims.map { xStrides[$0] }
        let indexUpper = dn.scatterDimsToOperandDims.map { Int64(xType.shape[$0] - window[$0]) }
        let u = updates.baseAddress!, o = out.baseAddress!
        var row = 0
        StridedCopy.forEachOffset(shape: batchShape, StridedView(offset: 0, strides: batchXStrides),
                                  StridedView(offset: 0, strides: batchUStrides)) { batchOffset, uOffset in
            defer { row += 1 }
            var xOffset = batchOffset
            var c = 0
            while c < k {
                let raw = indices[row * k + c]
                // Updates whose window does not fit are dropped (JAX's FILL_OR_DROP).
                if raw < 0 || raw > indexUpper[c] { return }
                xOffset += Int(raw) * indexStrides[c]
                c += 1
            }
            if singleElement {
                combine.one(u, uOffset, o, xOffset)
            } else {
                combine.window(u, StridedView(offset: uOffset, strides: windowUpdateStrides),
                               o, StridedView(offset: xOffset, strides: xStrides), window)
            }
        }
    }

    /// Applies updates: `dst[d] = f(dst[d], src[s])` for one element (`one`) or over a
    /// window of `shape` (`window`).
    struct Combiner {
        var one: (UnsafeRawPointer, Int, UnsafeMutableRawPointer, Int) -> Void
        var window: (UnsafeRawPointer, StridedView, UnsafeMutableRawPointer, StridedView, [Int]) -> Void
    }

    static func typedCombiner<T>(_ mode: ScatterMode, _: T.Type,
                                 _ function: (BinaryOp) throws -> (T, T) -> T) throws -> Combiner {
        let f: (T, T) -> T
        switch mode {
        case .set: f = { $1 }
        case .add: f = try function(.add)
        case .mul: f = try function(.mul)
        case .min: f = try function(.min)
        case .max: f = try function(.max)
        }
        return Combiner(
            one: { srcRaw, s, dstRaw, d in
                let src = srcRaw.assumingMemoryBound(to: T.self)
                let dst = dstRaw.assumingMemoryBound(to: T.self)
                dst[d] = f(dst[d], src[s])
            },
            window: { srcRaw, sv, dstRaw, dv, shape in
                let src = srcRaw.assumingMemoryBound(to: T.self)
                let dst = dstRaw.assumingMemoryBound(to: T.self)
                StridedCopy.forEachOffset(shape: shape, sv, dv) { s, d in dst[d] = f(dst[d], src[s]) }
            })
    }
}
