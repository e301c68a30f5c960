/// `grad` and `valueAndGrad`: the gradient of a scalar-valued function of one to three
/// `TensorTree` arguments with respect to the first (JAX's default), or to `argnums`.
///
/// ```swift
/// func f(_ x: Tensor) -> Tensor { -4 * x * x * x + 9 * x * x + 6 * x - 3 }
/// grad(f)(1.0)                     // 12
/// grad(grad(f))(1.0)               // -6
/// let g = grad(loss)(params, x, y) // same type as params
/// ```
enum GradientCore {
    /// The value of `f` at `leaves` and the gradient with respect to the leaves marked in `wrt`.
    static func valueAndGrad(_ f: ([Tensor]) -> Tensor, _ leaves: [Tensor], wrt: [Bool]) -> (Tensor, [Tensor]) {
        for (x, w) in zip(leaves, wrt) where w && !x.dtype.isFloatingPoint {
            usageError("grad requires real-valued inputs (a floating-point dtype), but got \(x.type); convert with asType(.float32) or mark it non-differentiated with argnums")
        }
        let (outs, pullback) = vjpFlat({ [f($0)] }, primals: leaves, wrt: wrt)
        let out = outs[0]
        if out.rank != 0 || !out.dtype.isFloatingPoint {
            usageError("grad requires real-valued scalar output, got \(out.type); use vjp or jacrev for non-scalar outputs")
        }
        let cts = pullback([Lax.full(1, shape: [], dtype: out.dtype)])
        // The gradient has the input's type, weak for a literal input (as JAX's grad(f)(1.0)).
        let grads = zip(cts, leaves).map { ct, x -> Tensor in
            let g = AutodiffValues.instantiate(ct, x.type.strong)
            return x.isWeaklyTyped && !g.isWeaklyTyped ? Lax.convert(g, to: x.dtype, weak: true) : g
        }
        return (out, grads)
    }

    /// Splits `leaves` into the arguments' leaf counts.
    static func split(_ leaves: [Tensor], _ counts: [Int]) -> [[Tensor]] {
        var out: [[Tensor]] = [], i = 0
        for c in counts { out.append(Array(leaves[i..<(i + c)])); i += c }
        return out
    }

    static func mask(_ counts: [Int], _ argnums: [Int]) -> [Bool] {
        for a in argnums where a < 0 || a >= counts.count {
            usageError("grad: argnums \(argnums) out of range for a function of \(counts.count) arguments")
        }
        return counts.enumerated().flatMap { i, c in [Bool](repeating: argnums.contains(i), count: c) }
    }
}

// MARK: one argument

/// The gradient of a scalar function of one tree, as a function of the same shape.
public func grad<A: TensorTree>(_ f: @escaping @Sendable (A) -> Tensor) -> @Sendable (A) -> A {
    { a in valueAndGrad(f)(a).1 }
}

/// The value and gradient of a scalar function of one tree.
///
/// ```swift
/// let (loss, g) = valueAndGrad(lossFunction)(params)
/// ```
public func valueAndGrad<A: TensorTree>(_ f: @escaping @Sendable (A) -> Tensor) -> @Sendable (A) -> (Tensor, A) {
    { a in
        let leaves = a.tensors
        let (v, g) = GradientCore.valueAndGrad({ f(a.replacingTensors($0)) }, leaves, wrt: leaves.map { _ in true })
        return (v, a.replacingTensors(g))
    }
}

// MARK: two arguments

/// The gradient with respect to the first argument of a scalar function of two trees.
///
/// ```swift
/// grad(loss)(params, batch)   // same type as params
/// ```
public func grad<A: TensorTree, B: TensorTree>(_ f: @escaping @Sendable (A, B) -> Tensor) -> @Sendable (A, B) -> A {
    { a, b in valueAndGrad(f)(a, b).1 }
}

/// The value and the gradient with respect to the first argument.
public func valueAndGrad<A: TensorTree, B: TensorTree>(_ f: @escaping @Sendable (A, B) -> Tensor)
    -> @Sendable (A, B) -> (Tensor, A) {
    { a, b in
        let (v, g) = valueAndGrad({ (x: A) in f(x, b) })(a)
        return (v, g)
    }
}

/// Gradients with respect to the arguments listed in `argnums` (of one type), in that order.
///
/// ```swift
/// let g = grad({ (x: Tensor, y: Tensor) in (x * y).sum() }, argnums: [0, 1])(a, b)   // [b, a]
/// ```
public func grad<A: TensorTree>(_ f: @escaping @Sendable (A, A) -> Tensor, argnums: [Int]) -> @Sendable (A, A) -> [A] {
    { a, b in valueAndGrad(f, argnums: argnums)(a, b).1 }
}

/// The gradient with respect to argument `argnums` (0 or 1) of a function of two
/// arguments of one type.
public func grad<A: TensorTree>(_ f: @escaping @Sendable (A, A) -> Tensor, argnums: Int) -> @Sendable (A, A) -> A {
    { a, b in valueAndGrad(f, argnums: [argnums])(a, b).1[0] }
}

/// The value and the gradients with respect to `argnums`.
public func valueAndGrad<A: TensorTree>(_ f: @escaping @Sendable (A, A) -> Tensor, argnums: [Int])
    -> @Sendable (A, A) -> (Tensor, [A]) {
    { a, b in
        let counts = [a.tensors.count, b.tensors.count]
        let mask = GradientCore.mask(counts, argnums)
        let (v, g) = GradientCore.valueAndGrad({ leaves in
            let parts = GradientCore.split(leaves, counts)
            return f(a.replacingTensors(parts[0]), b.replacingTensors(parts[1]))
        }, a.tensors + b.tensors, wrt: mask)
        let parts = GradientCore.split(g, counts)
        return (v, argnums.map { $0 == 0 ? a.replacingTensors(parts[0]) : b.replacingTensors(parts[1]) })
    }
}

// MARK: three arguments

/// The gradient with respect to the first argument of a scalar function of three trees.
///
/// ```swift
/// grad(loss)(params, x, y)   // same type as params
/// ```
public func grad<A: TensorTree, B: TensorTree, C: TensorTree>(_ f: @escaping @Sendable (A, B, C) -> Tensor)
    -> @Sendable (A, B, C) -> A {
    { a, b, c in valueAndGrad(f)(a, b, c).1 }
}

/// The value and the gradient with respect to the first argument.
public func valueAndGrad<A: TensorTree, B: TensorTree, C: TensorTree>(_ f: @escaping @Sendable (A, B, C) -> Tensor)
    -> @Sendable (A, B, C) -> (Tensor, A) {
    { a, b, c in valueAndGrad({ (x: A) in f(x, b, c) })(a) }
}

/// Gradients with respect to `argnums` of a function of three arguments of one type.
public func grad<A: TensorTree>(_ f: @escaping @Sendable (A, A, A) -> Tensor, argnums: [Int]) -> @Sendable (A, A, A) -> [A] {
    { a, b, c in
        let args = [a, b, c]
        let counts = args.map { $0.tensors.count }
        let mask = GradientCore.mask(counts, argnums)
        let (_, g) = GradientCore.valueAndGrad({ leaves in
            let parts = GradientCore.split(leaves, counts)
            return f(a.replacingTensors(parts[0]), b.replacingTensors(parts[1]), c.replacingTensors(parts[2]))
        }, args.flatMap(\.tensors), wrt: mask)
        let parts = GradientCore.split(g, counts)
        return argnums.map { args[$0].replacingTensors(parts[$0]) }
    }
}
