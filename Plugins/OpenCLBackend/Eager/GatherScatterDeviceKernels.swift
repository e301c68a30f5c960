import KernelSource
import TesseraCore

/// `gather` (one item per output element) and `scatter` (a copy, then the updates applied
/// in order by one item, so that combining follows the reference's order exactly). The
/// dimension numbers and shapes are literals of the generated source.
extension DeviceKernels {
    /// The bits of gather's fill value (NaN, the minimum or maximum integer, true).
    static func fillBits(_ dtype: DType) -> String {
        switch dtype {
        case .bool: return "1"
        case .int32: return "0x80000000u"
        case .int64: return "0x8000000000000000UL"
        case .uint32: return "0xffffffffu"
        case .float16: return "0x7e00"
        case .float32: return "0x7fc00000u"
        case .float64: return "0x7ff8000000000000UL"
        }
    }

    /// Statements `const long <prefix><k> = ...;` decomposing `position` over `shape`.
    static func decompose(_ position: String, _ shape: [Int], prefix: String) -> [String] {
        guard !shape.isEmpty else { return [] }
        var lines = ["long \(prefix)q = \(position);"]
        for k in stride(from: shape.count - 1, through: 0, by: -1) {
            lines.append("const long \(prefix)\(k) = \(prefix)q % \(Swift.max(shape[k], 1))L; \(prefix)q = \(prefix)q / \(Swift.max(shape[k], 1))L;")
        }
        return lines
    }

    func gather(_ x: [OpenCLBuffer], _ types: [ShapedType], _ dn: GatherDimensionNumbers, sliceSizes: [Int],
                mode: GatherMode, outType: ShapedType) throws -> OpenCLBuffer {
        let xType = types[0], iType = types[1]
        let out = try context.allocate(outType.byteCount)
        guard outType.count > 0 else { return out }
        let e = Self.bitsType(xType.dtype), it = dialect.storageType(iType.dtype)
        let k = iType.shape.last!
        let batchShape = Array(iType.shape.dropLast())
        let batchStrides = contiguousStrides(batchShape), xStrides = contiguousStrides(xType.shape)
        let batchOutAxes = (0..<outType.rank).filter { !dn.offsetDims.contains($0) }
        let offsetOperandDims = (0..<xType.rank).filter { !dn.collapsedSliceDims.contains($0) && !dn.operandBatchingDims.contains($0) }
        var lines = Self.decompose("p", outType.shape, prefix: "o")
        let row = batchOutAxes.enumerated().map { "o\($1) * \(batchStrides[$0])L" }
        lines.append("const long row = \(row.isEmpty ? "0" : row.joined(separator: " + "));")
        lines.append("bool inb = true;")
        var start = [String](repeating: "0L", count: xType.rank)
        for c in 0..<k {
            let d = dn.startIndexMap[c], upper = xType.shape[d] - sliceSizes[d]
            lines.append("const long raw\(c) = (long)idx[row * \(k)L + \(c)L]; if (raw\(c) < 0 || raw\(c) > \(upper)L) inb = false;")
            start[d] = "clamp(raw\(c), 0L, \(upper)L)"
        }
        for (i, d) in dn.operandBatchingDims.enumerated() { start[d] = "o\(batchOutAxes[dn.startIndicesBatchingDims[i]])" }
        var terms: [String] = []
        for d in 0..<xType.rank {
            var coordinate = start[d]
            if let j = offsetOperandDims.firstIndex(of: d) { coordinate += " + o\(dn.offsetDims[j])" }
            terms.append("(\(coordinate)) * \(xStrides[d])L")
        }
        lines.append("const long src = \(terms.isEmpty ? "0" : terms.joined(separator: " + "));")
        lines.append(mode == .fill ? "out[p] = inb ? x[src] : (\(e))(\(Self.fillBits(xType.dtype)));" : "out[p] = x[src];")
        let entry = "gather_\(e)_\(iType.dtype.shortName)"
        let source = prelude([iType.dtype]) + """
        __kernel void \(entry)(__global const \(e)* x, __global const \(it)* idx, __global \(e)* out, const long n) {
          for (long p = get_global_id(0); p < n; p += get_global_size(0)) {
        \(lines.map { "    " + $0 }.joined(separator: "\n"))
          }
        }
        """
        try launch(source, entry, [.buffer(x[0]), .buffer(x[1]), .buffer(out), .int64(Int64(outType.count))],
                   count: outType.count, outputs: [out])
        return out
    }

    func scatter(_ x: [OpenCLBuffer], _ types: [ShapedType], _ dn: ScatterDimensionNumbers, mode: ScatterMode) throws -> OpenCLBuffer {
        let xType = types[0], iType = types[1], uType = types[2]
        let out = try context.allocate(xType.byteCount)
        try context.copy(x[0], out, bytes: xType.byteCount)
        let k = iType.shape.last!
        let batchShape = Array(iType.shape.dropLast())
        let rows = batchShape.reduce(1, *)
        guard rows > 0, uType.count > 0, xType.count > 0 else { return out }
        let xStrides = contiguousStrides(xType.shape), uStrides = contiguousStrides(uType.shape)
        let scatterUpdateAxes = (0..<uType.rank).filter { !dn.updateWindowDims.contains($0) }
        let windowOperandDims = (0..<xType.rank).filter { !dn.insertedWindowDims.contains($0) && !dn.operandBatchingDims.contains($0) }
        var window = [Int](repeating: 1, count: xType.rank)
        var windowUpdateStrides = [Int](repeating: 0, count: xType.rank)
        for (j, d) in windowOperandDims.enumerated() {
            window[d] = uType.shape[dn.updateWindowDims[j]]
            windowUpdateStrides[d] = uStrides[dn.updateWindowDims[j]]
        }
        var expressions = ScalarExpressions(dialect: dialect, hasFloat64: context.hasFloat64)
        let dtype = xType.dtype
        let old = dialect.load(buffer: "out", index: "dst", dtype: dtype), new = dialect.load(buffer: "upd", index: "src", dtype: dtype)
        let combined: String
        switch mode {
        case .set: combined = new
        case .add: combined = try expressions.binary(.add, old, new, dtype)
        case .mul: combined = try expressions.binary(.mul, old, new, dtype)
        case .min: combined = try expressions.binary(.min, old, new, dtype)
        case .max: combined = try expressions.binary(.max, old, new, dtype)
        }
        var lines = Self.decompose("row", batchShape, prefix: "g")
        var start = [String](repeating: "0L", count: xType.rank)
        for c in 0..<k { start[dn.scatterDimsToOperandDims[c]] = "(long)idx[row * \(k)L + \(c)L]" }
        for (i, d) in dn.operandBatchingDims.enumerated() { start[d] = "g\(dn.scatterIndicesBatchingDims[i])" }
        for d in 0..<xType.rank {
            lines.append("const long s\(d) = \(start[d]); if (s\(d) < 0 || s\(d) > \(xType.shape[d] - window[d])L) continue;")
        }
        let uOffset = scatterUpdateAxes.enumerated().map { "g\($0) * \(uStrides[$1])L" }
        let xOffset = (0..<xType.rank).map { "s\($0) * \(xStrides[$0])L" }
        lines.append("const long uOffset = \(uOffset.isEmpty ? "0" : uOffset.joined(separator: " + "));")
        lines.append("const long xOffset = \(xOffset.isEmpty ? "0" : xOffset.joined(separator: " + "));")
        lines.append("for (long w = 0; w < \(window.reduce(1, *))L; w++) {")
        lines += Self.decompose("w", window, prefix: "w").map { "  " + $0 }
        let dst = (0..<xType.rank).map { "w\($0) * \(xStrides[$0])L" }, src = (0..<xType.rank).map { "w\($0) * \(windowUpdateStrides[$0])L" }
        lines.append("  const long dst = xOffset\(dst.map { " + " + $0 }.joined());")
        lines.append("  const long src = uOffset\(src.map { " + " + $0 }.joined());")
        lines.append("  " + dialect.store(buffer: "out", index: "dst", value: combined, dtype: dtype))
        lines.append("}")
        let entry = "scatter_\(mode.rawValue)_\(dtype.shortName)_\(iType.dtype.shortName)"
        let source = prelude([dtype, iType.dtype]) + expressions.helperSource + "\n" + """
        __kernel void \(entry)(__global const \(dialect.storageType(iType.dtype))* idx, __global const \(dialect.storageType(dtype))* upd, __global \(dialect.storageType(dtype))* out) {
          if (get_global_id(0) != 0) return;
          for (long row = 0; row < \(rows)L; row++) {
        \(lines.map { "    " + $0 }.joined(separator: "\n"))
          }
        }
        """
        try context.launch(try kernel(source, entry), entry, [.buffer(x[1]), .buffer(x[2]), .buffer(out)], global: 1, local: 1, outputs: [out])
        return out
    }
}
