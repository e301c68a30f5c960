/// A compiled program: the simplified jaxpr partitioned into steps (fused kernels compiled
/// by the device's backend, single primitives run through `execute`, and control flow run
/// on the host driving compiled sub-programs).
///
/// ```swift
/// let exe = Executable.compile(closed, name: "f", device: .default)
/// exe.kernelCount; exe.run([x])
/// ```
public final class Executable: @unchecked Sendable, CustomStringConvertible {
    /// A step with what it needs to run.
    enum CompiledStep {
        /// A fused kernel; `compiled` is nil when the backend does not compile kernels (its
        /// equations then run one by one), or the compile error.
        case kernel(Fusion.KernelStep, compiled: Result<any CompiledKernel, TesseraError>?)
        /// A single primitive through the backend's `execute`.
        case primitive(JaxprEquation)
        /// Reads the branch index on the host and runs the compiled branch.
        case cond(JaxprEquation, branches: [Executable])
        /// Reads the predicate on the host each iteration.
        case whileLoop(JaxprEquation, cond: Executable, body: Executable, condConstCount: Int, bodyConstCount: Int)
        /// Slices `xs`, runs the compiled body per step and stacks the outputs.
        case scan(JaxprEquation, body: Executable, length: Int, reverse: Bool, constCount: Int, carryCount: Int)
    }

    /// The program's name (for logs).
    public let name: String
    /// The device it runs on.
    public let device: Device
    /// The simplified program that was partitioned.
    public let program: ClosedJaxpr
    let steps: [CompiledStep]
    /// Where `run` keeps values: one slot per program variable (see `RunPlan`).
    let plan: RunPlan

    init(name: String, device: Device, program: ClosedJaxpr, steps: [CompiledStep]) {
        self.name = name
        self.device = device
        self.program = program
        self.steps = steps
        plan = RunPlan(program.jaxpr, steps)
    }

    /// Simplifies, fuses and compiles `closed` for `device`.
    public static func compile(_ closed: ClosedJaxpr, name: String, device: Device) -> Executable {
        let simplified = Simplifier.simplify(closed, device: device)
        let backend = device.backend
        var steps: [CompiledStep] = []
        for step in Fusion.partition(simplified.jaxpr, fuseEpilogues: backend is any ReductionEpilogueRendering) {
            switch step {
            case .kernel(let k):
                let problems = k.kernel.verify()
                precondition(problems.isEmpty, "jit compiler error in \(name): invalid kernel (\(problems.joined(separator: "; ")))\n\(k.kernel)")
                var compiled: Result<any CompiledKernel, TesseraError>?
                do {
                    compiled = .success(try backend.compile(k.kernel, on: device))
                } catch let e as TesseraError where e.kind == .unsupported {
                    TesseraLog.logger.debug("\(name): \(e.message); running \(k.kernel.name)'s \(k.equations.count) primitives one by one")
                    compiled = nil
                } catch let e as TesseraError {
                    compiled = .failure(e)
                } catch {
                    compiled = .failure(TesseraError(.compilation, "\(k.kernel.name) on \(device): \(error)"))
                }
                TesseraLog.logger.debug("\(name): \(k.kernel)")
                steps.append(.kernel(k, compiled: compiled))
            case .primitive(let eq):
                switch eq.primitive {
                case .cond(let branches):
                    let exes = branches.enumerated().map { compile($1, name: "\(name)/branch\($0)", device: device) }
                    steps.append(.cond(eq, branches: exes))
                case .whileLoop(let cond, let body, let nc, let nb):
                    steps.append(.whileLoop(eq, cond: compile(cond, name: "\(name)/cond", device: device),
                                            body: compile(body, name: "\(name)/body", device: device),
                                            condConstCount: nc, bodyConstCount: nb))
                case .scan(let body, let length, let reverse, let nConsts, let nCarry):
                    steps.append(.scan(eq, body: compile(body, name: "\(name)/scan", device: device), length: length,
                                       reverse: reverse, constCount: nConsts, carryCount: nCarry))
                case .unary, .binary, .compare, .select, .convertElementType, .bitcastConvertType, .iota,
                     .broadcastInDim, .reshape, .transpose, .slice, .dynamicSlice, .dynamicUpdateSlice, .pad,
                     .concatenate, .rev, .gather, .scatter, .reduce, .argReduce, .cumulative, .sort, .dotGeneral,
                     .threefry2x32, .stopGradient:
                    steps.append(.primitive(eq))
                case .convGeneralDilated, .linalg: steps.append(.primitive(eq))
                case .collective(let op, let axisName, _):
                    usageError("jit: \(op.primitiveName) over axis '\(axisName)' cannot be compiled into a program; collectives run only in the pmap runtime (call pmap on the function that uses them, with jit inside pmap rather than around it)")
                }
            }
        }
        return Executable(name: name, device: device, program: simplified, steps: steps)
    }

    /// The fused kernels of this program (not of its control-flow sub-programs).
    public var kernels: [Kernel] {
        steps.compactMap { if case .kernel(let k, _) = $0 { return k.kernel } else { return nil } }
    }

    /// The number of fused kernels, including those of control-flow sub-programs.
    public var kernelCount: Int {
        steps.reduce(0) { n, s in
            switch s {
            case .kernel: return n + 1
            case .primitive: return n
            case .cond(_, let bs): return n + bs.reduce(0) { $0 + $1.kernelCount }
            case .whileLoop(_, let c, let b, _, _): return n + c.kernelCount + b.kernelCount
            case .scan(_, let b, _, _, _, _): return n + b.kernelCount
            }
        }
    }

    /// The number of steps (kernels, single primitives, control flow) of this program.
    public var stepCount: Int { steps.count }

    /// One line per step, with each kernel's listing.
    public var description: String {
        var lines = ["executable \(name) on \(device.id): \(steps.count) step(s)"]
        for s in steps {
            switch s {
            case .kernel(let k, let c):
                let how = c == nil ? " (run per primitive)" : ""
                lines.append(k.kernel.description + how)
            case .primitive(let eq): lines.append("primitive \(printedName(eq.primitive))")
            case .cond(_, let bs): lines.append("cond with \(bs.count) compiled branches")
            case .whileLoop: lines.append("while with compiled cond and body")
            case .scan(_, _, let length, _, _, _): lines.append("scan of length \(length) with a compiled body")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Runs the program on concrete arguments (one per parameter).
    public func run(_ args: [Tensor]) -> [Tensor] {
        let plan = self.plan
        precondition(args.count == plan.parameterSlots.count, "\(name): \(args.count) arguments for \(plan.parameterSlots.count) parameters")
        var env = [Tensor?](repeating: nil, count: plan.slotCount)
        for (k, c) in program.consts.enumerated() { env[plan.constantSlots[k]] = c }
        for (k, a) in args.enumerated() { env[plan.parameterSlots[k]] = a }
        func read(_ o: RunPlan.Operand) -> Tensor {
            switch o {
            case .constant(let t): return t
            case .slot(let n):
                guard let t = env[n] else { preconditionFailure("\(name): unbound variable \(plan.variableTypes[n])") }
                return t
            }
        }
        func bind(_ slots: [Int], _ values: [Tensor]) {
            for (n, t) in zip(slots, values) { env[n] = t }
        }
        for (step, io) in zip(steps, plan.steps) {
            switch step {
            case .kernel(let k, let compiled):
                switch compiled {
                case .none:
                    // Each equation through `execute`, with the kernel's intermediate values local.
                    var local: [ObjectIdentifier: Tensor] = [:]
                    for eq in k.equations {
                        let outs = apply(eq.primitive, eq.inputs.map { atom in
                            if case .variable(let v) = atom, let t = local[ObjectIdentifier(v)] { return t }
                            return read(plan.operand(atom))
                        })
                        for (v, t) in zip(eq.outputs, outs) { local[ObjectIdentifier(v)] = t }
                    }
                    bind(io.outputs, k.outputs.map { local[ObjectIdentifier($0)]! })
                case .failure(let e)?:
                    bind(io.outputs, k.outputs.map { Tensor(base: FailedArray(type: $0.type, error: e)) })
                case .success(let c)?:
                    bind(io.outputs, runKernel(c, k, io.inputs.map(read)))
                }
            case .primitive(let eq):
                bind(io.outputs, apply(eq.primitive, io.inputs.map(read)))
            case .cond(let eq, let branches):
                let ins = io.inputs.map(read)
                var index = Int(ins[0].readScalarForControlFlow(eq.primitive))
                index = Swift.max(0, Swift.min(branches.count - 1, index))
                bind(io.outputs, branches[index].run(Array(ins.dropFirst())))
            case .whileLoop(let eq, let cond, let body, let nc, let nb):
                let ins = io.inputs.map(read)
                let condConsts = Array(ins[0..<nc]), bodyConsts = Array(ins[nc..<(nc + nb)])
                var carry = Array(ins[(nc + nb)...])
                while cond.run(condConsts + carry)[0].readScalarForControlFlow(eq.primitive) != 0 {
                    carry = body.run(bodyConsts + carry)
                }
                bind(io.outputs, carry)
            case .scan(_, let body, let length, let reverse, let nConsts, let nCarry):
                let ins = io.inputs.map(read)
                bind(io.outputs, Executable.runScan(body, ins, length: length, reverse: reverse,
                                                    constCount: nConsts, carryCount: nCarry))
            }
        }
        return plan.outputs.map(read)
    }

    /// One primitive on this program's device (operands elsewhere are copied; literals and
    /// operand-less primitives such as iota run here rather than on the default device).
    func apply(_ primitive: Primitive, _ args: [Tensor]) -> [Tensor] {
        let outTypes = ShapeRules.outputTypes(primitive, args.map(\.type))
        for a in args {
            if let f = a.base as? FailedArray { return outTypes.map { Tensor(base: FailedArray(type: $0, error: f.error)) } }
        }
        do {
            let buffers = try args.map { try Eager.buffer(of: $0, on: device) }
            let outs = try device.backend.execute(primitive, inputs: buffers, inputTypes: args.map(\.type),
                                                  outputTypes: outTypes, on: device)
            return zip(outs, outTypes).map { Tensor(base: DeviceArray(type: $1, device: device, buffer: $0)) }
        } catch let e as TesseraError {
            return outTypes.map { Tensor(base: FailedArray(type: $0, error: e)) }
        } catch {
            let e = TesseraError(.execution, "\(printedName(primitive)) on \(device): \(error)")
            return outTypes.map { Tensor(base: FailedArray(type: $0, error: e)) }
        }
    }

    private func runKernel(_ compiled: any CompiledKernel, _ k: Fusion.KernelStep, _ inputs: [Tensor]) -> [Tensor] {
        do {
            // Plain loops: this is the per-call hot path of a jitted function.
            var buffers: [any DeviceBuffer] = []
            buffers.reserveCapacity(inputs.count)
            for t in inputs {
                if let a = t.base as? DeviceArray, a.device === device {
                    buffers.append(a.buffer)
                    continue
                }
                if let f = t.base as? FailedArray { return k.outputs.map { Tensor(base: FailedArray(type: $0.type, error: f.error)) } }
                buffers.append(try Eager.buffer(of: t, on: device))
            }
            let outs = try device.backend.run(compiled, inputs: buffers, on: device)
            var results: [Tensor] = []
            results.reserveCapacity(outs.count)
            for (b, v) in zip(outs, k.outputs) { results.append(Tensor(base: DeviceArray(type: v.type, device: device, buffer: b))) }
            return results
        } catch let e as TesseraError {
            return k.outputs.map { Tensor(base: FailedArray(type: $0.type, error: e)) }
        } catch {
            let e = TesseraError(.execution, "\(k.kernel.name) on \(device): \(error)")
            return k.outputs.map { Tensor(base: FailedArray(type: $0.type, error: e)) }
        }
    }

    /// `scan` driven on the host: slices `xs` per step, runs the compiled body, stacks `ys`.
    static func runScan(_ body: Executable, _ ins: [Tensor], length: Int, reverse: Bool, constCount: Int,
                        carryCount: Int) -> [Tensor] {
        let consts = Array(ins[0..<constCount])
        var carry = Array(ins[constCount..<(constCount + carryCount)])
        let xs = Array(ins[(constCount + carryCount)...])
        let yTypes = Array(body.program.outTypes[carryCount...])
        var ys: [[Tensor]] = Array(repeating: [], count: yTypes.count)
        for step in 0..<length {
            let i = reverse ? length - 1 - step : step
            let outs = body.run(consts + carry + xs.map { Lax.indexInDim($0, axis: 0, index: i) })
            carry = Array(outs[0..<carryCount])
            for (k, y) in outs[carryCount...].enumerated() { ys[k].append(y) }
        }
        let stacked: [Tensor] = yTypes.enumerated().map { k, t in
            if length == 0 { return Lax.full(0, shape: [0] + t.shape, dtype: t.dtype).to(body.device) }
            return Lax.stack(reverse ? Array(ys[k].reversed()) : ys[k], axis: 0)
        }
        return carry + stacked
    }
}
