/// Closure conversion of sub-programs (JAX's `closure_convert`): a sub-program of `cond`,
/// `whileLoop` or `scan` traced inside a transformation captures that transformation's
/// tracers as constants, which `bind` cannot see. Passing them as explicit operands lets
/// the enclosing transformation (vmap, grad, jit) process them. The control-flow API and
/// the batching rules both use this.
public struct TracerConstants: Sendable {
    /// The program's constant variables and values that stay constants.
    public let keptVars: [JaxprVar], keptValues: [Tensor]
    /// The hoisted constant variables and their (tracer) values.
    public let vars: [JaxprVar], values: [Tensor]
    /// The program before conversion.
    public let jaxpr: Jaxpr

    /// Splits the constants of `closed` into concrete ones and tracers.
    ///
    /// ```swift
    /// let h = TracerConstants.hoist(body)
    /// bind(.scan(body: h.closed(extraInVars: h.vars), ...), h.values + carry + xs)
    /// ```
    public static func hoist(_ closed: ClosedJaxpr) -> TracerConstants {
        var kv: [JaxprVar] = [], kc: [Tensor] = [], hv: [JaxprVar] = [], hc: [Tensor] = []
        for (v, c) in zip(closed.jaxpr.constVars, closed.consts) {
            if c.base is Tracer { hv.append(v); hc.append(c) } else { kv.append(v); kc.append(c) }
        }
        return TracerConstants(keptVars: kv, keptValues: kc, vars: hv, values: hc, jaxpr: closed.jaxpr)
    }

    /// Closure conversion of `cond` branches: every branch takes the tracer constants of
    /// all branches as leading parameters. Returns the branches and those constants.
    public static func hoist(branches: [ClosedJaxpr]) -> ([ClosedJaxpr], [Tensor]) {
        let hoisted = branches.map(hoist)
        let extraTypes = hoisted.flatMap { $0.values.map(\.type) }
        var offset = 0
        let converted = hoisted.map { h -> ClosedJaxpr in
            defer { offset += h.values.count }
            let before = extraTypes[0..<offset].map { JaxprVar($0) }
            let after = extraTypes[(offset + h.values.count)...].map { JaxprVar($0) }
            return h.closed(extraInVars: before + h.vars + after)
        }
        return (converted, hoisted.flatMap(\.values))
    }

    /// The program taking `extraInVars` before its parameters (they must include `vars`).
    public func closed(extraInVars: [JaxprVar]) -> ClosedJaxpr {
        if vars.isEmpty && extraInVars.isEmpty { return ClosedJaxpr(jaxpr: jaxpr, consts: keptValues) }
        let j = Jaxpr(constVars: keptVars, inVars: extraInVars + jaxpr.inVars, equations: jaxpr.equations, outputs: jaxpr.outputs)
        return ClosedJaxpr(jaxpr: j, consts: keptValues)
    }

    /// Whether a sub-program of `primitive` has a tracer among its constants.
    public static func captures(_ primitive: Primitive) -> Bool {
        func tracerConsts(_ c: ClosedJaxpr) -> Bool { c.consts.contains { $0.base is Tracer } }
        switch primitive {
        case .cond(let branches): return branches.contains(where: tracerConsts)
        case .whileLoop(let cond, let body, _, _): return tracerConsts(cond) || tracerConsts(body)
        case .scan(let body, _, _, _, _): return tracerConsts(body)
        case .convGeneralDilated, .linalg: return false
        case .unary, .binary, .compare, .select, .convertElementType, .bitcastConvertType, .iota,
             .broadcastInDim, .reshape, .transpose, .slice, .dynamicSlice, .dynamicUpdateSlice, .pad,
             .concatenate, .rev, .gather, .scatter, .reduce, .argReduce, .cumulative, .sort, .dotGeneral,
             .threefry2x32, .stopGradient, .collective:
            return false
        }
    }
}
