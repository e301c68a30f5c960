import Testing
@testable import Tessera

/// Tensors on a device other than the default one stay there through the API: the
/// constants the API makes (broadcast literals, iotas, index vectors) are moved next to
/// their operands instead of being created on the default device (which would stop with
/// "operands are on different devices").
///
/// The second device is a twin of the reference device: a distinct `Device` object on the
/// same backend, so placement sees two devices without needing a second backend.
@Suite struct PlacementTests {
    static let twin: Device = {
        let r = TestDevices.reference
        return Device(backend: r.backend, index: r.index, name: "reference twin (placement tests)", kind: r.kind,
                      capabilities: r.capabilities)
    }()

    @Test func resultsStayOnTheOperandsDevice() {
        let d = Self.twin
        let x = Tensor([1, 2, 3, 4] as [Float], shape: [2, 2], dtype: .float32, on: d)
        let i = Tensor([3, -1] as [Int32], shape: [2], dtype: .int32, on: d)
        let results: [Tensor] = [
            x * 2, 2 - x, x .> 1, Tensor.where(x .> 2, x, 0), x.mean(), x.variance(), x.argsort(),
            floorDivide(x, 3), x.flattened()[i], x.at[0].set(9), x.at[.all, 1].add(1), x.flattened().at[i].multiply(2),
            Tensor.zerosLike(x), isNaN(x.asType(.int32)), x.all(), matmul(x, x),
        ]
        for r in results { #expect(r.device === d, "\(r.type) is on \(r.device)") }
        #expect((x * 2).asArray(Float.self) == [2, 4, 6, 8])
        #expect(x.flattened()[i].asArray(Float.self) == [4, 4])
        #expect(x.at[.all, 1].add(1).asArray(Float.self) == [1, 3, 3, 5])
    }

    @Test func elementwiseCasesOnASecondDevice() {
        APICase.runAll("api_elementwise.json", on: Self.twin, ElementwiseConformanceTests.apply)
    }

    @Test func reductionCasesOnASecondDevice() {
        APICase.runAll("api_reductions.json", on: Self.twin, ReductionConformanceTests.apply)
    }

    @Test func shapeCasesOnASecondDevice() {
        APICase.runAll("api_shapes.json", on: Self.twin, ShapeConformanceTests.apply)
    }
}
