import Testing
@testable import Tessera

/// Behaviour of the Tensor API that the JAX-generated cases do not cover: immutability,
/// tracing (literals inline, traced indices), spellings from DESIGN.md and NumPy facts.
@Suite struct TensorAPITests {
    @Test func immutabilityAndFunctionalUpdate() {
        let x = Tensor.arange(10)
        // Tensors are immutable: there is no subscript setter, so this does not compile:
        //     x[0] = 10        // error: cannot assign through subscript: subscript is get-only
        // Use a functional update instead, which returns a new tensor:
        let y = x.at[0].set(10)
        #expect(y.asArray(Int32.self) == [10, 1, 2, 3, 4, 5, 6, 7, 8, 9])
        #expect(x.asArray(Int32.self) == Array(0..<10))
        #expect(x.at[2..<4].add(100).asArray(Int32.self) == [0, 1, 102, 103, 4, 5, 6, 7, 8, 9])
        #expect(x.at[...].multiply(2).asArray(Int32.self) == (0..<10).map { $0 * 2 })
        #expect(x.at[-1].get().item(Int32.self) == 9)
    }

    @Test func scalarUpdatesAndFills() {
        let s = Tensor([5] as [Float], shape: [])
        #expect(s.at[...].add(1).item(Float.self) == 6)
        #expect(s.at[...].set(2).item(Float.self) == 2)
        #expect(s.at[...].max(9).item(Float.self) == 9)
        #expect(Tensor.fullLike(Tensor.arange(3), 4).asArray(Int32.self) == [4, 4, 4])
    }

    @Test func designSpellings() {
        let a = Tensor([1, 2, 3, 4] as [Float], shape: [2, 2])
        #expect(a.shape == [2, 2] && a.dtype == .float32 && a.rank == 2)
        #expect(a.asType(.float64).dtype == .float64)
        #expect(a.reshaped([4]).shape == [4])
        #expect(a.T.asArray(Float.self) == [1, 3, 2, 4])
        #expect(a.transposed().asArray(Float.self) == [1, 3, 2, 4])
        #expect(Tensor.zeros([2, 3]).dtype == .float32)
        #expect(Tensor.ones([3], dtype: .float64).asArray(Double.self) == [1, 1, 1])
        #expect(Tensor.full([2], 7.0).asArray(Float.self) == [7, 7])
        #expect(Tensor.eye(3).sum().item(Float.self) == 3)
        #expect(Tensor.linspace(0, 1, count: 5).asArray(Float.self) == [0, 0.25, 0.5, 0.75, 1])
        #expect(a[0, 1].item(Float.self) == 2)
        #expect(Tensor.arange(10)[2].item(Int32.self) == 2)
        #expect(Tensor.arange(10)[1..<4].asArray(Int32.self) == [1, 2, 3])
        #expect(a.sum(axes: [0], keepDims: true).shape == [1, 2])
        #expect(a.mean().item(Float.self) == 2.5)
        #expect(a.max().item(Float.self) == 4)
        #expect(a.argmax(axis: 1).asArray(Int32.self) == [1, 1])
        let b = Tensor([[5, 6], [7, 8]] as [[Float]])
        #expect(concatenate([a, b], axis: 0).shape == [4, 2])
        #expect(stack([a, b]).shape == [2, 2, 2])
        #expect(maximum(a, b).asArray(Float.self) == [5, 6, 7, 8])
        #expect(pow(a, 2).asArray(Float.self) == [1, 4, 9, 16])
        #expect(`where`(a .> 2, a, b).asArray(Float.self) == [5, 6, 3, 4])
        #expect(Tensor.zerosLike(a).asArray(Float.self) == [0, 0, 0, 0])
        #expect(Tensor.onesLike(Tensor.arange(2)).asArray(Int32.self) == [1, 1])
        #expect(Tensor.arange(6).reshaped([2, -1])[.all, 1].asArray(Int32.self) == [1, 4])
    }

    @Test func nestedArrays() {
        let m = Tensor([[1, 2, 3], [4, 5, 6]] as [[Int32]])
        #expect(m.shape == [2, 3] && m.dtype == .int32)
        let c = Tensor([[[1, 2]], [[3, 4]]] as [[[Double]]])
        #expect(c.shape == [2, 1, 2] && c.dtype == .float64)
        #expect(c.asArray(Double.self) == [1, 2, 3, 4])
        #expect(Tensor([] as [[Float]]).shape == [0, 0])
    }

    @Test func weakLiteralPromotion() {
        let h = Tensor([1, 2] as [Float16])
        #expect((h + 2.5).dtype == .float16)
        #expect((2.5 * h).dtype == .float16)
        let i = Tensor([1, 2] as [Int32])
        #expect((i * 2.5).dtype == .float32)
        #expect((i * 2).dtype == .int32)
        #expect((i + Tensor([1, 2] as [UInt32])).dtype == .int64)
        let u = Tensor([1, 2] as [UInt32])
        #expect((u + 1).dtype == .uint32)
        // A strong scalar does promote: int32 + float64 scalar is float64. (`Tensor(2.0)` with
        // a literal argument is itself a weak literal, by SE-0213 literal coercion.)
        let two: Double = 2
        #expect((i + Tensor(two)).dtype == .float64)
        #expect(!Tensor(two).isWeaklyTyped && Tensor(2.0).isWeaklyTyped)
    }

    @Test func largeIntegerLiteralsStayExact() {
        let x = Tensor([1, 2] as [Int64])
        #expect((x + 5_000_000_000).asArray(Int64.self) == [5_000_000_001, 5_000_000_002])
        #expect((x + 5_000_000_000).dtype == .int64)
        let u = Tensor([1, 2] as [UInt32])
        #expect((u + 4_000_000_000).asArray(UInt32.self) == [4_000_000_001, 4_000_000_002])
        #expect((u + (-1)).asArray(UInt32.self) == [0, 1])   // wraps, as in JAX
    }

    @Test func compoundAssignmentRebindsTheVariable() {
        let x = Tensor([1, 2] as [Float])
        var y = x
        y += 1
        y *= 3
        #expect(y.asArray(Float.self) == [6, 9])
        #expect(x.asArray(Float.self) == [1, 2])
    }

    @Test func integerDivisionTruncatesAndFloorDivideFloors() {
        let a = Tensor([-7, 7] as [Int32])
        #expect((a / 2).asArray(Int32.self) == [-3, 3])
        #expect((a % 2).asArray(Int32.self) == [-1, 1])
        #expect(floorDivide(a, 2).asArray(Int32.self) == [-4, 3])
        #expect((Tensor([-7.5] as [Float]) % 2).asArray(Float.self) == [-1.5])
    }

    @Test func literalScalarBroadcastIsExplicitInJaxpr() {
        let closed = traceToJaxpr(name: "g", inTypes: [ShapedType([3], .float32)]) { [$0[0] * 2] }
        let eqs = closed.jaxpr.equations
        #expect(eqs.map { printedName($0.primitive) } == ["broadcast_in_dim", "mul"])
        if case .literal(let l) = eqs.first?.inputs.first {
            #expect(l.dtype == .float32 && l.doubleValue == 2)
        } else {
            Issue.record("the broadcast operand should be the inline literal 2.0")
        }
    }

    @Test func weakFloatLiteralConvertsOnHost() {
        // x_i32 * 2.5: the int operand is converted on the device, the literal on the host.
        let closed = traceToJaxpr(name: "g", inTypes: [ShapedType([], .int32)]) { [$0[0] * 2.5] }
        let names = closed.jaxpr.equations.map { printedName($0.primitive) }
        #expect(names == ["convert_element_type", "mul"])
        #expect(closed.outTypes == [ShapedType([], .float32, weak: true)])
    }

    @Test func tracedScalarIndexUsesDynamicSlice() {
        let x = Tensor([10, 11, 12, 13] as [Float])
        let closed = traceToJaxpr(name: "g", inTypes: [ShapedType([], .int32)]) { args in [x[args[0]]] }
        let names = closed.jaxpr.equations.map { printedName($0.primitive) }
        #expect(names.contains("dynamic_slice"))
        #expect(!names.contains("gather"))
        #expect(evalJaxpr(closed, [Tensor(2)])[0].item(Float.self) == 12)
        #expect(evalJaxpr(closed, [Tensor(-1)])[0].item(Float.self) == 13)
    }

    @Test func tracedIndexTensorUsesGather() {
        let x = Tensor([10, 11, 12, 13] as [Float])
        let closed = traceToJaxpr(name: "g", inTypes: [ShapedType([2], .int32)]) { args in [x[args[0]]] }
        #expect(closed.jaxpr.equations.map { printedName($0.primitive) }.contains("gather"))
        let out = evalJaxpr(closed, [Tensor([3, 0] as [Int32])])[0]
        #expect(out.asArray(Float.self) == [13, 10])
    }

    @Test func tracedUpdateUsesScatter() {
        let closed = traceToJaxpr(name: "g", inTypes: [ShapedType([3], .float32), ShapedType([], .int32)]) { args in
            [args[0].at[args[1]].add(5)]
        }
        #expect(closed.jaxpr.equations.map { printedName($0.primitive) }.contains("scatter-add"))
        let out = evalJaxpr(closed, [Tensor([1, 2, 3] as [Float]), Tensor(1)])[0]
        #expect(out.asArray(Float.self) == [1, 7, 3])
    }

    @Test func unboundedRangeAndStrides() {
        let x = Tensor.arange(10)
        #expect(x[...].asArray(Int32.self) == Array(0..<10))
        #expect(x[stride(from: 0, to: 10, by: 2)].asArray(Int32.self) == [0, 2, 4, 6, 8])
        #expect(x[stride(from: 9, through: 0, by: -3)].asArray(Int32.self) == [9, 6, 3, 0])
        #expect(x[.slice(step: -1)].asArray(Int32.self) == (0..<10).reversed().map { $0 })
        #expect(x[Tensor(3)].item(Int32.self) == 3)
    }

    @Test func matmulIsOneDotGeneral() {
        let closed = traceToJaxpr(name: "g", inTypes: [ShapedType([8, 3, 4], .float32), ShapedType([8, 4, 5], .float32)]) {
            [matmul($0[0], $0[1])]
        }
        #expect(closed.jaxpr.equations.map { printedName($0.primitive) } == ["dot_general"])
        #expect(closed.outTypes[0].shape == [8, 3, 5])
    }
}
