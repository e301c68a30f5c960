/// How a convolution pads its input: NumPy/JAX-style `"VALID"` (none), `"SAME"` (output
/// size `ceil(input / stride)`), or explicit `(low, high)` pairs per spatial axis.
public enum ConvPaddingMode: Hashable, Sendable {
    case valid
    case same
    case explicit([ConvPadding])

    /// The explicit pairs for inputs of (lhs-dilated) `inputSizes`, (rhs-dilated) window
    /// sizes `windows` and `strides` (JAX's `padtype_to_pads`).
    public func pads(inputSizes: [Int], windows: [Int], strides: [Int]) -> [ConvPadding] {
        switch self {
        case .valid: return inputSizes.map { _ in ConvPadding(0, 0) }
        case .same:
            return inputSizes.indices.map { d in
                let out = (inputSizes[d] + strides[d] - 1) / strides[d]
                let total = Swift.max(0, (out - 1) * strides[d] + windows[d] - inputSizes[d])
                return ConvPadding(total / 2, total - total / 2)
            }
        case .explicit(let pairs): return pairs
        }
    }
}

/// A general dilated convolution, as `jax.lax.conv_general_dilated`.
///
/// `layouts` name the axes (default `("NCHW", "OIHW", "NCHW")`-style, channels first);
/// `featureGroupCount` makes grouped/depthwise convolutions.
/// ```swift
/// let y = convGeneralDilated(x, w, windowStrides: [1, 1], padding: .same,
///                            layouts: ("NHWC", "HWIO", "NHWC"))
/// ```
public func convGeneralDilated(_ lhs: Tensor, _ rhs: Tensor, windowStrides: [Int]? = nil,
                               padding: ConvPaddingMode = .valid, lhsDilation: [Int]? = nil,
                               rhsDilation: [Int]? = nil, layouts: (lhs: String, rhs: String, out: String)? = nil,
                               featureGroupCount: Int = 1, batchGroupCount: Int = 1) -> Tensor {
    let k = lhs.rank - 2
    if k < 1 || rhs.rank != lhs.rank {
        usageError("conv_general_dilated: operands must have equal rank >= 3, got shapes \(shapeString(lhs.shape)) and \(shapeString(rhs.shape))")
    }
    let dn = layouts.map { ConvDimensionNumbers(lhs: $0.lhs, rhs: $0.rhs, out: $0.out) }
        ?? ConvDimensionNumbers.channelsFirst(spatialRank: k)
    if dn.lhsSpec.count != lhs.rank { usageError("conv_general_dilated: layouts have \(dn.lhsSpec.count) axes, operands \(lhs.rank)") }
    let strides = windowStrides ?? [Int](repeating: 1, count: k)
    let lhsDil = lhsDilation ?? [Int](repeating: 1, count: k), rhsDil = rhsDilation ?? [Int](repeating: 1, count: k)
    if strides.count != k || lhsDil.count != k || rhsDil.count != k {
        usageError("conv_general_dilated: window strides and dilations need \(k) entries (one per spatial axis)")
    }
    let inputs = (0..<k).map { dilatedSize(lhs.shape[dn.lhsSpec[$0 + 2]], lhsDil[$0]) }
    let windows = (0..<k).map { dilatedSize(rhs.shape[dn.rhsSpec[$0 + 2]], rhsDil[$0]) }
    let pads = padding.pads(inputSizes: inputs, windows: windows, strides: strides)
    let (dtype, _) = promoteTypes(lhs.dtype, weak: lhs.isWeaklyTyped, rhs.dtype, weak: rhs.isWeaklyTyped)
    let params = ConvParams(windowStrides: strides, padding: pads, lhsDilation: lhsDil, rhsDilation: rhsDil,
                            dimensionNumbers: dn, featureGroupCount: featureGroupCount, batchGroupCount: batchGroupCount)
    return Lax.convGeneralDilated(Lax.convert(lhs, to: dtype), Lax.convert(rhs, to: dtype), params)
}

/// A convolution of an `NC...` input with an `OI...` kernel, as `jax.lax.conv`.
///
/// ```swift
/// conv(images, kernels, windowStrides: [1, 1], padding: .same)   // [N, O, H, W]
/// ```
public func conv(_ lhs: Tensor, _ rhs: Tensor, windowStrides: [Int]? = nil, padding: ConvPaddingMode = .valid) -> Tensor {
    convGeneralDilated(lhs, rhs, windowStrides: windowStrides, padding: padding)
}
