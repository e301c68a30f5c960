import Foundation

/// A pmapped function traced once for one input signature: the per-device jaxpr split at
/// its collectives into compiled segments, one executable per segment and device.
final class PmapProgram: @unchecked Sendable {
    /// A step of the program: a compiled segment or a collective between segments.
    enum Step {
        case compute(inVars: [JaxprVar], outVars: [JaxprVar], executables: [Executable])
        case collective(JaxprEquation)
    }

    let closed: ClosedJaxpr
    let devices: [Device]
    let steps: [Step]
    /// The traced output tree (its tensors are dead tracers; only its structure is used).
    let outputTemplate: Any

    init(closed: ClosedJaxpr, devices: [Device], name: String, outputTemplate: Any) {
        self.closed = closed
        self.devices = devices
        self.outputTemplate = outputTemplate
        steps = PmapProgram.plan(closed.jaxpr, devices: devices, name: name)
    }

    /// Splits the top-level equations at collectives; each run of other equations becomes
    /// a jaxpr whose inputs are the variables it reads from earlier steps and whose outputs
    /// are the variables later steps (or the results) read.
    private static func plan(_ jaxpr: Jaxpr, devices: [Device], name: String) -> [Step] {
        for eq in jaxpr.equations where !eq.primitive.isCollective && containsCollective(eq.primitive) {
            usageError("pmap(\(name)): a collective inside \(printedName(eq.primitive)) is not supported yet; call psum/pmean/allGather outside cond, whileLoop and scan bodies")
        }
        var groups: [[JaxprEquation]] = [[]]
        for eq in jaxpr.equations {
            if eq.primitive.isCollective {
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
            if eqs.count == 1 && eqs[0].primitive.isCollective {
                steps.append(.collective(eqs[0]))
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

    private static func containsCollective(_ p: Primitive) -> Bool {
        func inJaxpr(_ c: ClosedJaxpr) -> Bool {
            c.jaxpr.equations.contains { $0.primitive.isCollective || containsCollective($0.primitive) }
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

    /// Runs the program on per-device arguments (`args[d]` already on `devices[d]`).
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
                let values = devices.indices.map { d in eq.inputs.map { read($0, d) } }
                let results = CollectiveExecution.run(op, values.map { $0.first }, outType: eq.outputs[0].type, devices: devices)
                for d in devices.indices { envs[d][eq.outputs[0]] = results[d] }
            }
        }
        return devices.indices.map { d in jaxpr.outputs.map { read($0, d).to(devices[d]) } }
    }
}

/// Carries out collectives between devices: values are brought to the first device,
/// combined there, and the result is sent to every device (through the host when the
/// devices belong to different backends).
enum CollectiveExecution {
    static func run(_ op: CollectiveOp, _ values: [Tensor?], outType: ShapedType, devices: [Device]) -> [Tensor] {
        let root = devices[0]
        func gathered() -> [Tensor] { values.map { $0!.to(root) } }
        func broadcast(_ t: Tensor) -> [Tensor] { devices.map { t.to($0) } }
        switch op {
        case .psum, .pmax, .pmin:
            let combine: BinaryOp = op == .psum ? .add : (op == .pmax ? .max : .min)
            let g = gathered()
            return broadcast(g.dropFirst().reduce(g[0]) { Lax.binary(combine, $0, $1) })
        case .allGather(let axis):
            return broadcast(Lax.stack(gathered(), axis: axis))
        case .ppermute(let pairs):
            return devices.enumerated().map { d, device in
                if let p = pairs.first(where: { $0.target == d }) { return values[p.source]!.to(device) }
                return Tensor(bytes: [UInt8](repeating: 0, count: outType.byteCount), type: outType.strong, on: device)
            }
        case .axisIndex:
            return devices.enumerated().map { d, device in
                Tensor([Int32(d)], shape: [], dtype: .int32, on: device)
            }
        }
    }
}
