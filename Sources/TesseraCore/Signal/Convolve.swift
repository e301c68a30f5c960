/// The output size of `convolve` and `correlate`, as NumPy's `mode`.
public enum ConvolveMode: String, Sendable, Hashable {
    /// Every point of overlap: length `n + m - 1`.
    case full
    /// Length `max(n, m)`, centred with respect to the full output.
    case same
    /// Only where the signals overlap completely: length `max(n, m) - min(n, m) + 1`.
    case valid
}

/// The discrete linear convolution of two 1-D tensors, as `numpy.convolve`.
///
/// ```swift
/// convolve(Tensor([1, 2, 3] as [Float]), Tensor([0, 1, 0.5] as [Float]))   // [0. 1. 2.5 4. 1.5]
/// ```
/// Built from `gather` (sliding windows) and `dot_general`, so it traces, differentiates,
/// batches and runs on every backend.
public func convolve(_ a: Tensor, _ v: Tensor, mode: ConvolveMode = .full) -> Tensor {
    correlate1D(a, Lax.rev(v, axes: [0]), mode: mode, operation: "convolve")
}

/// The cross-correlation of two 1-D tensors, as `numpy.correlate` (default mode `.valid`).
public func correlate(_ a: Tensor, _ v: Tensor, mode: ConvolveMode = .valid) -> Tensor {
    correlate1D(a, v, mode: mode, operation: "correlate")
}

/// `out[k] = Σ_j a_padded[k + j] * w[j]`, with the padding and output window of `mode`.
private func correlate1D(_ a: Tensor, _ w: Tensor, mode: ConvolveMode, operation: String) -> Tensor {
    if a.rank != 1 || w.rank != 1 {
        usageError("\(operation): both inputs must be 1-D, got shapes \(shapeString(a.shape)) and \(shapeString(w.shape))")
    }
    let n = a.shape[0], m = w.shape[0]
    if n == 0 || m == 0 { usageError("\(operation): inputs cannot be empty (shapes \(shapeString(a.shape)) and \(shapeString(w.shape)))") }
    let (dtype, _) = promoteTypes(a.dtype, weak: a.isWeaklyTyped, w.dtype, weak: w.isWeaklyTyped)
    let x = Lax.convert(a, to: dtype), k = Lax.convert(w, to: dtype)
    let fullLength = n + m - 1
    let (start, length): (Int, Int)
    switch mode {
    case .full: (start, length) = (0, fullLength)
    case .same: (start, length) = ((Swift.min(n, m) - 1) / 2, Swift.max(n, m))
    case .valid: (start, length) = (Swift.min(n, m) - 1, Swift.max(n, m) - Swift.min(n, m) + 1)
    }
    // Pad with m-1 zeros each side; window k of the full output starts at padded index k.
    let padded = Lax.pad(x, Lax.scalar(0, dtype), [PadConfig(low: m - 1, high: m - 1)])
    let rows = Lax.iota(.int32, shape: [length, m], dimension: 0)
    let cols = Lax.iota(.int32, shape: [length, m], dimension: 1)
    let offset = Lax.full(Double(start), shape: [length, m], dtype: .int32)
    let index = Lax.binary(.add, Lax.binary(.add, rows, cols), offset)
    let windows = Lax.gather(padded, Lax.reshape(index, [length, m, 1]),
                             GatherDimensionNumbers(offsetDims: [], collapsedSliceDims: [0], startIndexMap: [0]),
                             sliceSizes: [1])
    if dtype == .bool { usageError("\(operation): unsupported dtype bool") }
    return Lax.dotGeneral(windows, k, DotDimensionNumbers(lhsContracting: [1], rhsContracting: [0]))
}
