/// Prints jaxprs in JAX's style: variables named `a, b, ..., z, ba, bb, ...` in order of
/// appearance (sub-jaxprs continue the numbering), `name:dtype[shape]` binders, parameters
/// as `prim[key=value ...]` sorted by key, and a jaxpr on one line when it fits in 80
/// columns, otherwise one equation per line.
///
/// ```swift
/// print(makeJaxpr(f)(Tensor(3)))
/// // { lambda ; a:i32[]. let
/// //     b:i32[] = mul a -4
/// //     ...
/// //   in (j,) }
/// ```
public struct JaxprPrinter {
    /// Line width used to decide between one-line and multi-line layouts (JAX uses 80).
    public var width = 80
    private var names: [ObjectIdentifier: String] = [:]
    private var counter = 0

    /// Creates a printer with fresh variable names.
    public init() {}

    /// The text of `jaxpr` starting at column `indent`.
    public mutating func print(_ jaxpr: Jaxpr, indent: Int = 0) -> String {
        let consts = jaxpr.constVars.map { binder($0) }.joined(separator: " ")
        let ins = jaxpr.inVars.map { binder($0) }.joined(separator: " ")
        let head = "{ lambda \(consts); \(ins). let"
        let eqns = jaxpr.equations.map { equation($0, indent: indent + 4) }
        let outs = jaxpr.outputs.map { atom($0) }
        let tail = "in " + tuple(outs) + " }"
        let oneLine = head + " " + eqns.joined(separator: "; ") + " " + tail
        if indent + oneLine.count <= width && !eqns.contains(where: { $0.contains("\n") }) {
            return oneLine
        }
        let pad = String(repeating: " ", count: indent)
        var lines = [head]
        for e in eqns { lines.append(pad + "    " + e) }
        lines.append(pad + "  " + tail)
        return lines.joined(separator: "\n")
    }

    /// The printed name of a variable (assigning the next name on first sight).
    public mutating func name(_ v: JaxprVar) -> String {
        let key = ObjectIdentifier(v)
        if let n = names[key] { return n }
        let n = JaxprPrinter.alphabeticName(counter)
        counter += 1
        names[key] = n
        return n
    }

    /// JAX's variable names: 0 -> `a`, 25 -> `z`, 26 -> `ba`, 27 -> `bb`, ...
    public static func alphabeticName(_ index: Int) -> String {
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        var i = index
        var out: [Character] = []
        repeat {
            out.append(letters[i % 26])
            i /= 26
        } while i > 0
        return String(out.reversed())
    }

    private mutating func binder(_ v: JaxprVar) -> String { "\(name(v)):\(v.type)" }

    private mutating func atom(_ a: JaxprAtom) -> String {
        switch a {
        case .variable(let v): return name(v)
        case .literal(let l): return l.description
        }
    }

    private func tuple(_ items: [String]) -> String {
        items.count == 1 ? "(\(items[0]),)" : "(" + items.joined(separator: ", ") + ")"
    }

    /// One equation: `outs = prim[params] ins`, with parameters on their own lines when the
    /// equation does not fit (or holds a multi-line sub-jaxpr).
    private mutating func equation(_ eq: JaxprEquation, indent: Int) -> String {
        let lhs = eq.outputs.map { binder($0) }.joined(separator: " ")
        let name = printedName(eq.primitive)
        // Parameters with sub-jaxprs are printed twice at most (one-line attempt, then broken);
        // names are assigned on the first attempt and reused by the second.
        let params = JaxprParams.params(of: eq.primitive)
        let args = eq.inputs.map { atom($0) }
        let argText = args.isEmpty ? "" : " " + args.joined(separator: " ")
        var flat: [String] = []
        for (key, value) in params { flat.append("\(key)=\(render(value, indent: Int.max / 2))") }
        let paramText = flat.isEmpty ? "" : "[" + flat.joined(separator: " ") + "]"
        let oneLine = "\(lhs) = \(name)\(paramText)\(argText)"
        if flat.isEmpty || (indent + oneLine.count <= width && !oneLine.contains("\n")) {
            return oneLine
        }
        let pad = String(repeating: " ", count: indent)
        var lines = ["\(lhs) = \(name)["]
        for (key, value) in params {
            lines.append(pad + "  " + "\(key)=" + render(value, indent: indent + 2))
        }
        lines.append(pad + "]" + argText)
        return lines.joined(separator: "\n")
    }

    private mutating func render(_ value: JaxprParams.Value, indent: Int) -> String {
        switch value {
        case .text(let s): return s
        case .jaxpr(let j):
            // A huge indent forces the one-line attempt used for measuring.
            if indent >= Int.max / 4 { return printOneLineOrMarker(j) }
            return print(j.jaxpr, indent: indent)
        case .jaxprs(let js):
            if indent >= Int.max / 4 { return "(" + js.map { printOneLineOrMarker($0) }.joined(separator: " ") + ")" }
            let pad = String(repeating: " ", count: indent)
            var lines = ["("]
            for j in js { lines.append(pad + "  " + print(j.jaxpr, indent: indent + 2)) }
            lines.append(pad + ")")
            return lines.joined(separator: "\n")
        }
    }

    /// A sub-jaxpr printed for the one-line attempt. Names are assigned in printing order,
    /// which is the same in both layouts, so the attempt's names are the final ones.
    private mutating func printOneLineOrMarker(_ j: ClosedJaxpr) -> String {
        let text = print(j.jaxpr, indent: 0)
        return text.contains("\n") ? "\n" : text
    }
}

extension Jaxpr: CustomStringConvertible {
    /// The jaxpr in JAX's printed form.
    public var description: String {
        var p = JaxprPrinter()
        return p.print(self)
    }
}

extension ClosedJaxpr: CustomStringConvertible {
    /// The jaxpr in JAX's printed form (constants appear as the variables before `;`).
    public var description: String { jaxpr.description }
}
