/// Forward and reverse mode for functions of `TensorTree`s: `jvp` and `vjp`.
///
/// Integer and bool leaves are not differentiated: their tangents are ignored and their
/// cotangents are zeros (JAX uses float0 for them).

/// Forward mode: `f(primals)` and its directional derivative along `tangents`.
///
/// ```swift
/// let (y, dy) = jvp({ exp($0) }, primals: x, tangents: Tensor.ones(x.shape))
/// ```
public func jvp<In: TensorTree, Out: TensorTree>(_ f: (In) -> Out, primals: In, tangents: In) -> (Out, Out) {
    let p = primals.tensors, t = tangents.tensors
    if p.count != t.count { usageError("jvp: primals have \(p.count) tensors but tangents have \(t.count)") }
    for (a, b) in zip(p, t) where a.shape != b.shape || (a.dtype.isFloatingPoint && a.dtype != b.dtype) {
        usageError("jvp: primal and tangent types must match, got primal \(a.type) and tangent \(b.type)")
    }
    var template: Out?
    let (outs, touts) = jvpFlat({ args in
        let out = f(primals.replacingTensors(args))
        template = out
        return out.tensors
    }, primals: p, tangents: t.map { Optional($0) })
    let tree = template!
    let tangentOuts = zip(outs, touts).map { o, t in AutodiffValues.instantiate(t, o.type.strong) }
    return (tree.replacingTensors(outs), tree.replacingTensors(tangentOuts))
}

/// Reverse mode: `f(primals)` and its pullback, which maps a cotangent of the output to
/// the cotangent of the input (the vector-Jacobian product).
///
/// ```swift
/// let (y, pullback) = vjp({ sin($0) }, x)
/// let dx = pullback(Tensor.ones(y.shape))       // cos(x)
/// ```
public func vjp<In: TensorTree, Out: TensorTree>(_ f: (In) -> Out, _ primals: In) -> (Out, @Sendable (Out) -> In) {
    let p = primals.tensors
    var template: Out?
    let (outs, pullback) = vjpFlat({ args in
        let out = f(primals.replacingTensors(args))
        template = out
        return out.tensors
    }, primals: p, wrt: p.map { _ in true })
    let tree = template!
    let box = PullbackBox(pullback)
    let outTypes = outs.map(\.type)
    return (tree.replacingTensors(outs), { ct in
        let seeds = ct.tensors
        checkCotangents(seeds, outTypes, "vjp")
        let cts = box.pullback(seeds.map { Optional($0) })
        return primals.replacingTensors(zip(cts, p).map { AutodiffValues.instantiate($0, $1.type.strong) })
    })
}

/// Reverse mode for a function of two arguments; the pullback returns both cotangents.
///
/// ```swift
/// let (y, pullback) = vjp({ $0 * $1 }, a, b)
/// let (da, db) = pullback(Tensor.ones(y.shape))
/// ```
public func vjp<A: TensorTree, B: TensorTree, Out: TensorTree>(_ f: (A, B) -> Out, _ a: A, _ b: B)
    -> (Out, @Sendable (Out) -> (A, B)) {
    let na = a.tensors.count
    let (out, pullback) = vjp({ (leaves: [Tensor]) in
        f(a.replacingTensors(Array(leaves[0..<na])), b.replacingTensors(Array(leaves[na...])))
    }, a.tensors + b.tensors)
    return (out, { ct in
        let cts = pullback(ct)
        return (a.replacingTensors(Array(cts[0..<na])), b.replacingTensors(Array(cts[na...])))
    })
}

/// Carries a pullback closure (which holds the tape) across the `@Sendable` boundary.
final class PullbackBox: @unchecked Sendable {
    let pullback: ([Tensor?]) -> [Tensor?]
    init(_ pullback: @escaping ([Tensor?]) -> [Tensor?]) { self.pullback = pullback }
}

func checkCotangents(_ cts: [Tensor], _ types: [ShapedType], _ name: String) {
    if cts.count != types.count { usageError("\(name): the cotangent has \(cts.count) tensors but the output has \(types.count)") }
    for (c, t) in zip(cts, types) where c.shape != t.shape {
        usageError("\(name): cotangent shape \(shapeString(c.shape)) does not match the output's \(t)")
    }
}

/// The identity whose derivative is zero: `grad` treats the result as a constant.
///
/// ```swift
/// grad({ x in x * stopGradient(x) })(3.0)   // 3, not 6
/// ```
public func stopGradient(_ x: Tensor) -> Tensor { Lax.stopGradient(x) }

/// `stopGradient` applied to every tensor of a tree.
public func stopGradient<T: TensorTree>(_ tree: T) -> T { tree.mapTensors { Lax.stopGradient($0) } }
