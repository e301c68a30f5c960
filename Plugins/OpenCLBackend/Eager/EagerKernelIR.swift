import TesseraCore

/// Kernel-IR kernels for the primitives that are one loop over their output: elementwise
/// ops, iota, and the movement primitives that are a strided read (broadcast, transpose,
/// slice, rev), plus reductions. They run through the renderer like fused kernels.
enum EagerKernelIR {
    /// The kernel computing `primitive`, or nil when it needs a dedicated device kernel.
    static func kernel(_ primitive: Primitive, _ inputs: [ShapedType], _ outputs: [ShapedType]) -> Kernel? {
        let name = printedName(primitive).replacingOccurrences(of: "-", with: "_")
        let out = outputs.first?.strong ?? ShapedType([], .float32)
        func contiguousLoad(_ i: Int) -> KernelInstruction {
            KernelInstruction(.load(input: i, map: KernelIndexMap(offset: 0, strides: contiguousStrides(out.shape))), inputs[i].dtype)
        }
        /// One strided read of input 0 over the output shape.
        func strided(_ offset: Int, _ strides: [Int]) -> Kernel {
            make(name, inputs, [out], out.shape, [KernelInstruction(.load(input: 0, map: KernelIndexMap(offset: offset, strides: strides)), inputs[0].dtype)], [KernelStore(output: 0, value: 0)])
        }
        switch primitive {
        case .unary(let op):
            return make(name, inputs, [out], out.shape, [contiguousLoad(0), KernelInstruction(.unary(op, 0), out.dtype)], [KernelStore(output: 0, value: 1)])
        case .binary(let op):
            return make(name, inputs, [out], out.shape, [contiguousLoad(0), contiguousLoad(1), KernelInstruction(.binary(op, 0, 1), out.dtype)],
                        [KernelStore(output: 0, value: 2)])
        case .compare(let op):
            return make(name, inputs, [out], out.shape, [contiguousLoad(0), contiguousLoad(1), KernelInstruction(.compare(op, 0, 1), .bool)],
                        [KernelStore(output: 0, value: 2)])
        case .select:
            let whichStrides = inputs[0].count == 1 ? out.shape.map { _ in 0 } : contiguousStrides(out.shape)
            let which = KernelInstruction(.load(input: 0, map: KernelIndexMap(offset: 0, strides: whichStrides)), .bool)
            return make(name, inputs, [out], out.shape, [which, contiguousLoad(1), contiguousLoad(2),
                                                         KernelInstruction(.select(which: 0, onFalse: 1, onTrue: 2), out.dtype)],
                        [KernelStore(output: 0, value: 3)])
        case .convertElementType:
            return make(name, inputs, [out], out.shape, [contiguousLoad(0), KernelInstruction(.convert(0), out.dtype)], [KernelStore(output: 0, value: 1)])
        case .bitcastConvertType:
            return make(name, inputs, [out], out.shape, [contiguousLoad(0), KernelInstruction(.bitcast(0), out.dtype)], [KernelStore(output: 0, value: 1)])
        case .iota(let dtype, let shape, let dimension):
            return make(name, [], [out], shape, [KernelInstruction(.index(dimension: dimension), .int32), KernelInstruction(.convert(0), dtype)],
                        [KernelStore(output: 0, value: 1)])
        case .broadcastInDim(let shape, let dims):
            let xStrides = contiguousStrides(inputs[0].shape)
            var strides = [Int](repeating: 0, count: shape.count)
            for (i, d) in dims.enumerated() where inputs[0].shape[i] != 1 { strides[d] = xStrides[i] }
            return strided(0, strides)
        case .transpose(let permutation):
            let xStrides = contiguousStrides(inputs[0].shape)
            return strided(0, permutation.map { xStrides[$0] })
        case .slice(let start, _, let steps):
            let xStrides = contiguousStrides(inputs[0].shape)
            return strided(zip(start, xStrides).reduce(0) { $0 + $1.0 * $1.1 }, zip(steps, xStrides).map { $0 * $1 })
        case .rev(let dimensions):
            var strides = contiguousStrides(inputs[0].shape)
            var offset = 0
            for d in Set(dimensions) where inputs[0].shape[d] > 0 {
                offset += (inputs[0].shape[d] - 1) * strides[d]
                strides[d] = -strides[d]
            }
            return strided(offset, strides)
        case .reduce(let op, let axes):
            let x = inputs[0]
            var body = [KernelInstruction(.load(input: 0, map: KernelIndexMap(offset: 0, strides: contiguousStrides(x.shape))), x.dtype)]
            if x.dtype != out.dtype { body.append(KernelInstruction(.convert(0), out.dtype)) }
            return Kernel(name: name, inputs: [x.strong], outputs: [out], indexSpace: x.shape, body: body, stores: [],
                          reduction: KernelReduction(op: op, axes: axes.sorted(), value: body.count - 1, accumulatorDType: out.dtype))
        case .reshape, .stopGradient, .dynamicSlice, .dynamicUpdateSlice, .pad, .concatenate, .gather, .scatter,
             .argReduce, .cumulative, .sort, .dotGeneral, .threefry2x32, .cond, .whileLoop, .scan, .collective,
             .convGeneralDilated, .linalg:
            return nil
        }
    }

    /// A pointwise kernel; when every load is contiguous and no coordinate is read, the
    /// index space is flattened to one dimension (so one program serves every rank).
    static func make(_ name: String, _ inputs: [ShapedType], _ outputs: [ShapedType], _ space: [Int],
                     _ body: [KernelInstruction], _ stores: [KernelStore]) -> Kernel {
        let strides = contiguousStrides(space)
        let flat = body.allSatisfy { inst in
            switch inst.op {
            case .load(_, let map): return map.offset == 0 && zip(zip(map.strides, strides), space).allSatisfy { $0.0 == $0.1 || $1 == 1 }
            case .index, .accumulator: return false
            case .literal, .unary, .binary, .compare, .select, .convert, .bitcast: return true
            }
        }
        var k = Kernel(name: name, inputs: inputs.map(\.strong), outputs: outputs.map(\.strong), indexSpace: space,
                       body: body, stores: stores, reduction: nil)
        if flat && space.count != 1 {
            let n = space.reduce(1, *)
            k.indexSpace = [n]
            k.body = body.map { inst in
                if case .load(let i, _) = inst.op { return KernelInstruction(.load(input: i, map: KernelIndexMap(offset: 0, strides: [1])), inst.dtype) }
                return inst
            }
        }
        return k
    }
}
