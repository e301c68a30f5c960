/// A variable of a jaxpr: one SSA value with its abstract type. Compared by identity.
public final class JaxprVar: Hashable, @unchecked Sendable {
    /// The variable's abstract value.
    public let type: ShapedType
    /// Creates a fresh variable.
    public init(_ type: ShapedType) { self.type = type }
    public static func == (a: JaxprVar, b: JaxprVar) -> Bool { a === b }
    public func hash(into h: inout Hasher) { h.combine(ObjectIdentifier(self)) }
}

/// An operand of an equation: a variable or a scalar literal (printed inline, as `mul a -4`).
public enum JaxprAtom: Hashable, Sendable {
    case variable(JaxprVar)
    case literal(ScalarLiteral)

    /// The atom's abstract value.
    public var type: ShapedType {
        switch self {
        case .variable(let v): return v.type
        case .literal(let l): return l.type
        }
    }
}

/// One equation `outs = primitive[params] ins`.
public struct JaxprEquation: Hashable, Sendable {
    /// The primitive applied.
    public var primitive: Primitive
    /// Its operands.
    public var inputs: [JaxprAtom]
    /// Its results.
    public var outputs: [JaxprVar]

    /// Creates an equation.
    public init(primitive: Primitive, inputs: [JaxprAtom], outputs: [JaxprVar]) {
        self.primitive = primitive
        self.inputs = inputs
        self.outputs = outputs
    }
}

/// A program in Tessera's IR: typed SSA equations over input and constant variables,
/// printed in JAX's jaxpr style.
///
/// ```swift
/// print(makeJaxpr(f)(Tensor(3)))   // { lambda ; a:i32[]. let ... in (j,) }
/// ```
public final class Jaxpr: Hashable, @unchecked Sendable {
    /// Variables bound to constants (captured tensors), listed before the `;`.
    public let constVars: [JaxprVar]
    /// The program's parameters.
    public let inVars: [JaxprVar]
    /// The body.
    public let equations: [JaxprEquation]
    /// The results.
    public let outputs: [JaxprAtom]

    /// Creates a jaxpr.
    public init(constVars: [JaxprVar], inVars: [JaxprVar], equations: [JaxprEquation], outputs: [JaxprAtom]) {
        self.constVars = constVars
        self.inVars = inVars
        self.equations = equations
        self.outputs = outputs
    }

    /// Abstract values of the parameters.
    public var inTypes: [ShapedType] { inVars.map(\.type) }
    /// Abstract values of the results.
    public var outTypes: [ShapedType] { outputs.map(\.type) }

    public static func == (a: Jaxpr, b: Jaxpr) -> Bool { a === b }
    public func hash(into h: inout Hasher) { h.combine(ObjectIdentifier(self)) }
}

/// A jaxpr together with the values of its constant variables.
public struct ClosedJaxpr: Hashable, Sendable {
    /// The program.
    public let jaxpr: Jaxpr
    /// Values for `jaxpr.constVars`, in order.
    public let consts: [Tensor]

    /// Closes a jaxpr over constants.
    public init(jaxpr: Jaxpr, consts: [Tensor]) {
        precondition(jaxpr.constVars.count == consts.count, "ClosedJaxpr: \(consts.count) constants for \(jaxpr.constVars.count) constant variables")
        self.jaxpr = jaxpr
        self.consts = consts
    }

    /// Abstract values of the parameters.
    public var inTypes: [ShapedType] { jaxpr.inTypes }
    /// Abstract values of the results.
    public var outTypes: [ShapedType] { jaxpr.outTypes }

    public static func == (a: ClosedJaxpr, b: ClosedJaxpr) -> Bool {
        a.jaxpr === b.jaxpr && a.consts.count == b.consts.count
            && zip(a.consts, b.consts).allSatisfy { $0.base === $1.base }
    }
    public func hash(into h: inout Hasher) { h.combine(jaxpr) }
}
