import TesseraCore

/// The reduction of a block program: combines each block's values into the output
/// elements of their non-reduced coordinates.
///
/// The output index of a point is found without division per point: when the reduced
/// axes are the trailing ones (`sum(axis: -1)`, full reductions) a block is a few runs
/// each reduced to one value (a SIMD sum for float `sum`); when they are the leading
/// ones a block adds elementwise into a contiguous run of outputs; otherwise an odometer
/// walks the points. Threads either own disjoint output ranges (trailing reductions with
/// enough outputs) or accumulate into their own partial outputs, combined at the end.
struct BlockReduction: @unchecked Sendable {
    enum Layout {
        /// Output index = point / reducedCount.
        case trailing(reducedCount: Int)
        /// Output index = point % outputCount.
        case leading
        /// Output offset through the kept axes' strides.
        case general(KernelIndexMap)
    }
    let layout: Layout
    let outputCount: Int
    let dtype: DType
    let indexSpace: [Int]
    /// Identity and combining loops for the dtype and op.
    let ops: ReductionOps

    init(_ r: KernelReduction, kernel: Kernel) throws {
        let shape = kernel.indexSpace
        dtype = kernel.outputs[0].dtype
        guard r.accumulatorDType == dtype, kernel.body[r.value].dtype == dtype else {
            throw TesseraError(.unsupported, "blas: \(kernel.name): the reduction accumulates \(kernel.body[r.value].dtype) in \(r.accumulatorDType) into \(dtype); only same-dtype reductions are compiled")
        }
        indexSpace = shape
        let kept = shape.indices.filter { !r.axes.contains($0) }
        outputCount = kept.map { shape[$0] }.reduce(1, *)
        let reducedCount = r.axes.map { shape[$0] }.reduce(1, *)
        // Ignore size-1 axes when classifying.
        let live = shape.indices.filter { shape[$0] != 1 }
        let liveReduced = live.filter { r.axes.contains($0) }, liveKept = live.filter { !r.axes.contains($0) }
        if liveKept.isEmpty || liveReduced.isEmpty || liveKept.last! < liveReduced.first! {
            layout = .trailing(reducedCount: Swift.max(reducedCount, 1))
        } else if liveReduced.last! < liveKept.first! {
            layout = .leading
        } else {
            let keptStrides = contiguousStrides(kept.map { shape[$0] })
            var strides = [Int](repeating: 0, count: shape.count)
            for (k, axis) in kept.enumerated() { strides[axis] = keptStrides[k] }
            layout = .general(KernelIndexMap(offset: 0, strides: strides))
        }
        ops = try ReductionOps(r.op, dtype)
    }

    /// Sets `count` accumulators at `acc` to the identity.
    func initialise(_ acc: UnsafeMutableRawPointer, count: Int) { ops.fill(acc, count) }

    /// Combines the values of points `start ..< start + count` into `acc` (output-sized).
    func accumulate(_ values: UnsafeRawPointer, start: Int, count: Int, into acc: UnsafeMutableRawPointer) {
        guard count > 0 else { return }
        switch layout {
        case .trailing(let r):
            var p = start
            let end = start + count
            while p < end {
                let o = p / r
                let runEnd = Swift.min(end, (o + 1) * r)
                ops.combineRun(acc, o, values, p - start, runEnd - p)
                p = runEnd
            }
        case .leading:
            var p = start
            let end = start + count
            while p < end {
                let o = p % outputCount
                let run = Swift.min(end - p, outputCount - o)
                ops.combineElementwise(acc, o, values, p - start, run)
                p += run
            }
        case .general(let map):
            ops.combineMapped(acc, values, map, indexSpace, start, count)
        }
    }

    /// `into[o] = combine(into[o], from[o])` for every output.
    func merge(_ from: UnsafeRawPointer, into: UnsafeMutableRawPointer) {
        ops.combineElementwise(into, 0, from, 0, outputCount)
    }
}

/// The typed loops of one reduction op and dtype.
struct ReductionOps: @unchecked Sendable {
    let fill: (UnsafeMutableRawPointer, Int) -> Void
    /// acc[o] = combine(acc[o], values[v ..< v + n] reduced)
    let combineRun: (UnsafeMutableRawPointer, Int, UnsafeRawPointer, Int, Int) -> Void
    /// acc[o + i] = combine(acc[o + i], values[v + i]) for i < n
    let combineElementwise: (UnsafeMutableRawPointer, Int, UnsafeRawPointer, Int, Int) -> Void
    /// general layout: odometer over the index space.
    let combineMapped: (UnsafeMutableRawPointer, UnsafeRawPointer, KernelIndexMap, [Int], Int, Int) -> Void

    init(_ op: ReduceOp, _ dtype: DType) throws {
        switch dtype {
        case .float32: self = try ReductionOps.float(op, Float.self)
        case .float64: self = try ReductionOps.float(op, Double.self)
        case .float16:
            let f: (Float16, Float16) -> Float16
            switch op {
            case .sum: f = { $0 + $1 }
            case .prod: f = { $0 * $1 }
            case .max: f = MaxFunction.apply
            case .min: f = MinFunction.apply
            case .and, .or: throw TesseraError(.unsupported, "blas: reduce_\(op.rawValue) does not support float16")
            }
            let identity: Float16 = op == .sum ? 0 : op == .prod ? 1 : op == .max ? -.infinity : .infinity
            self = ReductionOps.generic(identity, f)
        case .int32: self = ReductionOps.integer(op, Int32.self)
        case .int64: self = ReductionOps.integer(op, Int64.self)
        case .uint32: self = ReductionOps.integer(op, UInt32.self)
        case .bool:
            switch op {
            case .sum, .max, .or: self = ReductionOps.generic(UInt8(0)) { ($0 | $1) != 0 ? 1 : 0 }
            case .prod, .min, .and: self = ReductionOps.generic(UInt8(1)) { ($0 != 0 && $1 != 0) ? 1 : 0 }
            }
        }
    }

    static func integer<I: FixedWidthInteger>(_ op: ReduceOp, _: I.Type) -> ReductionOps {
        switch op {
        case .sum: return generic(I(0)) { $0 &+ $1 }
        case .prod: return generic(I(1)) { $0 &* $1 }
        case .max: return generic(I.min) { Swift.max($0, $1) }
        case .min: return generic(I.max) { Swift.min($0, $1) }
        case .and: return generic(~I(0)) { $0 & $1 }
        case .or: return generic(I(0)) { $0 | $1 }
        }
    }

    static func float<T: BinaryFloatingPoint & SIMDScalar>(_ op: ReduceOp, _: T.Type) throws -> ReductionOps {
        switch op {
        case .sum: return floatOps(T(0), AddFunction.self, simdSum: true)
        case .prod: return floatOps(T(1), MulFunction.self, simdSum: false)
        case .max: return floatOps(-T.infinity, MaxFunction.self, simdSum: false)
        case .min: return floatOps(T.infinity, MinFunction.self, simdSum: false)
        case .and, .or: throw TesseraError(.unsupported, "blas: reduce_\(op.rawValue) does not support floating-point dtypes")
        }
    }

    static func floatOps<T: BinaryFloatingPoint & SIMDScalar, F: FloatBinaryFunction>(_ identity: T, _: F.Type, simdSum: Bool) -> ReductionOps {
        var ops = generic(identity, F.apply)
        let elementwise: (UnsafeMutableRawPointer, Int, UnsafeRawPointer, Int, Int) -> Void = { accRaw, o, valuesRaw, v, n in
            let acc = accRaw.assumingMemoryBound(to: T.self) + o
            let x = valuesRaw.assumingMemoryBound(to: T.self) + v
            for i in 0..<n { acc[i] = F.apply(acc[i], x[i]) }
        }
        let run: (UnsafeMutableRawPointer, Int, UnsafeRawPointer, Int, Int) -> Void = { accRaw, o, valuesRaw, v, n in
            let acc = accRaw.assumingMemoryBound(to: T.self)
            let x = valuesRaw.assumingMemoryBound(to: T.self) + v
            if simdSum {
                acc[o] += simdSumRun(x, n)
            } else {
                var r = acc[o]
                for i in 0..<n { r = F.apply(r, x[i]) }
                acc[o] = r
            }
        }
        ops = ReductionOps(fill: ops.fill, combineRun: run, combineElementwise: elementwise, combineMapped: ops.combineMapped)
        return ops
    }

    /// Sum of `n` values with 16 independent lanes (vectorised; the order differs from a
    /// sequential sum by rounding only).
    @inline(__always)
    static func simdSumRun<T: BinaryFloatingPoint & SIMDScalar>(_ x: UnsafePointer<T>, _ n: Int) -> T {
        var lanes = SIMD16<T>(repeating: 0)
        var i = 0
        let raw = UnsafeRawPointer(x)
        while i + 16 <= n {
            lanes += raw.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.stride, as: SIMD16<T>.self)
            i += 16
        }
        var s = lanes.sum()
        while i < n {
            s += x[i]
            i += 1
        }
        return s
    }

    init(fill: @escaping (UnsafeMutableRawPointer, Int) -> Void,
         combineRun: @escaping (UnsafeMutableRawPointer, Int, UnsafeRawPointer, Int, Int) -> Void,
         combineElementwise: @escaping (UnsafeMutableRawPointer, Int, UnsafeRawPointer, Int, Int) -> Void,
         combineMapped: @escaping (UnsafeMutableRawPointer, UnsafeRawPointer, KernelIndexMap, [Int], Int, Int) -> Void) {
        self.fill = fill
        self.combineRun = combineRun
        self.combineElementwise = combineElementwise
        self.combineMapped = combineMapped
    }

    /// Scalar loops for any element type.
    static func generic<T>(_ identity: T, _ f: @escaping (T, T) -> T) -> ReductionOps {
        ReductionOps(
            fill: { p, n in p.assumingMemoryBound(to: T.self).update(repeating: identity, count: n) },
            combineRun: { accRaw, o, valuesRaw, v, n in
                let acc = accRaw.assumingMemoryBound(to: T.self)
                let x = valuesRaw.assumingMemoryBound(to: T.self) + v
                var r = acc[o]
                for i in 0..<n { r = f(r, x[i]) }
                acc[o] = r
            },
            combineElementwise: { accRaw, o, valuesRaw, v, n in
                let acc = accRaw.assumingMemoryBound(to: T.self) + o
                let x = valuesRaw.assumingMemoryBound(to: T.self) + v
                for i in 0..<n { acc[i] = f(acc[i], x[i]) }
            },
            combineMapped: { accRaw, valuesRaw, map, shape, start, count in
                let acc = accRaw.assumingMemoryBound(to: T.self)
                let x = valuesRaw.assumingMemoryBound(to: T.self)
                let rank = shape.count
                var coords = [Int](repeating: 0, count: rank)
                var rest = start
                var offset = 0
                for axis in stride(from: rank - 1, through: 0, by: -1) where shape[axis] > 0 {
                    coords[axis] = rest % shape[axis]
                    rest /= shape[axis]
                    offset += coords[axis] * map.strides[axis]
                }
                for k in 0..<count {
                    acc[offset] = f(acc[offset], x[k])
                    var axis = rank - 1
                    while axis >= 0 {
                        coords[axis] += 1
                        offset += map.strides[axis]
                        if coords[axis] < shape[axis] { break }
                        offset -= map.strides[axis] * shape[axis]
                        coords[axis] = 0
                        axis -= 1
                    }
                }
            })
    }
}
