import TesseraCore

/// One-primitive kernels in the kernel IR for the primitives it can express (element-wise
/// ops, iota, broadcasts, transposes, slices, reversals, reductions); the Vulkan eager path
/// renders them with the same GLSL renderer as fused kernels.
enum EagerKernels {
    static func rowMajor(_ shape: [Int]) -> [Int] { GLSLKernelRenderer.rowMajorStrides(shape) }

    static func identity(_ shape: [Int]) -> KernelIndexMap { KernelIndexMap(offset: 0, strides: rowMajor(shape)) }

    /// Load map of an operand of `operand` shape read at the same point of `space` (a
    /// scalar operand broadcasts).
    static func sameShape(_ operand: [Int], _ space: [Int]) -> KernelIndexMap {
        operand == space ? identity(space) : KernelIndexMap(offset: 0, strides: [Int](repeating: 0, count: space.count))
    }

    /// The kernel computing `primitive`, or nil when it needs a dedicated shader.
    static func kernel(_ primitive: Primitive, _ ins: [ShapedType], _ outs: [ShapedType]) -> Kernel? {
        let name = printedName(primitive).replacingOccurrences(of: "-", with: "_")
        let out = outs.first?.shape ?? []
        func elementwise(_ make: ([KernelValue]) -> KernelOp, dtype: DType) -> Kernel {
            var body = ins.enumerated().map { KernelInstruction(.load(input: $0, map: sameShape($1.shape, out)), $1.dtype) }
            body.append(KernelInstruction(make(Array(0..<ins.count)), dtype))
            return Kernel(name: name, inputs: ins, outputs: outs, indexSpace: out, body: body,
                          stores: [KernelStore(output: 0, value: ins.count)], reduction: nil)
        }
        func load(_ map: KernelIndexMap) -> Kernel {
            Kernel(name: name, inputs: ins, outputs: outs, indexSpace: out,
                   body: [KernelInstruction(.load(input: 0, map: map), ins[0].dtype)],
                   stores: [KernelStore(output: 0, value: 0)], reduction: nil)
        }
        switch primitive {
        case .unary(let op): return elementwise({ .unary(op, $0[0]) }, dtype: outs[0].dtype)
        case .binary(let op): return elementwise({ .binary(op, $0[0], $0[1]) }, dtype: outs[0].dtype)
        case .compare(let op): return elementwise({ .compare(op, $0[0], $0[1]) }, dtype: .bool)
        case .select: return elementwise({ .select(which: $0[0], onFalse: $0[1], onTrue: $0[2]) }, dtype: outs[0].dtype)
        case .convertElementType: return elementwise({ .convert($0[0]) }, dtype: outs[0].dtype)
        case .bitcastConvertType: return elementwise({ .bitcast($0[0]) }, dtype: outs[0].dtype)
        case .stopGradient: return load(identity(out))
        case .iota(let dtype, _, let dimension):
            return Kernel(name: name, inputs: [], outputs: outs, indexSpace: out,
                          body: [KernelInstruction(.index(dimension: dimension), .int32), KernelInstruction(.convert(0), dtype)],
                          stores: [KernelStore(output: 0, value: 1)], reduction: nil)
        case .broadcastInDim(_, let dims):
            let src = rowMajor(ins[0].shape)
            var strides = [Int](repeating: 0, count: out.count)
            for (i, d) in dims.enumerated() where ins[0].shape[i] == out[d] && out[d] != 1 { strides[d] = src[i] }
            return load(KernelIndexMap(offset: 0, strides: strides))
        case .reshape: return load(identity(out))
        case .transpose(let perm):
            let src = rowMajor(ins[0].shape)
            return load(KernelIndexMap(offset: 0, strides: perm.map { src[$0] }))
        case .slice(let start, _, let steps):
            let src = rowMajor(ins[0].shape)
            let offset = zip(start, src).reduce(0) { $0 + $1.0 * $1.1 }
            return load(KernelIndexMap(offset: offset, strides: zip(steps, src).map { $0 * $1 }))
        case .rev(let dims):
            let src = rowMajor(ins[0].shape)
            var offset = 0
            var strides = src
            for d in dims {
                offset += (ins[0].shape[d] - 1) * src[d]
                strides[d] = -src[d]
            }
            return load(KernelIndexMap(offset: offset, strides: strides))
        case .reduce(let op, let axes):
            let shape = ins[0].shape
            return Kernel(name: name, inputs: ins, outputs: outs, indexSpace: shape,
                          body: [KernelInstruction(.load(input: 0, map: identity(shape)), ins[0].dtype)], stores: [],
                          reduction: KernelReduction(op: op, axes: axes.sorted(), value: 0, accumulatorDType: outs[0].dtype))
        case .dynamicSlice, .dynamicUpdateSlice, .pad, .concatenate, .gather, .scatter, .argReduce, .cumulative,
             .sort, .dotGeneral, .threefry2x32, .cond, .whileLoop, .scan, .collective, .convGeneralDilated, .linalg:
            return nil
        }
    }
}
