/// Traces a function of tensor trees into a closed jaxpr (flattening and rebuilding trees).
/// Returns the program and the output tree with its leaves still tracers (a template for
/// rebuilding outputs).
func traceTrees<R: TensorTree>(name: String, _ args: [any TensorTree],
                               _ call: ([any TensorTree]) -> R) -> (ClosedJaxpr, R) {
    let leaves = args.map { $0.tensors }
    let types = leaves.flatMap { $0.map(\.type) }
    var template: R?
    let closed = traceToJaxpr(name: name, inTypes: types) { tracers in
        var offset = 0
        let rebuilt: [any TensorTree] = zip(args, leaves).map { arg, own in
            defer { offset += own.count }
            return arg.replacingTensors(Array(tracers[offset..<(offset + own.count)]))
        }
        let out = call(rebuilt)
        template = out
        return out.tensors
    }
    return (closed, template!)
}

/// The jaxpr of `f` at the abstract values of the given arguments.
///
/// ```swift
/// func f(_ x: Tensor) -> Tensor { -4 * x * x * x + 9 * x * x + 6 * x - 3 }
/// print(makeJaxpr(f)(Tensor(3)))   // { lambda ; a:i32[]. let b:i32[] = mul a -4 ... in (j,) }
/// ```
public func makeJaxpr<A: TensorTree, R: TensorTree>(_ f: @escaping (A) -> R, name: String = "f") -> (A) -> Jaxpr {
    { a in traceTrees(name: "makeJaxpr(\(name))", [a]) { f($0[0] as! A) }.0.jaxpr }
}

/// The jaxpr of a function of two tensor trees.
public func makeJaxpr<A: TensorTree, B: TensorTree, R: TensorTree>(_ f: @escaping (A, B) -> R, name: String = "f") -> (A, B) -> Jaxpr {
    { a, b in traceTrees(name: "makeJaxpr(\(name))", [a, b]) { f($0[0] as! A, $0[1] as! B) }.0.jaxpr }
}

/// The jaxpr of a function of three tensor trees.
public func makeJaxpr<A: TensorTree, B: TensorTree, C: TensorTree, R: TensorTree>(
    _ f: @escaping (A, B, C) -> R, name: String = "f") -> (A, B, C) -> Jaxpr {
    { a, b, c in traceTrees(name: "makeJaxpr(\(name))", [a, b, c]) { f($0[0] as! A, $0[1] as! B, $0[2] as! C) }.0.jaxpr }
}
