import KernelSource
import TesseraCore

/// argmax/argmin and inclusive scans (one item per line along the axis, in the reference's
/// order), sort (a stable bottom-up merge sort of indices per line, lexicographic over the
/// keys, NaN last), and the Threefry-2x32 cipher.
extension DeviceKernels {
    /// outer, n, inner of an axis of `shape`.
    static func lines(_ shape: [Int], _ axis: Int) -> (Int, Int, Int) {
        (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
    }

    func argReduce(_ op: ArgReduceOp, axis: Int, indexDType: DType, _ x: OpenCLBuffer, _ xType: ShapedType,
                   _ outType: ShapedType) throws -> OpenCLBuffer {
        let out = try context.allocate(outType.byteCount)
        let (outer, n, inner) = Self.lines(xType.shape, axis)
        let dtype = xType.dtype, t = dialect.registerType(dtype)
        let better: String
        if dtype.isFloatingPoint {
            better = "!isnan(best) && (isnan(c) || c \(op == .argmax ? ">" : "<") best)"
        } else {
            better = "c \(op == .argmax ? ">" : "<") best"
        }
        var expressions = ScalarExpressions(dialect: dialect, hasFloat64: context.hasFloat64)
        let store = dialect.store(buffer: "out", index: "p", value: expressions.convert("bi", from: .int64, to: indexDType), dtype: indexDType)
        let entry = "\(op.rawValue)_\(dtype.shortName)_\(indexDType.shortName)"
        let source = prelude([dtype, indexDType]) + expressions.helperSource + "\n" + """
        __kernel void \(entry)(__global const \(dialect.storageType(dtype))* x, __global \(dialect.storageType(indexDType))* out, const long outer, const long n, const long inner) {
          for (long p = get_global_id(0); p < outer * inner; p += get_global_size(0)) {
            const long o = p / inner, i = p - o * inner, base = o * n * inner + i;
            long bi = 0;
            if (n > 0) {
              \(t) best = \(dialect.load(buffer: "x", index: "base", dtype: dtype));
              for (long j = 1; j < n; j++) {
                const \(t) c = \(dialect.load(buffer: "x", index: "base + j * inner", dtype: dtype));
                if (\(better)) { best = c; bi = j; }
              }
            }
            \(store)
          }
        }
        """
        try launch(source, entry, [.buffer(x), .buffer(out), .int64(Int64(outer)), .int64(Int64(n)), .int64(Int64(inner))],
                   count: outer * inner, outputs: [out])
        return out
    }

    /// The identity of a scan's combining op in `dtype`.
    func identity(_ op: CumulativeOp, _ dtype: DType) -> String {
        let t = dialect.registerType(dtype)
        switch (op, dtype) {
        case (.cumsum, .bool), (.cummax, .bool): return "false"
        case (.cumprod, .bool), (.cummin, .bool): return "true"
        case (.cumsum, _): return "(\(t))0"
        case (.cumprod, _): return "(\(t))1"
        case (.cummax, .int32): return "(-2147483647-1)"
        case (.cummin, .int32): return "2147483647"
        case (.cummax, .int64): return "(-9223372036854775807L-1L)"
        case (.cummin, .int64): return "9223372036854775807L"
        case (.cummax, .uint32): return "0u"
        case (.cummin, .uint32): return "4294967295u"
        case (.cummax, _): return "(\(t))(-INFINITY)"
        case (.cummin, _): return "(\(t))INFINITY"
        }
    }

    func cumulative(_ op: CumulativeOp, axis: Int, reverse: Bool, _ x: OpenCLBuffer, _ xType: ShapedType) throws -> OpenCLBuffer {
        let out = try context.allocate(xType.byteCount)
        let (outer, n, inner) = Self.lines(xType.shape, axis)
        let dtype = xType.dtype, t = dialect.registerType(dtype)
        var expressions = ScalarExpressions(dialect: dialect, hasFloat64: context.hasFloat64)
        let binary: BinaryOp
        switch op {
        case .cumsum: binary = .add
        case .cumprod: binary = .mul
        case .cummax: binary = .max
        case .cummin: binary = .min
        }
        let combine = try expressions.binary(binary, "acc", dialect.load(buffer: "x", index: "q", dtype: dtype), dtype)
        let entry = "\(op.rawValue)_\(dtype.shortName)_\(reverse ? "rev" : "fwd")"
        let source = prelude([dtype]) + expressions.helperSource + "\n" + """
        __kernel void \(entry)(__global const \(dialect.storageType(dtype))* x, __global \(dialect.storageType(dtype))* out, const long outer, const long n, const long inner) {
          for (long p = get_global_id(0); p < outer * inner; p += get_global_size(0)) {
            const long o = p / inner, i = p - o * inner, base = o * n * inner + i;
            \(t) acc = \(identity(op, dtype));
            for (long step = 0; step < n; step++) {
              const long q = base + (\(reverse ? "n - 1 - step" : "step")) * inner;
              acc = \(combine);
              \(dialect.store(buffer: "out", index: "q", value: "acc", dtype: dtype))
            }
          }
        }
        """
        try launch(source, entry, [.buffer(x), .buffer(out), .int64(Int64(outer)), .int64(Int64(n)), .int64(Int64(inner))],
                   count: outer * inner, outputs: [out])
        return out
    }

    func sort(dimension: Int, numKeys: Int, _ x: [OpenCLBuffer], _ types: [ShapedType]) throws -> [OpenCLBuffer] {
        let outs = try types.map { try context.allocate($0.byteCount) }
        let (outer, n, inner) = Self.lines(types[0].shape, dimension)
        let lineCount = outer * inner
        guard lineCount > 0, n > 0 else { return outs }
        let perm = try context.allocate(lineCount * n * 4), tmp = try context.allocate(lineCount * n * 4)
        var params: [String] = []
        for (i, t) in types.enumerated() { params.append("__global const \(dialect.storageType(t.dtype))* x\(i)") }
        for (i, t) in types.enumerated() { params.append("__global \(Self.bitsType(t.dtype))* o\(i)") }
        var compare: [String] = []
        for k in 0..<numKeys {
            let dtype = types[k].dtype, t = dialect.registerType(dtype)
            let a = dialect.load(buffer: "x\(k)", index: "pa", dtype: dtype), b = dialect.load(buffer: "x\(k)", index: "pb", dtype: dtype)
            let body: String
            if dtype.isFloatingPoint {
                body = "const \(t) ka = \(a), kb = \(b); if (isnan(ka) || isnan(kb)) c = isnan(ka) ? (isnan(kb) ? 0 : 1) : -1; else c = ka < kb ? -1 : (kb < ka ? 1 : 0);"
            } else {
                body = "const \(t) ka = \(a), kb = \(b); c = ka < kb ? -1 : (kb < ka ? 1 : 0);"
            }
            compare.append(k == 0 ? "{ \(body) }" : "if (c == 0) { \(body) }")
        }
        let copies = types.indices.map { i in
            "for (long j = 0; j < n; j++) o\(i)[base + j * inner] = ((__global const \(Self.bitsType(types[i].dtype))*)x\(i))[base + (long)a[j] * inner];"
        }
        let entry = "sort_\(numKeys)_" + types.map(\.dtype.shortName).joined(separator: "_")
        let source = prelude(types.map(\.dtype)) + """
        __kernel void \(entry)(\(params.joined(separator: ", ")), __global int* perm, __global int* tmp, const long outer, const long n, const long inner) {
          for (long line = get_global_id(0); line < outer * inner; line += get_global_size(0)) {
            const long o = line / inner, i = line - o * inner, base = o * n * inner + i;
            __global int* a = perm + line * n;
            __global int* b = tmp + line * n;
            for (long j = 0; j < n; j++) a[j] = (int)j;
            for (long width = 1; width < n; width *= 2) {
              for (long lo = 0; lo < n; lo += 2 * width) {
                const long mid = min(lo + width, n), hi = min(lo + 2 * width, n);
                long l = lo, r = mid, k = lo;
                while (l < mid && r < hi) {
                  const long pa = base + (long)a[r] * inner, pb = base + (long)a[l] * inner;
                  int c = 0;
                  \(compare.joined(separator: "\n              "))
                  if (c < 0) b[k++] = a[r++]; else b[k++] = a[l++];
                }
                while (l < mid) b[k++] = a[l++];
                while (r < hi) b[k++] = a[r++];
              }
              __global int* s = a; a = b; b = s;
            }
            \(copies.joined(separator: "\n        "))
          }
        }
        """
        try launch(source, entry, x.map(KernelArgument.buffer) + outs.map(KernelArgument.buffer)
                   + [.buffer(perm), .buffer(tmp), .int64(Int64(outer)), .int64(Int64(n)), .int64(Int64(inner))],
                   count: lineCount, outputs: outs)
        return outs
    }

    func threefry(_ x: [OpenCLBuffer], _ type: ShapedType) throws -> [OpenCLBuffer] {
        let y0 = try context.allocate(type.byteCount), y1 = try context.allocate(type.byteCount)
        let source = """
        inline uint rotl(uint v, uint r) { return (v << r) | (v >> (32u - r)); }
        __kernel void threefry2x32(__global const uint* k0, __global const uint* k1, __global const uint* x0, __global const uint* x1,
                                   __global uint* y0, __global uint* y1, const long n) {
          const uint R[8] = {13u, 15u, 26u, 6u, 17u, 29u, 16u, 24u};
          for (long p = get_global_id(0); p < n; p += get_global_size(0)) {
            const uint ks[3] = {k0[p], k1[p], k0[p] ^ k1[p] ^ 0x1BD11BDAu};
            uint a = x0[p] + ks[0], b = x1[p] + ks[1];
            for (uint g = 0; g < 5u; g++) {
              for (uint j = 0; j < 4u; j++) { a += b; b = rotl(b, R[(g % 2u) * 4u + j]); b ^= a; }
              const uint s = g + 1u;
              a += ks[s % 3u];
              b += ks[(s + 1u) % 3u] + s;
            }
            y0[p] = a; y1[p] = b;
          }
        }
        """
        try launch(source, "threefry2x32", x.map(KernelArgument.buffer) + [.buffer(y0), .buffer(y1), .int64(Int64(type.count))],
                   count: type.count, outputs: [y0, y1])
        return [y0, y1]
    }
}
