import COpenCL
import KernelSource
import TesseraCore

/// Dedicated device kernels for the primitives that are not one strided loop over their
/// output: pad, concatenate, dynamic slices, gather, scatter, argmax/argmin, scans, sort,
/// threefry and dot_general. Shapes and layout facts travel in a small int64 `meta` buffer
/// (or as literals where the structure is baked in), so programs are shared across shapes.
struct DeviceKernels {
    let context: OpenCLDeviceContext
    var dialect: OpenCLDialect { OpenCLDialect() }
    var device: String { context.deviceDescription }

    /// The storage type moving elements of `dtype` by size.
    static func bitsType(_ dtype: DType) -> String {
        switch dtype.byteSize {
        case 1: return "uchar"
        case 2: return "ushort"
        case 4: return "uint"
        default: return "ulong"
        }
    }

    func run(_ primitive: Primitive, _ x: [OpenCLBuffer], _ types: [ShapedType], _ outTypes: [ShapedType]) throws -> [OpenCLBuffer] {
        switch primitive {
        case .pad(let config): return [try pad(x, types, config: config, outType: outTypes[0])]
        case .concatenate(let dimension): return [try concatenate(x, types, dimension: dimension, outType: outTypes[0])]
        case .dynamicSlice: return [try dynamicSlice(x, types, outType: outTypes[0])]
        case .dynamicUpdateSlice: return [try dynamicUpdateSlice(x, types)]
        case .gather(let dn, let sliceSizes, let mode):
            return [try gather(x, types, dn, sliceSizes: sliceSizes, mode: mode, outType: outTypes[0])]
        case .scatter(let dn, let mode): return [try scatter(x, types, dn, mode: mode)]
        case .argReduce(let op, let axis, let indexDType):
            return [try argReduce(op, axis: axis, indexDType: indexDType, x[0], types[0], outTypes[0])]
        case .cumulative(let op, let axis, let reverse): return [try cumulative(op, axis: axis, reverse: reverse, x[0], types[0])]
        case .sort(let dimension, _, let numKeys): return try sort(dimension: dimension, numKeys: numKeys, x, types)
        case .threefry2x32: return try threefry(x, types[0])
        case .dotGeneral(let dn, _): return [try MatmulKernel(context: context).dotGeneral(x[0], types[0], x[1], types[1], dn, outType: outTypes[0])]
        case .unary, .binary, .compare, .select, .convertElementType, .bitcastConvertType, .iota, .broadcastInDim,
             .reshape, .transpose, .slice, .rev, .reduce, .stopGradient, .cond, .whileLoop, .scan, .collective,
             .convGeneralDilated, .linalg:
            throw TesseraError(.invalidArgument, "opencl: \(printedName(primitive)) has no dedicated device kernel (it runs as a kernel-IR kernel)")
        }
    }

    // MARK: plumbing

    /// The kernel object of `entry` in the program built from `source`.
    func kernel(_ source: String, _ entry: String) throws -> cl_kernel {
        let (program, _) = try context.programs.program(source: source, name: entry, device: context)
        return try program.kernel(entry, device: device)
    }

    /// An int64 array on the device.
    func meta(_ values: [Int]) throws -> OpenCLBuffer {
        let v = values.isEmpty ? [Int64(0)] : values.map(Int64.init)
        return try v.withUnsafeBytes { try context.upload($0) }
    }

    /// The prelude for programs using `dtypes`.
    func prelude(_ dtypes: [DType]) -> String { dialect.prelude(dtypes: Set(dtypes)) }

    /// Enqueues a grid-stride kernel over `count` items.
    func launch(_ source: String, _ entry: String, _ args: [KernelArgument], count: Int, outputs: [OpenCLBuffer]) throws {
        guard count > 0 else { return }
        let (global, local) = context.gridStride(count)
        try context.launch(try kernel(source, entry), entry, args, global: global, local: local, outputs: outputs)
    }

    // MARK: movement

    func pad(_ x: [OpenCLBuffer], _ types: [ShapedType], config: [PadConfig], outType: ShapedType) throws -> OpenCLBuffer {
        let e = Self.bitsType(types[0].dtype)
        let out = try context.allocate(outType.byteCount)
        let source = """
        __kernel void pad_\(e)(__global const \(e)* x, __global const \(e)* value, __global \(e)* out, __global const long* meta, const long n) {
          const int rank = (int)meta[0];
          for (long p = get_global_id(0); p < n; p += get_global_size(0)) {
            long q = p, src = 0, stride = 1; bool inside = true;
            for (int k = rank - 1; k >= 0; k--) {
              const long osz = meta[1 + k], isz = meta[1 + rank + k], lo = meta[1 + 2 * rank + k], step = meta[1 + 3 * rank + k] + 1;
              const long o = q % osz; q = q / osz;
              const long t = o - lo;
              if (t < 0 || t % step != 0 || t / step >= isz) inside = false; else src += (t / step) * stride;
              stride *= isz;
            }
            out[p] = inside ? x[src] : value[0];
          }
        }
        """
        let rank = types[0].rank
        let m = try meta([rank] + outType.shape + types[0].shape + config.map(\.low) + config.map(\.interior))
        try launch(source, "pad_\(e)", [.buffer(x[0]), .buffer(x[1]), .buffer(out), .buffer(m), .int64(Int64(outType.count))],
                   count: outType.count, outputs: [out])
        return out
    }

    func concatenate(_ x: [OpenCLBuffer], _ types: [ShapedType], dimension: Int, outType: ShapedType) throws -> OpenCLBuffer {
        let e = Self.bitsType(outType.dtype)
        let out = try context.allocate(outType.byteCount)
        let inner = outType.shape[(dimension + 1)...].reduce(1, *)
        let source = """
        __kernel void concat_\(e)(__global const \(e)* x, __global \(e)* out, const long n, const long rowIn, const long rowOut, const long offset) {
          for (long p = get_global_id(0); p < n; p += get_global_size(0)) {
            const long row = p / rowIn;
            out[row * rowOut + offset + (p - row * rowIn)] = x[p];
          }
        }
        """
        var offset = 0
        for (b, t) in zip(x, types) {
            let d = t.shape[dimension]
            try launch(source, "concat_\(e)", [.buffer(b), .buffer(out), .int64(Int64(t.count)), .int64(Int64(d * inner)),
                                               .int64(Int64(outType.shape[dimension] * inner)), .int64(Int64(offset * inner))],
                       count: t.count, outputs: [out])
            offset += d
        }
        return out
    }

    /// Declarations of clamped start indices `st<k>` read from scalar buffers `s<k>`.
    private func startDeclarations(_ indexTypes: [DType], shapeBase: Int, sizeBase: Int) -> String {
        indexTypes.indices.map { k in
            "  const long st\(k) = clamp((long)s\(k)[0], 0L, meta[\(shapeBase + k)] - meta[\(sizeBase + k)]);"
        }.joined(separator: "\n")
    }

    func dynamicSlice(_ x: [OpenCLBuffer], _ types: [ShapedType], outType: ShapedType) throws -> OpenCLBuffer {
        let e = Self.bitsType(types[0].dtype), rank = types[0].rank
        let indexTypes = types[1...].map(\.dtype)
        let out = try context.allocate(outType.byteCount)
        let entry = "dslice_\(e)_" + indexTypes.map(\.shortName).joined(separator: "_")
        let params = indexTypes.enumerated().map { ", __global const \(dialect.storageType($1))* s\($0)" }.joined()
        let source = prelude(indexTypes) + """
        __kernel void \(entry)(__global const \(e)* x, __global \(e)* out\(params), __global const long* meta, const long n) {
        \(startDeclarations(indexTypes, shapeBase: 0, sizeBase: rank))
          const long st[\(Swift.max(rank, 1))] = {\(rank == 0 ? "0" : (0..<rank).map { "st\($0)" }.joined(separator: ", "))};
          for (long p = get_global_id(0); p < n; p += get_global_size(0)) {
            long q = p, src = 0, stride = 1;
            for (int k = \(rank) - 1; k >= 0; k--) {
              const long i = q % meta[\(rank) + k]; q = q / meta[\(rank) + k];
              src += (st[k] + i) * stride;
              stride *= meta[k];
            }
            out[p] = x[src];
          }
        }
        """
        let m = try meta(types[0].shape + outType.shape)
        try launch(source, entry, [.buffer(x[0]), .buffer(out)] + x[1...].map(KernelArgument.buffer) + [.buffer(m), .int64(Int64(outType.count))],
                   count: outType.count, outputs: [out])
        return out
    }

    func dynamicUpdateSlice(_ x: [OpenCLBuffer], _ types: [ShapedType]) throws -> OpenCLBuffer {
        let e = Self.bitsType(types[0].dtype), rank = types[0].rank
        let indexTypes = types[2...].map(\.dtype)
        let out = try context.allocate(types[0].byteCount)
        let entry = "dupdate_\(e)_" + indexTypes.map(\.shortName).joined(separator: "_")
        let params = indexTypes.enumerated().map { ", __global const \(dialect.storageType($1))* s\($0)" }.joined()
        let source = prelude(indexTypes) + """
        __kernel void \(entry)(__global const \(e)* x, __global const \(e)* u, __global \(e)* out\(params), __global const long* meta, const long n) {
        \(startDeclarations(indexTypes, shapeBase: 0, sizeBase: rank))
          const long st[\(Swift.max(rank, 1))] = {\(rank == 0 ? "0" : (0..<rank).map { "st\($0)" }.joined(separator: ", "))};
          for (long p = get_global_id(0); p < n; p += get_global_size(0)) {
            long q = p, src = 0, stride = 1; bool inside = true;
            for (int k = \(rank) - 1; k >= 0; k--) {
              const long i = q % meta[k]; q = q / meta[k];
              const long j = i - st[k];
              if (j < 0 || j >= meta[\(rank) + k]) inside = false; else src += j * stride;
              stride *= meta[\(rank) + k];
            }
            out[p] = inside ? u[src] : x[p];
          }
        }
        """
        let m = try meta(types[0].shape + types[1].shape)
        try launch(source, entry, [.buffer(x[0]), .buffer(x[1]), .buffer(out)] + x[2...].map(KernelArgument.buffer) + [.buffer(m), .int64(Int64(types[0].count))],
                   count: types[0].count, outputs: [out])
        return out
    }
}
