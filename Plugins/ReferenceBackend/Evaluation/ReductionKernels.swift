import TesseraCore

/// `reduce_*` over axes, `argmax`/`argmin` along an axis, and inclusive scans.
/// float16 sums, products and scans accumulate in Float and round once at the end.
enum ReductionKernels {
    // MARK: reduce

    static func reduce(_ op: ReduceOp, axes: [Int], _ x: UnsafeRawBufferPointer, _ xType: ShapedType,
                       _ out: UnsafeMutableRawBufferPointer) throws {
        switch xType.dtype {
        case .bool: try reduceTyped(axes, x, xType, out, UInt8.self, boolReducer(op))
        case .int32: try reduceTyped(axes, x, xType, out, Int32.self, integerReducer(op, Int32.self))
        case .int64: try reduceTyped(axes, x, xType, out, Int64.self, integerReducer(op, Int64.self))
        case .uint32: try reduceTyped(axes, x, xType, out, UInt32.self, integerReducer(op, UInt32.self))
        case .float16:
            try viaFloat(x, xType, out) { try reduceTyped(axes, $0, $1, $2, Float.self, floatReducer(op, Float.self)) }
        case .float32: try reduceTyped(axes, x, xType, out, Float.self, floatReducer(op, Float.self))
        case .float64: try reduceTyped(axes, x, xType, out, Double.self, floatReducer(op, Double.self))
        }
    }

    /// An associative combining function with its identity.
    struct Reducer<T> {
        var identity: T
        var combine: (T, T) -> T
        /// Fold long rows pairwise (blocks of `pairwiseBlock` folded in order, then halves
        /// combined), as NumPy sums floats: the rounding error grows as O(log n) instead of
        /// O(n), and a float32 sum of ones does not stop at 2^24.
        var pairwise = false
    }

    /// Rows up to this length fold in order.
    static let pairwiseBlock = 128

    static func floatReducer<F: BinaryFloatingPoint>(_ op: ReduceOp, _: F.Type) throws -> Reducer<F> {
        switch op {
        case .sum: return Reducer(identity: 0, combine: { $0 + $1 }, pairwise: true)
        case .prod: return Reducer(identity: 1) { $0 * $1 }
        case .max: return Reducer(identity: -F.infinity) { a, b in a.isNaN || b.isNaN ? F.nan : Swift.max(a, b) }
        case .min: return Reducer(identity: F.infinity) { a, b in a.isNaN || b.isNaN ? F.nan : Swift.min(a, b) }
        case .and, .or: throw TesseraError(.unsupported, "reference: reduce_\(op.rawValue) does not support floating-point dtypes")
        }
    }

    static func integerReducer<I: FixedWidthInteger>(_ op: ReduceOp, _: I.Type) -> Reducer<I> {
        switch op {
        case .sum: return Reducer(identity: 0) { $0 &+ $1 }
        case .prod: return Reducer(identity: 1) { $0 &* $1 }
        case .max: return Reducer(identity: I.min) { Swift.max($0, $1) }
        case .min: return Reducer(identity: I.max) { Swift.min($0, $1) }
        case .and: return Reducer(identity: ~0) { $0 & $1 }
        case .or: return Reducer(identity: 0) { $0 | $1 }
        }
    }

    /// bool: sum/max/or are "any", prod/min/and are "all".
    static func boolReducer(_ op: ReduceOp) -> Reducer<UInt8> {
        switch op {
        case .sum, .max, .or: return Reducer(identity: 0) { ($0 | $1) != 0 ? 1 : 0 }
        case .prod, .min, .and: return Reducer(identity: 1) { ($0 != 0 && $1 != 0) ? 1 : 0 }
        }
    }

    /// Lays the input out as `[kept axes..., reduced axes...]` (a transposed copy unless it
    /// already is), then folds each row of reduced elements, in row-major order.
    static func reduceTyped<T>(_ axes: [Int], _ xRaw: UnsafeRawBufferPointer, _ xType: ShapedType,
                               _ outRaw: UnsafeMutableRawBufferPointer, _: T.Type, _ r: Reducer<T>) throws {
        let outCount = outRaw.count / MemoryLayout<T>.stride
        guard outCount > 0 else { return }
        let out = outRaw.baseAddress!.assumingMemoryBound(to: T.self)
        let rowLength = xType.count / outCount
        if rowLength == 0 {
            out.update(repeating: r.identity, count: outCount)
            return
        }
        let kept = (0..<xType.rank).filter { !axes.contains($0) }
        let permutation = kept + axes.sorted()
        var transposed: [UInt8] = []
        if permutation != Array(0..<xType.rank) {
            transposed = [UInt8](repeating: 0, count: xType.byteCount)
            transposed.withUnsafeMutableBytes { MovementKernels.transpose(xRaw, xType, permutation: permutation, $0) }
        }
        func inOrder(_ row: UnsafePointer<T>, _ n: Int) -> T {
            var acc = r.identity
            var j = 0
            while j < n {
                acc = r.combine(acc, row[j])
                j += 1
            }
            return acc
        }
        func pairwise(_ row: UnsafePointer<T>, _ n: Int) -> T {
            if n <= pairwiseBlock { return inOrder(row, n) }
            let half = (n / 2 + pairwiseBlock - 1) / pairwiseBlock * pairwiseBlock
            return r.combine(pairwise(row, half), pairwise(row + half, n - half))
        }
        func fold(_ x: UnsafePointer<T>) {
            var o = 0
            while o < outCount {
                let row = x + o * rowLength
                out[o] = r.pairwise ? pairwise(row, rowLength) : inOrder(row, rowLength)
                o += 1
            }
        }
        if transposed.isEmpty {
            fold(xRaw.baseAddress!.assumingMemoryBound(to: T.self))
        } else {
            transposed.withUnsafeBytes { fold($0.baseAddress!.assumingMemoryBound(to: T.self)) }
        }
    }

    /// Runs a float16 reduction or scan in Float: the operand is widened, `body` computes
    /// Float results, which are rounded to Float16 once at the end (so the sum of 4096
    /// float16 ones is 4096, not 2048).
    static func viaFloat(_ x: UnsafeRawBufferPointer, _ xType: ShapedType, _ out: UnsafeMutableRawBufferPointer,
                         _ body: (UnsafeRawBufferPointer, ShapedType, UnsafeMutableRawBufferPointer) throws -> Void) throws {
        var wide = [UInt8](repeating: 0, count: xType.count * 4)
        var wideOut = [UInt8](repeating: 0, count: out.count * 2)
        try wide.withUnsafeMutableBytes { try CompareSelectConvert.convert(x, from: .float16, to: .float32, $0) }
        try wide.withUnsafeBytes { w in try wideOut.withUnsafeMutableBytes { try body(w, xType.with(dtype: .float32), $0) } }
        try wideOut.withUnsafeBytes { try CompareSelectConvert.convert($0, from: .float32, to: .float16, out) }
    }

    // MARK: argmax / argmin

    /// Index of the first maximum (minimum) along `axis`; NaN counts as the extremum and
    /// the first NaN wins, as jnp.argmax.
    static func argReduce(_ op: ArgReduceOp, axis: Int, indexDType: DType, _ x: UnsafeRawBufferPointer,
                          _ xType: ShapedType, _ out: UnsafeMutableRawBufferPointer) throws {
        let isMax = op == .argmax
        let positions: [Int]
        switch xType.dtype {
        case .bool: positions = argTyped(axis, x, xType, UInt8.self) { isMax ? $0 > $1 : $0 < $1 }
        case .int32: positions = argTyped(axis, x, xType, Int32.self) { isMax ? $0 > $1 : $0 < $1 }
        case .int64: positions = argTyped(axis, x, xType, Int64.self) { isMax ? $0 > $1 : $0 < $1 }
        case .uint32: positions = argTyped(axis, x, xType, UInt32.self) { isMax ? $0 > $1 : $0 < $1 }
        case .float16: positions = argTyped(axis, x, xType, Float16.self, floatBetter(isMax))
        case .float32: positions = argTyped(axis, x, xType, Float.self, floatBetter(isMax))
        case .float64: positions = argTyped(axis, x, xType, Double.self, floatBetter(isMax))
        }
        try indexDType.visit(StoreIndices(positions: positions, out: out))
    }

    /// Whether `candidate` replaces `best`: a NaN beats every number, and only the first NaN counts.
    static func floatBetter<F: BinaryFloatingPoint>(_ isMax: Bool) -> (F, F) -> Bool {
        { candidate, best in
            if best.isNaN { return false }
            if candidate.isNaN { return true }
            return isMax ? candidate > best : candidate < best
        }
    }

    static func argTyped<T>(_ axis: Int, _ xRaw: UnsafeRawBufferPointer, _ xType: ShapedType, _: T.Type,
                            _ better: (T, T) -> Bool) -> [Int] {
        let n = xType.shape[axis]
        let inner = xType.shape[(axis + 1)...].reduce(1, *)
        let outer = xType.shape[..<axis].reduce(1, *)
        var result = [Int](repeating: 0, count: outer * inner)
        guard n > 0, !result.isEmpty else { return result }
        let x = xRaw.baseAddress!.assumingMemoryBound(to: T.self)
        for o in 0..<outer {
            for i in 0..<inner {
                let base = o * n * inner + i
                var best = x[base], bestIndex = 0
                for j in 1..<Swift.max(n, 1) where better(x[base + j * inner], best) {
                    best = x[base + j * inner]
                    bestIndex = j
                }
                result[o * inner + i] = bestIndex
            }
        }
        return result
    }

    struct StoreIndices: ElementVisitor {
        let positions: [Int]
        let out: UnsafeMutableRawBufferPointer
        func visit<T: HostElement>(_: T.Type) throws {
            let o = out.bindMemory(to: T.self)
            for (i, p) in positions.enumerated() { o[i] = T.from(signed: Int64(p)) }
        }
    }

    // MARK: cumulative

    /// Inclusive scan along `axis` (from the end when `reverse`).
    static func cumulative(_ op: CumulativeOp, axis: Int, reverse: Bool, _ x: UnsafeRawBufferPointer,
                           _ xType: ShapedType, _ out: UnsafeMutableRawBufferPointer) throws {
        let reduceOp: ReduceOp
        switch op {
        case .cumsum: reduceOp = .sum
        case .cumprod: reduceOp = .prod
        case .cummax: reduceOp = .max
        case .cummin: reduceOp = .min
        }
        switch xType.dtype {
        case .bool: scanTyped(axis, reverse, x, xType, out, UInt8.self, boolReducer(reduceOp))
        case .int32: scanTyped(axis, reverse, x, xType, out, Int32.self, integerReducer(reduceOp, Int32.self))
        case .int64: scanTyped(axis, reverse, x, xType, out, Int64.self, integerReducer(reduceOp, Int64.self))
        case .uint32: scanTyped(axis, reverse, x, xType, out, UInt32.self, integerReducer(reduceOp, UInt32.self))
        case .float16:
            let r = try floatReducer(reduceOp, Float.self)
            try viaFloat(x, xType, out) { scanTyped(axis, reverse, $0, $1, $2, Float.self, r) }
        case .float32: scanTyped(axis, reverse, x, xType, out, Float.self, try floatReducer(reduceOp, Float.self))
        case .float64: scanTyped(axis, reverse, x, xType, out, Double.self, try floatReducer(reduceOp, Double.self))
        }
    }

    static func scanTyped<T>(_ axis: Int, _ reverse: Bool, _ xRaw: UnsafeRawBufferPointer, _ xType: ShapedType,
                             _ outRaw: UnsafeMutableRawBufferPointer, _: T.Type, _ r: Reducer<T>) {
        guard xType.count > 0 else { return }
        let n = xType.shape[axis]
        let inner = xType.shape[(axis + 1)...].reduce(1, *)
        let outer = xType.shape[..<axis].reduce(1, *)
        let x = xRaw.baseAddress!.assumingMemoryBound(to: T.self)
        let out = outRaw.baseAddress!.assumingMemoryBound(to: T.self)
        var o = 0
        while o < outer {
            var i = 0
            while i < inner {
                var acc = r.identity
                var step = 0
                while step < n {
                    let j = reverse ? n - 1 - step : step
                    let p = o * n * inner + j * inner + i
                    acc = r.combine(acc, x[p])
                    out[p] = acc
                    step += 1
                }
                i += 1
            }
            o += 1
        }
    }
}
