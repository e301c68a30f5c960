extension Tensor: CustomStringConvertible, CustomDebugStringConvertible {
    /// NumPy's `str()` of the value (waits for it): `[0 1 2]`, `[1.  2.5]`, `[ True False]`,
    /// nested brackets for higher ranks, `...` summaries above 1000 elements.
    ///
    /// ```swift
    /// print(Tensor.arange(10))   // [0 1 2 3 4 5 6 7 8 9]
    /// ```
    /// A tracer prints its abstract type, e.g. `Traced<f32[3]>`; a tensor whose computation
    /// failed prints the error.
    public var description: String {
        switch hostFormatter() {
        case .success(let f): return f.str()
        case .failure(let text): return text
        }
    }

    /// A repr in JAX's style: `Tensor([0, 1, 2], dtype=int32)` (with `weak_type=True` for
    /// a weakly typed value).
    public var debugDescription: String {
        switch hostFormatter() {
        case .success(let f): return f.repr(weak: isWeaklyTyped)
        case .failure(let text): return text
        }
    }

    /// The elements within `edgeItems` of either end of every summarised axis.
    private func corners() -> Tensor {
        let edge = ArrayFormatter.edgeItems
        var x = self
        for (axis, n) in shape.enumerated() where n > 2 * edge {
            x = Lax.concatenate([Lax.sliceInDim(x, axis: axis, start: 0, limit: edge),
                                 Lax.sliceInDim(x, axis: axis, start: n - edge, limit: n)], axis: axis)
        }
        return x
    }

    private enum Formatted {
        case success(ArrayFormatter)
        case failure(String)
    }

    private func hostFormatter() -> Formatted {
        if let t = base as? Tracer, t.concreteValue == nil {
            return .failure("Traced<\(type.strong)>with<\(t.trace.name)>")
        }
        do {
            // A summarised device array is cut to its corners on the device first, so that
            // printing a large tensor moves a few dozen elements, not all of them (not while
            // jit stages operations: slicing would then be recorded instead of run).
            if base is DeviceArray, TraceStack.current.dynamicTrace == nil, ArrayFormatter.cornerShape(shape) != shape {
                return .success(ArrayFormatter(shape: shape, dtype: dtype, cornerBytes: try corners().bytes()))
            }
            return .success(ArrayFormatter(shape: shape, dtype: dtype, bytes: try bytes()))
        } catch {
            return .failure("<\(type.strong): \(error)>")
        }
    }
}
