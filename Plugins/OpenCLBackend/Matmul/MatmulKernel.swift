import COpenCL
import KernelSource
import TesseraCore

/// `dot_general` as a batched matmul: both operands are brought to `[B, M, K]` and
/// `[B, K, N]` in the accumulation dtype (one strided-copy kernel each, skipped when they
/// already are), then a tiled kernel computes `[B, M, N]`.
///
/// The tiled kernel: a work group computes a `TM x TN` tile of C in `K`-steps of `TK`,
/// staging the A and B tiles in local memory; each work item accumulates an `RM x RN`
/// register block (rows `ty + i * TM/RM`, columns `tx + j * TN/RN`, so neighbouring items
/// touch neighbouring columns: coalesced on GPUs, vectorised across items on PoCL). The
/// tile is chosen from the device's work-group limit and local memory.
///
/// Accumulation dtype as the reference: float64 if the output or inputs are float64,
/// float32 for other float outputs, else the output dtype (wrapping, as unsigned).
struct MatmulKernel {
    let context: OpenCLDeviceContext
    /// Use the local-memory tiled kernel even on CPU devices (tests of the GPU path).
    var forceTiled = false

    /// Tile sizes: (TM, TN, TK, RM, RN).
    struct Tiling: Hashable {
        var tm: Int, tn: Int, tk: Int, rm: Int, rn: Int
        var groupSize: Int { (tm / rm) * (tn / rn) }
    }

    /// The tiling for this device and accumulator size.
    func tiling(_ accumulator: DType) -> Tiling {
        let candidates = [Tiling(tm: 64, tn: 64, tk: 16, rm: 4, rn: 4), Tiling(tm: 32, tn: 32, tk: 16, rm: 4, rn: 4),
                          Tiling(tm: 16, tn: 16, tk: 16, rm: 2, rn: 2), Tiling(tm: 4, tn: 4, tk: 4, rm: 1, rn: 1)]
        for t in candidates where t.groupSize <= context.maxWorkGroupSize
            && (t.tk * (t.tm + 1) + t.tk * t.tn) * accumulator.byteSize <= context.localMemoryBytes {
            return t
        }
        return candidates.last!
    }

    /// The tiled kernel with the largest tiling the device accepts: the kernel's own
    /// `CL_KERNEL_WORK_GROUP_SIZE` (registers, local memory) can be below the device's limit.
    func tiledKernel(acc: DType, out: DType) throws -> (cl_kernel, Tiling) {
        var candidate = tiling(acc)
        while true {
            let source = try Self.source(acc: acc, out: out, tiling: candidate, hasFloat64: context.hasFloat64)
            let (program, _) = try context.programs.program(source: source, name: "matmul", device: context)
            let kernel = try program.kernel("matmul", device: context.deviceDescription)
            var limit = 0
            clGetKernelWorkGroupInfo(kernel, context.deviceID, cl_kernel_work_group_info(CL_KERNEL_WORK_GROUP_SIZE), MemoryLayout<Int>.size, &limit, nil)
            if limit == 0 || candidate.groupSize <= limit || candidate.groupSize == 1 { return (kernel, candidate) }
            candidate = Tiling(tm: Swift.max(candidate.tm / 2, candidate.rm), tn: Swift.max(candidate.tn / 2, candidate.rn), tk: candidate.tk,
                               rm: candidate.rm, rn: candidate.rn)
            if candidate.tm == candidate.rm && candidate.tn == candidate.rn { candidate = Tiling(tm: 1, tn: 1, tk: 4, rm: 1, rn: 1) }
        }
    }

    static func accumulator(_ lhs: DType, _ out: DType) -> DType {
        if out.isFloatingPoint { return (out == .float64 || lhs == .float64) ? .float64 : .float32 }
        return out
    }

    func dotGeneral(_ lhs: OpenCLBuffer, _ lType: ShapedType, _ rhs: OpenCLBuffer, _ rType: ShapedType,
                    _ dn: DotDimensionNumbers, outType: ShapedType) throws -> OpenCLBuffer {
        if lType.dtype == .bool || outType.dtype == .bool {
            throw TesseraError(.unsupported, "dot_general: unsupported dtype bool on \(context.deviceDescription); convert the operands with asType(.int32) or asType(.float32)")
        }
        let lFree = (0..<lType.rank).filter { !dn.lhsBatch.contains($0) && !dn.lhsContracting.contains($0) }
        let rFree = (0..<rType.rank).filter { !dn.rhsBatch.contains($0) && !dn.rhsContracting.contains($0) }
        let b = dn.lhsBatch.map { lType.shape[$0] }.reduce(1, *)
        let m = lFree.map { lType.shape[$0] }.reduce(1, *)
        let k = dn.lhsContracting.map { lType.shape[$0] }.reduce(1, *)
        let n = rFree.map { rType.shape[$0] }.reduce(1, *)
        let acc = Self.accumulator(lType.dtype, outType.dtype)
        try context.requireDType(acc, for: "dot_general")
        let out = try context.allocate(outType.byteCount)
        guard b * m * n > 0 else { return out }
        let a = try canonical(lhs, lType, permutation: dn.lhsBatch + lFree + dn.lhsContracting, acc)
        let bm = try canonical(rhs, rType, permutation: dn.rhsBatch + dn.rhsContracting + rFree, acc)
        let arguments: [KernelArgument] = [.buffer(a), .buffer(bm), .buffer(out), .int32(Int32(m)), .int32(Int32(n)), .int32(Int32(k))]
        if !context.isGPU && !forceTiled && acc == outType.dtype && (acc == .float32 || acc == .float64) {
            // CPU devices: vector register blocks, no local memory (see `cpuSource`).
            let width = acc == .float32 ? 16 : 8
            let source = Self.cpuSource(acc, rows: 8, width: width)
            let (program, _) = try context.programs.program(source: source, name: "matmul_cpu", device: context)
            try context.launch(try program.kernel("matmul_cpu", device: context.deviceDescription), "matmul_cpu", arguments,
                               global: [(n + width - 1) / width, (m + 7) / 8, b], local: nil, outputs: [out])
            return out
        }
        let (kernel, t) = try tiledKernel(acc: acc, out: outType.dtype)
        let global = [(n + t.tn - 1) / t.tn * (t.tn / t.rn), (m + t.tm - 1) / t.tm * (t.tm / t.rm), b]
        try context.launch(kernel, "matmul", arguments, global: global, local: [t.tn / t.rn, t.tm / t.rm, 1], outputs: [out])
        return out
    }

    /// `x` transposed by `permutation` and converted to `dtype`, contiguous (no copy when it already is).
    func canonical(_ x: OpenCLBuffer, _ type: ShapedType, permutation: [Int], _ dtype: DType) throws -> OpenCLBuffer {
        if permutation == Array(0..<type.rank) && type.dtype == dtype { return x }
        let strides = contiguousStrides(type.shape)
        let shape = permutation.map { type.shape[$0] }
        var body = [KernelInstruction(.load(input: 0, map: KernelIndexMap(offset: 0, strides: permutation.map { strides[$0] })), type.dtype)]
        if type.dtype != dtype { body.append(KernelInstruction(.convert(0), dtype)) }
        let kernel = EagerKernelIR.make("matmul_operand", [type], [ShapedType(shape, dtype)], shape, body,
                                        [KernelStore(output: 0, value: body.count - 1)])
        let c = context
        let compiled = try context.eagerKernels.value(EagerKernelCache.key(kernel)) {
            try OpenCLCompiledKernel(kernel: kernel, context: c, parametric: true)
        }
        return try compiled.launch(kernel, inputs: [x])[0]
    }

    /// The OpenCL C of the tiled kernel.
    static func source(acc: DType, out: DType, tiling t: Tiling, hasFloat64: Bool) throws -> String {
        let dialect = OpenCLDialect()
        var expressions = ScalarExpressions(dialect: dialect, hasFloat64: hasFloat64)
        // Integers accumulate in the unsigned type of their width (wrapping without UB).
        let reg = acc == .int32 ? "uint" : (acc == .int64 ? "ulong" : dialect.registerType(acc))
        let accValue = acc.isInteger ? "((\(dialect.registerType(acc)))acc[i][j])" : "acc[i][j]"
        let store = dialect.store(buffer: "C", index: "(long)m * N + n", value: expressions.convert(accValue, from: acc, to: out), dtype: out)
        let st = dialect.storageType(acc)
        let load = { (name: String, index: String) in acc.isInteger ? "(\(reg))\(name)[\(index)]" : "\(name)[\(index)]" }
        return dialect.prelude(dtypes: [acc, out]) + expressions.helperSource + "\n" + """
        #define TM \(t.tm)
        #define TN \(t.tn)
        #define TK \(t.tk)
        #define RM \(t.rm)
        #define RN \(t.rn)
        #define WX (TN / RN)
        #define WY (TM / RM)
        __kernel __attribute__((reqd_work_group_size(WX, WY, 1)))
        void matmul(__global const \(st)* A, __global const \(st)* B, __global \(dialect.storageType(out))* C, const int M, const int N, const int K) {
          const int tx = get_local_id(0), ty = get_local_id(1);
          const int n0 = get_group_id(0) * TN, m0 = get_group_id(1) * TM;
          const long batch = get_global_id(2);
          A += batch * M * K; B += batch * K * N; C += batch * M * N;
          __local \(reg) As[TK][TM + 1];
          __local \(reg) Bs[TK][TN];
          \(reg) acc[RM][RN];
          for (int i = 0; i < RM; i++) for (int j = 0; j < RN; j++) acc[i][j] = 0;
          const int lid = ty * WX + tx;
          for (int k0 = 0; k0 < K; k0 += TK) {
            for (int e = lid; e < TM * TK; e += WX * WY) {
              const int mm = e / TK, kk = e - mm * TK, gm = m0 + mm, gk = k0 + kk;
              As[kk][mm] = (gm < M && gk < K) ? \(load("A", "(long)gm * K + gk")) : (\(reg))0;
            }
            for (int e = lid; e < TK * TN; e += WX * WY) {
              const int kk = e / TN, nn = e - kk * TN, gk = k0 + kk, gn = n0 + nn;
              Bs[kk][nn] = (gk < K && gn < N) ? \(load("B", "(long)gk * N + gn")) : (\(reg))0;
            }
            barrier(CLK_LOCAL_MEM_FENCE);
            for (int kk = 0; kk < TK; kk++) {
              \(reg) a[RM], b[RN];
              for (int i = 0; i < RM; i++) a[i] = As[kk][ty + i * WY];
              for (int j = 0; j < RN; j++) b[j] = Bs[kk][tx + j * WX];
              for (int i = 0; i < RM; i++) for (int j = 0; j < RN; j++) acc[i][j] += a[i] * b[j];
            }
            barrier(CLK_LOCAL_MEM_FENCE);
          }
          for (int i = 0; i < RM; i++) {
            const int m = m0 + ty + i * WY;
            if (m >= M) continue;
            for (int j = 0; j < RN; j++) {
              const int n = n0 + tx + j * WX;
              if (n < N) { \(store) }
            }
          }
        }
        """
    }

    /// The CPU variant (float32/float64, output dtype == accumulator): each work item
    /// computes `rows` rows by `width` columns of C as `rows` vector accumulators; per k it
    /// loads one vector of B's row k and broadcasts one element of each A row (`mad`). The
    /// CPU's caches stand in for local memory; PoCL maps the vectors onto AVX registers.
    /// Edge items (fewer than `width` columns left) take a scalar loop.
    static func cpuSource(_ dtype: DType, rows: Int, width: Int) -> String {
        let t = OpenCLDialect().registerType(dtype), v = "\(t)\(width)"
        let r = 0..<rows
        return OpenCLDialect().prelude(dtypes: [dtype]) + """
        __kernel void matmul_cpu(__global const \(t)* A, __global const \(t)* B, __global \(t)* C, const int M, const int N, const int K) {
          const int n0 = get_global_id(0) * \(width), m0 = get_global_id(1) * \(rows);
          const long batch = get_global_id(2);
          if (n0 >= N || m0 >= M) return;
          A += batch * M * K; B += batch * K * N; C += batch * M * N;
        \(r.map { "  __global const \(t)* a\($0) = A + (long)min(m0 + \($0), M - 1) * K;" }.joined(separator: "\n"))
          if (n0 + \(width) <= N) {
        \(r.map { "    \(v) c\($0) = (\(v))(0);" }.joined(separator: "\n"))
            for (int k = 0; k < K; k++) {
              const \(v) b = vload\(width)(0, B + (long)k * N + n0);
        \(r.map { "      c\($0) = mad((\(v))(a\($0)[k]), b, c\($0));" }.joined(separator: "\n"))
            }
        \(r.map { "    if (m0 + \($0) < M) vstore\(width)(c\($0), 0, C + (long)(m0 + \($0)) * N + n0);" }.joined(separator: "\n"))
          } else {
            for (int n = n0; n < N; n++) {
        \(r.map { "      \(t) s\($0) = 0;" }.joined(separator: "\n"))
              for (int k = 0; k < K; k++) {
                const \(t) b = B[(long)k * N + n];
        \(r.map { "        s\($0) = mad(a\($0)[k], b, s\($0));" }.joined(separator: "\n"))
              }
        \(r.map { "      if (m0 + \($0) < M) C[(long)(m0 + \($0)) * N + n] = s\($0);" }.joined(separator: "\n"))
            }
          }
        }
        """
    }
}
