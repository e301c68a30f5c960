import Foundation

/// A pmapped function traced once for one input signature: its per-device jaxpr as a
/// `PmapPlan`, and the structure of its result.
final class PmapProgram: @unchecked Sendable {
    let plan: PmapPlan
    /// The traced output tree (its tensors are dead tracers; only its structure is used).
    let outputTemplate: Any

    init(closed: ClosedJaxpr, devices: [Device], name: String, outputTemplate: Any) {
        plan = PmapPlan(closed, devices: devices, name: name)
        self.outputTemplate = outputTemplate
    }

    /// Runs the program on per-device arguments (`args[d]` already on device `d`); each
    /// device's results stay on it.
    func run(_ args: [[Tensor]]) -> [[Tensor]] {
        plan.run(args).enumerated().map { d, outs in outs.map { $0.to(plan.devices[d]) } }
    }
}

/// One jaxpr of a pmapped function (the top level, or the body of a cond, whileLoop or
/// scan that holds a collective), split at its collectives into compiled segments.
///
/// Every device runs the same steps in lockstep: a compute step enqueues a compiled
/// segment on every device (they run concurrently), a collective step combines the
/// devices' values (`CollectiveExecution`), and a control-flow step whose body holds a
/// collective is driven from the host with the devices in lockstep (`PmapLockstep`).
final class PmapPlan: @unchecked Sendable {
    enum Step {
        /// A run of equations without collectives, compiled once per device.
        case compute(inVars: [JaxprVar], outVars: [JaxprVar], executables: [Executable])
        /// `psum`, `allGather`, ...: combines values across the devices.
        case collective(JaxprEquation)
        /// A cond, whileLoop or scan with a collective inside, and a plan per sub-jaxpr
        /// (cond: one per branch; whileLoop: cond and body; scan: body).
        case controlFlow(JaxprEquation, [PmapPlan])
    }

    let closed: ClosedJaxpr
    let devices: [Device]
    let name: String
    private(set) var steps: [Step] = []

    init(_ closed: ClosedJaxpr, devices: [Device], name: String) {
        self.closed = closed
        self.devices = devices
        self.name = name
        steps = plan(closed.jaxpr)
    }

    /// Whether `eq` must run as its own step: a collective, or control flow holding one.
    private static func isLockstep(_ eq: JaxprEquation) -> Bool {
        eq.primitive.isCollective || containsCollective(eq.primitive)
    }

    /// Splits the equations at lockstep equations; each run of other equations becomes a
    /// jaxpr whose inputs are the variables it reads from earlier steps and whose outputs
    /// are the variables later steps (or the results) read.
    private func plan(_ jaxpr: Jaxpr) -> [Step] {
        var groups: [[JaxprEquation]] = [[]]
        for eq in jaxpr.equations {
            if Self.isLockstep(eq) {
                groups.append([eq])
                groups.append([])
            } else {
                groups[groups.count - 1].append(eq)
            }
        }
        // Variables read after each group (by later equations or as results).
        var readLater: [Set<JaxprVar>] = Array(repeating: [], count: groups.count)
        var live = Set(jaxpr.outputs.compactMap { atom -> JaxprVar? in
            if case .variable(let v) = atom { return v }
            return nil
        })
        for g in stride(from: groups.count - 1, through: 0, by: -1) {
            readLater[g] = live
            for eq in groups[g] {
                for o in eq.outputs { live.remove(o) }
                for case .variable(let v) in eq.inputs { live.insert(v) }
            }
        }
        var steps: [Step] = []
        for (g, eqs) in groups.enumerated() where !eqs.isEmpty {
            if eqs.count == 1 && Self.isLockstep(eqs[0]) {
                steps.append(lockstepStep(eqs[0]))
                continue
            }
            var defined = Set<JaxprVar>(), inVars: [JaxprVar] = [], seen = Set<JaxprVar>()
            for eq in eqs {
                for case .variable(let v) in eq.inputs where !defined.contains(v) && !seen.contains(v) {
                    seen.insert(v)
                    inVars.append(v)
                }
                for o in eq.outputs { defined.insert(o) }
            }
            let outVars = eqs.flatMap(\.outputs).filter { readLater[g].contains($0) }
            let segment = Jaxpr(constVars: [], inVars: inVars, equations: eqs, outputs: outVars.map { .variable($0) })
            let closed = ClosedJaxpr(jaxpr: segment, consts: [])
            let exes = devices.map { Executable.compile(closed, name: "pmap(\(name))/segment\(steps.count)", device: $0) }
            steps.append(.compute(inVars: inVars, outVars: outVars, executables: exes))
        }
        return steps
    }

    /// The step of a collective, or of control flow with a collective inside.
    private func lockstepStep(_ eq: JaxprEquation) -> Step {
        func sub(_ c: ClosedJaxpr) -> PmapPlan { PmapPlan(c, devices: devices, name: name) }
        switch eq.primitive {
        case .collective: return .collective(eq)
        case .cond(let branches): return .controlFlow(eq, branches.map(sub))
        case .whileLoop(let cond, let body, _, _): return .controlFlow(eq, [sub(cond), sub(body)])
        case .scan(let body, _, _, _, _): return .controlFlow(eq, [sub(body)])
        case .unary, .binary, .compare, .select, .convertElementType, .bitcastConvertType, .iota,
             .broadcastInDim, .reshape, .transpose, .slice, .dynamicSlice, .dynamicUpdateSlice, .pad,
             .concatenate, .rev, .gather, .scatter, .reduce, .argReduce, .cumulative, .sort, .dotGeneral,
             .threefry2x32, .stopGradient, .convGeneralDilated, .linalg:
            preconditionFailure("pmap: \(printedName(eq.primitive)) holds no collective")
        }
    }

    /// Whether `p` is, or holds in a sub-jaxpr, a collective.
    static func containsCollective(_ p: Primitive) -> Bool {
        func inJaxpr(_ c: ClosedJaxpr) -> Bool {
            c.jaxpr.equations.contains { containsCollective($0.primitive) }
        }
        switch p {
        case .cond(let branches): return branches.contains(where: inJaxpr)
        case .whileLoop(let cond, let body, _, _): return inJaxpr(cond) || inJaxpr(body)
        case .scan(let body, _, _, _, _): return inJaxpr(body)
        case .collective: return true
        case .convGeneralDilated, .linalg: return false
        case .unary, .binary, .compare, .select, .convertElementType, .bitcastConvertType, .iota,
             .broadcastInDim, .reshape, .transpose, .slice, .dynamicSlice, .dynamicUpdateSlice, .pad,
             .concatenate, .rev, .gather, .scatter, .reduce, .argReduce, .cumulative, .sort, .dotGeneral,
             .threefry2x32, .stopGradient:
            return false
        }
    }

    /// Runs the jaxpr on per-device arguments (`args[d]` on device `d`, one per parameter)
    /// and returns each device's results.
    func run(_ args: [[Tensor]]) -> [[Tensor]] {
        let jaxpr = closed.jaxpr
        var envs: [[JaxprVar: Tensor]] = devices.map { _ in [:] }
        for (d, device) in devices.enumerated() {
            for (v, c) in zip(jaxpr.constVars, closed.consts) { envs[d][v] = c.to(device) }
            for (v, a) in zip(jaxpr.inVars, args[d]) { envs[d][v] = a }
        }
        func read(_ atom: JaxprAtom, _ d: Int) -> Tensor {
            switch atom {
            case .literal(let l): return Tensor(literal: l)
            case .variable(let v):
                guard let t = envs[d][v] else { preconditionFailure("pmap: unbound variable \(v.type)") }
                return t
            }
        }
        for step in steps {
            switch step {
            case .compute(let inVars, let outVars, let exes):
                for d in devices.indices {
                    let outs = exes[d].run(inVars.map { envs[d][$0]! })
                    for (v, t) in zip(outVars, outs) { envs[d][v] = t }
                }
            case .collective(let eq):
                guard case .collective(let op, _, _) = eq.primitive else { continue }
                let values = devices.indices.map { d in eq.inputs.first.map { read($0, d) } }
                let results = CollectiveExecution.run(op, values, outType: eq.outputs[0].type, devices: devices)
                for d in devices.indices { envs[d][eq.outputs[0]] = results[d] }
            case .controlFlow(let eq, let plans):
                let ins = devices.indices.map { d in eq.inputs.map { read($0, d) } }
                let outs = PmapLockstep.run(eq.primitive, plans, ins, devices: devices, name: name)
                for d in devices.indices {
                    for (v, t) in zip(eq.outputs, outs[d]) { envs[d][v] = t }
                }
            }
        }
        return devices.indices.map { d in jaxpr.outputs.map { read($0, d) } }
    }
}
