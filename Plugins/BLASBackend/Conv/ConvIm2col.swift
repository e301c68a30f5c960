import COpenBLAS
import TesseraCore

/// `conv_general_dilated` on a BLAS device's host memory as im2col + GEMM (OpenBLAS
/// `sgemm`/`dgemm`), float32 and float64, any layout, strides, padding, input and kernel
/// dilation, feature groups and batch groups.
///
/// For each output batch entry and group, the patch matrix (`ConvGeometry`) is gathered in
/// chunks of output rows (split over the device's threads) and multiplied by the group's
/// packed weight matrix. When the output's spatial positions are evenly spaced (as in
/// `NC...` and `N...C` layouts) GEMM writes straight into the output (transposed for
/// channels-last); otherwise through a scratch block scattered into place. Other dtypes
/// and empty operands stay on the host path (`run` returns false).
enum ConvIm2col {
    /// Elements of patch matrix gathered per GEMM call (bounds the scratch memory).
    static let chunkElements = 1 << 22

    /// Computes the convolution into `out` and returns true, or returns false (nothing
    /// written) for dtypes other than float32/float64 and empty operands.
    static func run(_ p: ConvParams, _ x: [UnsafeRawBufferPointer], _ types: [ShapedType],
                    _ out: UnsafeMutableRawBufferPointer, _ outType: ShapedType, queue: BLASQueue) -> Bool {
        if types[0].count == 0 || types[1].count == 0 || outType.count == 0 { return false }
        let g = ConvGeometry(p, lhs: types[0].shape, rhs: types[1].shape, out: outType.shape)
        switch outType.dtype {
        case .float32: run(g, x[0], x[1], out, queue, Float.self)
        case .float64: run(g, x[0], x[1], out, queue, Double.self)
        case .bool, .int32, .int64, .uint32, .float16: return false
        }
        return true
    }

    private static func run<T: GemmScalar>(_ g: ConvGeometry, _ lhsBytes: UnsafeRawBufferPointer, _ rhsBytes: UnsafeRawBufferPointer,
                                           _ outBytes: UnsafeMutableRawBufferPointer, _ queue: BLASQueue, _: T.Type) {
        let lhs = lhsBytes.baseAddress!.assumingMemoryBound(to: T.self)
        let rhs = rhsBytes.baseAddress!.assumingMemoryBound(to: T.self)
        let out = outBytes.baseAddress!.assumingMemoryBound(to: T.self)
        let k = g.contraction
        // weights[q][o][i * windowCount + w] = rhs[q * groupOut + o, i, w].
        let weights = UnsafeMutablePointer<T>.allocate(capacity: g.outFeatures * k)
        defer { weights.deallocate() }
        for o in 0..<g.outFeatures {
            for i in 0..<g.inFeatures {
                let src = rhs + o * g.rhsOutStride + i * g.rhsInStride, dst = weights + o * k + i * g.windowCount
                for w in 0..<g.windowCount { dst[w] = src[g.rhsWindowOffset[w]] }
            }
        }
        let rowsPerChunk = Swift.max(1, Swift.min(g.outerCount, chunkElements / Swift.max(1, k * g.lastCount)))
        let maxColumns = rowsPerChunk * g.lastCount
        let patches = UnsafeMutablePointer<T>.allocate(capacity: k * maxColumns)
        defer { patches.deallocate() }
        let mode = OutputMode(g)
        let scratch: UnsafeMutablePointer<T>? = mode == .scatter ? .allocate(capacity: g.groupOut * maxColumns) : nil
        defer { scratch?.deallocate() }

        for n in 0..<g.outBatch {
            for q in 0..<g.groups {
                let lhsBase = lhs + g.lhsBase(batch: n, group: q)
                let groupWeights = UnsafePointer(weights + q * g.groupOut * k)
                let outBase = out + n * g.outBatchStride + q * g.groupOut * g.outFeatureStride
                for r0 in stride(from: 0, to: g.outerCount, by: rowsPerChunk) {
                    let r1 = Swift.min(g.outerCount, r0 + rowsPerChunk)
                    let columns = (r1 - r0) * g.lastCount, p0 = r0 * g.lastCount
                    gather(g, lhsBase, rows: r0..<r1, into: patches, queue: queue)
                    let cols = UnsafePointer(patches)
                    switch mode {
                    case .direct:
                        // out[o, p] with positions contiguous: C = W · patches, rows outFeatureStride apart.
                        T.gemm(false, false, g.groupOut, columns, k, groupWeights, k, cols, columns, outBase + p0,
                               Swift.max(g.outFeatureStride, columns))
                    case .transposed(let step):
                        // Channels last, out[p, o] with positions `step` apart: C = patchesᵀ · Wᵀ.
                        T.gemm(true, true, columns, g.groupOut, k, cols, columns, groupWeights, k, outBase + p0 * step,
                               Swift.max(step, g.groupOut))
                    case .scatter:
                        let block = scratch!
                        T.gemm(false, false, g.groupOut, columns, k, groupWeights, k, cols, columns, block, columns)
                        for o in 0..<g.groupOut {
                            let dst = outBase + o * g.outFeatureStride, src = block + o * columns
                            for c in 0..<columns { dst[g.outPositionOffset[p0 + c]] = src[c] }
                        }
                    }
                }
            }
        }
    }

    /// How GEMM results reach the output.
    enum OutputMode: Equatable {
        /// Positions contiguous, features a row stride apart (`NC...`): GEMM writes the output.
        case direct
        /// Features contiguous, positions `step` apart (`N...C`): GEMM writes the output transposed.
        case transposed(step: Int)
        /// Anything else: GEMM into a scratch block, scattered through `outPositionOffset`.
        case scatter

        init(_ g: ConvGeometry) {
            if let step = g.positionStride, step == 1, g.groupOut == 1 || g.outFeatureStride >= g.positions {
                self = .direct
            } else if let step = g.positionStride, g.outFeatureStride == 1, g.positions == 1 || step >= g.groupOut {
                self = .transposed(step: step)
            } else {
                self = .scatter
            }
        }
    }

    /// Fills the patch matrix (`contraction` rows × the chunk's columns) for output rows
    /// `rows` of one batch entry and group, splitting the patch rows over the threads.
    private static func gather<T: GemmScalar>(_ g: ConvGeometry, _ lhs: UnsafePointer<T>, rows: Range<Int>,
                                              into patches: UnsafeMutablePointer<T>, queue: BLASQueue) {
        let k = g.contraction, columns = rows.count * g.lastCount
        let last = g.window[g.spatialRank - 1]
        let parts = queue.parts(for: k * columns, grain: 1 << 16)
        let perPart = (k + parts - 1) / parts
        queue.parallel(parts: parts) { part in
            for row in (part * perPart)..<Swift.min(k, (part + 1) * perPart) {
                let i = row / g.windowCount, w = row % g.windowCount
                let wo = w / last, kd = w % last
                let channel = lhs + i * g.lhsFeatureStride
                var dst = patches + row * columns
                for r in rows {
                    let outer = g.outerOffset[wo * g.outerCount + r]
                    if outer < 0 {
                        dst.update(repeating: 0, count: g.lastCount)
                    } else if let run = g.lastRuns[kd] {
                        let src = channel + outer + run.start
                        dst.update(repeating: 0, count: run.lower)
                        let count = run.upper - run.lower
                        if run.step == 1 {
                            (dst + run.lower).update(from: src, count: count)
                        } else {
                            for j in 0..<count { dst[run.lower + j] = src[j * run.step] }
                        }
                        (dst + run.upper).update(repeating: 0, count: g.lastCount - run.upper)
                    } else {
                        let src = channel + outer
                        g.lastOffset.withUnsafeBufferPointer { table in
                            for pos in 0..<g.lastCount {
                                let o = table[pos * last + kd]
                                dst[pos] = o < 0 ? 0 : src[o]
                            }
                        }
                    }
                    dst += g.lastCount
                }
            }
        }
    }
}

/// The float32/float64 GEMM of the convolution kernels (row-major CBLAS).
protocol GemmScalar: BinaryFloatingPoint, Sendable {
    /// `c = op(a) · op(b)` with `op(a)` `m`×`k` and `op(b)` `k`×`n`, row-major, leading dimensions given.
    static func gemm(_ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, _ a: UnsafePointer<Self>, _ lda: Int,
                     _ b: UnsafePointer<Self>, _ ldb: Int, _ c: UnsafeMutablePointer<Self>, _ ldc: Int)
}

extension Float: GemmScalar {
    static func gemm(_ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, _ a: UnsafePointer<Float>, _ lda: Int,
                     _ b: UnsafePointer<Float>, _ ldb: Int, _ c: UnsafeMutablePointer<Float>, _ ldc: Int) {
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b, Int32(ldb), 0, c, Int32(ldc))
    }
}

extension Double: GemmScalar {
    static func gemm(_ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, _ a: UnsafePointer<Double>, _ lda: Int,
                     _ b: UnsafePointer<Double>, _ ldb: Int, _ c: UnsafeMutablePointer<Double>, _ ldc: Int) {
        cblas_dgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b, Int32(ldb), 0, c, Int32(ldc))
    }
}
