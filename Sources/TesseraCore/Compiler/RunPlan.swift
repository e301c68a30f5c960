/// Where `Executable.run` keeps the values of a program: every variable gets a slot number
/// once, at compile time, so a run indexes an array instead of hashing variables; literal
/// operands become tensors once.
struct RunPlan: @unchecked Sendable {
    /// A step's operand: a variable's slot, or a literal made into a tensor at compile time.
    enum Operand {
        case slot(Int)
        case constant(Tensor)
    }

    /// The slots a step reads and writes (kernel steps: the kernel's inputs and outputs).
    struct StepIO {
        var inputs: [Operand]
        var outputs: [Int]
    }

    private(set) var slotCount = 0
    /// The type of each slot's variable (for messages).
    private(set) var variableTypes: [ShapedType] = []
    private var slotOf: [ObjectIdentifier: Int] = [:]
    private(set) var constantSlots: [Int] = []
    private(set) var parameterSlots: [Int] = []
    private(set) var steps: [StepIO] = []
    private(set) var outputs: [Operand] = []

    init(_ jaxpr: Jaxpr, _ compiled: [Executable.CompiledStep]) {
        constantSlots = jaxpr.constVars.map { slot($0) }
        parameterSlots = jaxpr.inVars.map { slot($0) }
        for step in compiled {
            switch step {
            case .kernel(let k, _):
                let inputs = k.inputs.map { Operand.slot(slot($0)) }
                // The equations of kernels run per primitive read their outside operands by slot.
                for eq in k.equations { for case .variable(let v) in eq.inputs { _ = slot(v) } }
                steps.append(StepIO(inputs: inputs, outputs: k.outputs.map { slot($0) }))
            case .primitive(let eq), .cond(let eq, _), .whileLoop(let eq, _, _, _, _), .scan(let eq, _, _, _, _, _):
                let inputs = eq.inputs.map { makeOperand($0) }
                steps.append(StepIO(inputs: inputs, outputs: eq.outputs.map { slot($0) }))
            }
        }
        outputs = jaxpr.outputs.map { makeOperand($0) }
    }

    /// The slot of `v`, allocating one on first use.
    private mutating func slot(_ v: JaxprVar) -> Int {
        if let n = slotOf[ObjectIdentifier(v)] { return n }
        slotOf[ObjectIdentifier(v)] = slotCount
        variableTypes.append(v.type)
        slotCount += 1
        return slotCount - 1
    }

    private mutating func makeOperand(_ atom: JaxprAtom) -> Operand {
        switch atom {
        case .literal(let l): return .constant(Tensor(literal: l))
        case .variable(let v): return .slot(slot(v))
        }
    }

    /// The operand of `atom` (its variable already has a slot).
    func operand(_ atom: JaxprAtom) -> Operand {
        switch atom {
        case .literal(let l): return .constant(Tensor(literal: l))
        case .variable(let v): return .slot(slotOf[ObjectIdentifier(v)]!)
        }
    }
}
