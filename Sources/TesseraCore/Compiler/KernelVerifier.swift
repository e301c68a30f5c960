extension Kernel {
    /// Checks that the kernel is well formed: operands refer to earlier values, dtypes agree
    /// with each operation, every load stays inside its input buffer for every point of the
    /// index space, stores and the reduction refer to existing values and outputs, and
    /// epilogues appear only in reduction kernels. Returns the problems found (empty when
    /// the kernel is valid). The fusion pass verifies every kernel it makes; backends may
    /// rely on these properties (a load never needs a bounds check).
    ///
    /// ```swift
    /// precondition(kernel.verify().isEmpty)
    /// ```
    public func verify() -> [String] {
        var problems: [String] = []
        let outputSpace = self.outputSpace
        verifyInstructions(body, space: indexSpace, inEpilogue: false, into: &problems)
        if let r = reduction {
            if r.axes.contains(where: { $0 < 0 || $0 >= indexSpace.count }) || Set(r.axes).count != r.axes.count {
                problems.append("reduction axes \(r.axes) are not distinct axes of the index space \(indexSpace)")
            }
            if r.value < 0 || r.value >= body.count {
                problems.append("the reduction accumulates %\(r.value), which the body does not define")
            }
            if epilogue.isEmpty {
                if outputs.count != 1 || !stores.isEmpty {
                    problems.append("a plain reduction (no epilogue) has one output and no stores")
                }
                return problems
            }
            verifyInstructions(epilogue, space: outputSpace, inEpilogue: true, into: &problems)
        } else if !epilogue.isEmpty {
            problems.append("an epilogue without a reduction")
        }
        let values = reduction == nil ? body : epilogue
        var written = Set<Int>()
        for s in stores {
            guard s.output >= 0 && s.output < outputs.count else {
                problems.append("a store to output \(s.output) of \(outputs.count)")
                continue
            }
            written.insert(s.output)
            if s.value < 0 || s.value >= values.count {
                problems.append("a store of undefined value \(s.value)")
            } else if values[s.value].dtype != outputs[s.output].dtype {
                problems.append("out\(s.output) is \(outputs[s.output].dtype) but gets a \(values[s.value].dtype) value")
            }
            if outputs[s.output].count != outputSpace.reduce(1, *) {
                problems.append("out\(s.output) has \(outputs[s.output].count) elements, the output space \(outputSpace) has \(outputSpace.reduce(1, *))")
            }
        }
        if written.count != outputs.count { problems.append("outputs \(Set(outputs.indices).subtracting(written).sorted()) are never stored") }
        return problems
    }

    private func verifyInstructions(_ list: [KernelInstruction], space: [Int], inEpilogue: Bool, into problems: inout [String]) {
        let points = space.reduce(1, *)
        for (n, inst) in list.enumerated() {
            let name = (inEpilogue ? "%e" : "%") + "\(n)"
            for v in inst.op.operands where v < 0 || v >= n {
                problems.append("\(name) reads \(v), which is not an earlier value")
            }
            if inst.op.operands.contains(where: { $0 < 0 || $0 >= n }) { continue }
            func dtype(_ v: KernelValue) -> DType { list[v].dtype }
            switch inst.op {
            case .load(let input, let map):
                guard input >= 0 && input < inputs.count else {
                    problems.append("\(name) loads input \(input) of \(inputs.count)")
                    continue
                }
                if inputs[input].dtype != inst.dtype { problems.append("\(name) loads \(inputs[input].dtype) as \(inst.dtype)") }
                if map.strides.count != space.count {
                    problems.append("\(name) has \(map.strides.count) strides for a \(space.count)-d index space")
                } else if points > 0 {
                    var low = map.offset, high = map.offset
                    for (s, extent) in zip(map.strides, space) {
                        if s > 0 { high += s * (extent - 1) } else { low += s * (extent - 1) }
                    }
                    if low < 0 || high >= inputs[input].count {
                        problems.append("\(name) reads elements \(low)...\(high) of in\(input) (\(inputs[input].count) elements)")
                    }
                }
            case .literal(let l):
                if l.dtype != inst.dtype { problems.append("\(name) is a \(l.dtype) literal typed \(inst.dtype)") }
            case .index(let d):
                if d < 0 || d >= space.count { problems.append("\(name) reads coordinate \(d) of a \(space.count)-d space") }
                if inst.dtype != .int32 { problems.append("\(name): index values are int32") }
            case .unary(let op, let x):
                let expected: DType = op == .isFinite ? .bool : dtype(x)
                if inst.dtype != expected { problems.append("\(name): \(op.rawValue) of \(dtype(x)) typed \(inst.dtype)") }
            case .binary(let op, let x, let y):
                if dtype(x) != dtype(y) || inst.dtype != dtype(x) {
                    problems.append("\(name): \(op.rawValue) of \(dtype(x)) and \(dtype(y)) typed \(inst.dtype)")
                }
            case .compare(let op, let x, let y):
                if dtype(x) != dtype(y) || inst.dtype != .bool {
                    problems.append("\(name): \(op.rawValue) of \(dtype(x)) and \(dtype(y)) typed \(inst.dtype)")
                }
            case .select(let w, let f, let t):
                if dtype(w) != .bool || dtype(f) != dtype(t) || inst.dtype != dtype(f) {
                    problems.append("\(name): select_n of \(dtype(w)), \(dtype(f)), \(dtype(t)) typed \(inst.dtype)")
                }
            case .convert:
                break
            case .bitcast(let x):
                if dtype(x).byteSize != inst.dtype.byteSize { problems.append("\(name): bitcast from \(dtype(x)) to \(inst.dtype)") }
            case .accumulator:
                if !inEpilogue { problems.append("\(name): accumulator outside an epilogue") }
                if let r = reduction, inst.dtype != r.accumulatorDType {
                    problems.append("\(name): accumulator typed \(inst.dtype), the accumulator is \(r.accumulatorDType)")
                }
            }
        }
    }
}
