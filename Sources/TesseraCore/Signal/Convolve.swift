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
/// Built on `conv_general_dilated`, so it traces, differentiates, batches and runs on every backend.
public func convolve(_ a: Tensor, _ v: Tensor, mode: ConvolveMode = .full) -> Tensor {
    correlate1D(a, Lax.rev(v, axes: [0]), mode: mode, operation: "convolve")
}

/// The cross-correlation of two 1-D tensors, as `numpy.correlate` (default mode `.valid`).
public func correlate(_ a: Tensor, _ v: Tensor, mode: ConvolveMode = .valid) -> Tensor {
    correlate1D(a, v, mode: mode, operation: "correlate")
}

/// `out[k] = Σ_j a_padded[k + j] * w[j]`: a 1-D `conv_general_dilated` of one channel,
/// padded so that the output is the window of the full correlation that `mode` selects.
private func correlate1D(_ a: Tensor, _ w: Tensor, mode: ConvolveMode, operation: String) -> Tensor {
    if a.rank != 1 || w.rank != 1 {
        usageError("\(operation): both inputs must be 1-D, got shapes \(shapeString(a.shape)) and \(shapeString(w.shape))")
    }
    let n = a.shape[0], m = w.shape[0]
    if n == 0 || m == 0 { usageError("\(operation): inputs cannot be empty (shapes \(shapeString(a.shape)) and \(shapeString(w.shape)))") }
    let (dtype, _) = promoteTypes(a.dtype, weak: a.isWeaklyTyped, w.dtype, weak: w.isWeaklyTyped)
    if dtype == .bool { usageError("\(operation): unsupported dtype bool") }
    let fullLength = n + m - 1
    let (start, length): (Int, Int)
    switch mode {
    case .full: (start, length) = (0, fullLength)
    case .same: (start, length) = ((Swift.min(n, m) - 1) / 2, Swift.max(n, m))
    case .valid: (start, length) = (Swift.min(n, m) - 1, Swift.max(n, m) - Swift.min(n, m) + 1)
    }
    // With m-1 zeros each side the valid correlation is the full one; crop to [start, start+length).
    let padding = ConvPadding(m - 1 - start, (m - 1) - (fullLength - start - length))
    let params = ConvParams(windowStrides: [1], padding: [padding], lhsDilation: [1], rhsDilation: [1],
                            dimensionNumbers: .channelsFirst(spatialRank: 1))
    let x = Lax.reshape(Lax.convert(a, to: dtype), [1, 1, n]), k = Lax.reshape(Lax.convert(w, to: dtype), [1, 1, m])
    return Lax.reshape(Lax.convGeneralDilated(x, k, params), [length])
}
