/// `conv_general_dilated` lowered to im2col + one batched matrix product, with only
/// `transpose`, `pad`, `slice`, `concatenate`, `reshape` and `dot_general`:
///
/// 1. operands to `[N, C, spatial...]` and `[O, I, window...]`;
/// 2. lhs dilation and padding with one `pad` (interior padding dilates);
/// 3. one strided `slice` per window offset, concatenated: patches `[K, N, C, out...]`;
/// 4. a `dot_general` contracting the window and input features, batched over the
///    feature (or batch) groups; 5. the product to the output layout.
///
/// So a backend can run convolutions on the device with its own gather-free kernels and
/// GEMM (im2col + gemm): `ConvLowering.execute` from its `execute`, instead of the host
/// round-trip. `lower(..., apply: bind)` is the traceable form (a jit decomposition).
public enum ConvLowering {
    /// Applies one primitive (`bind` to trace, `Eager.apply` to run on the operands' device).
    public typealias Apply = (Primitive, [Tensor]) -> [Tensor]

    /// The convolution of `lhs` and `rhs` as im2col + `dot_general`, each step through `apply`.
    public static func lower(_ lhs: Tensor, _ rhs: Tensor, _ p: ConvParams, apply: Apply) -> Tensor {
        func one(_ primitive: Primitive, _ args: Tensor...) -> Tensor { apply(primitive, args)[0] }
        let outType = ShapeRules.outputTypes(.convGeneralDilated(p), [lhs.type, rhs.type])[0]
        let dn = p.dimensionNumbers, k = p.spatialRank
        let x = one(.transpose(permutation: dn.lhsSpec), lhs)   // [N, C, S...]
        let w = one(.transpose(permutation: dn.rhsSpec), rhs)   // [O, I, K...]
        let n = x.shape[0], c = x.shape[1], o = w.shape[0], i = w.shape[1]
        let window = Array(w.shape.dropFirst(2))
        let canonicalOut = [outType.shape[dn.outSpec[0]], o] + (0..<k).map { outType.shape[dn.outSpec[$0 + 2]] }
        let outSpatial = Array(canonicalOut.dropFirst(2))
        let windowCount = window.reduce(1, *)
        let zero = Tensor(literal: ScalarLiteral(.int(0), dtype: lhs.dtype))
        if isDegenerate(lhs.type, rhs.type, p) {
            return one(.broadcastInDim(shape: outType.shape, broadcastDimensions: []), zero)
        }
        let padded = one(.pad(config: [PadConfig(low: 0, high: 0), PadConfig(low: 0, high: 0)] + (0..<k).map {
            PadConfig(low: p.padding[$0].low, high: p.padding[$0].high, interior: p.lhsDilation[$0] - 1)
        }), x, zero)
        // im2col: one strided slice of the padded input per window offset.
        let patches: [Tensor] = ConvHost.multiIndices(window).map { offset in
            var start = [0, 0], limit = [n, c]
            for d in 0..<k {
                let first = offset[d] * p.rhsDilation[d]
                start.append(first)
                limit.append(first + (outSpatial[d] - 1) * p.windowStrides[d] + 1)
            }
            let slice = one(.slice(startIndices: start, limitIndices: limit, strides: [1, 1] + p.windowStrides), padded)
            return one(.reshape(newSizes: [1, n, c] + outSpatial), slice)
        }
        let stacked = patches.count == 1 ? patches[0] : apply(.concatenate(dimension: 0), patches)[0]
        // Groups: feature groups split C = G*I (and O); batch groups split N = B*N' (and O).
        let groups = Swift.max(p.featureGroupCount, p.batchGroupCount)
        let lhsGrouped: Tensor, groupAxis: Int
        if p.batchGroupCount > 1 {
            lhsGrouped = one(.reshape(newSizes: [windowCount, groups, n / groups, c] + outSpatial), stacked)
            groupAxis = 1
        } else {
            lhsGrouped = one(.reshape(newSizes: [windowCount, n, groups, i] + outSpatial), stacked)
            groupAxis = 2
        }
        let kernel = one(.reshape(newSizes: [groups, o / groups, i, windowCount]), w)
        let product = one(.dotGeneral(dimensionNumbers: DotDimensionNumbers(lhsContracting: [0, 3], rhsContracting: [3, 2],
                                                                            lhsBatch: [groupAxis], rhsBatch: [0]),
                                      preferredElementType: nil), lhsGrouped, kernel)
        // product: [groups, N', out..., O/groups] -> [N', groups, O/groups, out...] -> canonical [N', O, out...].
        let toCanonical = [1, 0, k + 2] + Array(2..<(k + 2))
        let canonical = one(.reshape(newSizes: canonicalOut), one(.transpose(permutation: toCanonical), product))
        let inverse = (0..<(k + 2)).map { axis in dn.outSpec.firstIndex(of: axis)! }
        return one(.transpose(permutation: inverse), canonical)
    }

    /// Whether the convolution has an empty output or an empty contraction (all zeros).
    static func isDegenerate(_ lhs: ShapedType, _ rhs: ShapedType, _ p: ConvParams) -> Bool {
        let out = ShapeRules.outputTypes(.convGeneralDilated(p), [lhs, rhs])[0]
        return out.count == 0 || rhs.count == 0
    }

    /// Runs the lowering on `device` eagerly (for a backend's `execute` of
    /// `conv_general_dilated`): the steps are enqueued through the backend's own `execute`,
    /// so it must accept being called again from inside `execute` (no lock held).
    public static func execute(_ primitive: Primitive, inputs: [any DeviceBuffer], inputTypes: [ShapedType],
                               on device: Device) throws -> [any DeviceBuffer] {
        guard case .convGeneralDilated(let p) = primitive else {
            throw TesseraError(.invalidArgument, "ConvLowering.execute: expected conv_general_dilated, got \(printedName(primitive))")
        }
        if isDegenerate(inputTypes[0], inputTypes[1], p) {
            let outTypes = ShapeRules.outputTypes(primitive, inputTypes)
            return try HostEvaluation.roundTrip(primitive, inputs: inputs, inputTypes: inputTypes, outputTypes: outTypes, on: device)
        }
        let args = zip(inputs, inputTypes).map { Tensor(base: DeviceArray(type: $1, device: device, buffer: $0)) }
        let out = lower(args[0], args[1], p, apply: Eager.apply)
        if let failed = out.base as? FailedArray { throw failed.error }
        guard let array = out.base as? DeviceArray else {
            throw TesseraError(.execution, "ConvLowering.execute: the lowering did not produce a device array on \(device.id)")
        }
        return [array.buffer]
    }
}
