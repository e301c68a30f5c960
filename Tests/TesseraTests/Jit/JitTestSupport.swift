import Testing
@testable import Tessera

/// Sample inputs of shape [2, 3] for every dtype, and a jit-vs-eager comparison.
enum JitSamples {
    static func x(_ dtype: DType) -> Tensor {
        switch dtype {
        case .bool: return Tensor([true, false, true, true, false, false], shape: [2, 3])
        case .uint32: return Tensor([3, 0, 2, 7, 1, 5] as [UInt32], shape: [2, 3])
        case .int32, .int64: return Tensor([-3, 0, 2, 7, -1, 5] as [Int64], shape: [2, 3], dtype: dtype)
        case .float16, .float32, .float64: return Tensor([-1.5, 0, 0.25, 2, -0.75, 3.5] as [Double], shape: [2, 3], dtype: dtype)
        }
    }
    static func y(_ dtype: DType) -> Tensor {
        switch dtype {
        case .bool: return Tensor([true, true, false, false, true, false], shape: [2, 3])
        case .uint32: return Tensor([2, 4, 1, 3, 6, 2] as [UInt32], shape: [2, 3])
        case .int32, .int64: return Tensor([2, -4, 1, 3, 6, -2] as [Int64], shape: [2, 3], dtype: dtype)
        case .float16, .float32, .float64: return Tensor([0.5, -2, 1.25, 3, -0.5, 2] as [Double], shape: [2, 3], dtype: dtype)
        }
    }
}

/// Expects `jit(f)(args)` to equal eager `f(args)` exactly (types and bytes); on a mismatch
/// the message shows the compiled program.
func expectJitMatchesEager(_ name: String, _ args: [Tensor], maxKernels: Int? = nil,
                           sourceLocation: SourceLocation = #_sourceLocation,
                           _ f: @escaping @Sendable ([Tensor]) -> [Tensor]) {
    let eager = f(args)
    let fast = jit(f, name: name)
    let compiled = fast(args)
    #expect(compiled.count == eager.count, "\(name): \(compiled.count) results, eager gives \(eager.count)", sourceLocation: sourceLocation)
    for (k, (c, e)) in zip(compiled, eager).enumerated() {
        #expect(c.type.strong == e.type.strong, "\(name) result \(k): type \(c.type) != eager \(e.type)", sourceLocation: sourceLocation)
        let cb = try? c.bytes(), eb = try? e.bytes()
        #expect(cb != nil && cb == eb, "\(name) result \(k): jit \(c.asArray(Double.self)) != eager \(e.asArray(Double.self))\n\(fast.lower(args))", sourceLocation: sourceLocation)
    }
    if let maxKernels {
        let n = fast.lower(args).kernelCount
        #expect(n <= maxKernels, "\(name): \(n) kernels, expected at most \(maxKernels)\n\(fast.lower(args))", sourceLocation: sourceLocation)
    }
}
