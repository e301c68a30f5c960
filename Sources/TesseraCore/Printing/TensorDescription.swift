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

    private enum Formatted {
        case success(ArrayFormatter)
        case failure(String)
    }

    private func hostFormatter() -> Formatted {
        if let t = base as? Tracer, t.concreteValue == nil {
            return .failure("Traced<\(type.strong)>with<\(t.trace.name)>")
        }
        do {
            return .success(ArrayFormatter(shape: shape, dtype: dtype, bytes: try bytes()))
        } catch {
            return .failure("<\(type.strong): \(error)>")
        }
    }
}
