import Testing
@testable import Tessera
@testable import TesseraCore

/// `HostEvaluation.roundTrip`, the one-line fallback a device backend calls for
/// conv_general_dilated and the linalg primitives, checked on every backend's buffers.
@Suite("Linalg: explicit host round-trip for backends")
struct HostRoundTripTests {
    @Test("round-trip results equal the backend's own results", arguments: TestDevices.backendNames)
    func roundTripMatches(_ backend: String) throws {
        guard let device = TestDevices.device(backend) else { return }
        var rng = TestRandom(seed: 31)
        let dtype: DType = device.supports(.float64) ? .float64 : .float32
        let a = (matmul(rng.tensor([3, 3]), rng.tensor([3, 3]).T) + Tensor.eye(3, dtype: .float64) * Tensor(3.0)).asType(dtype).to(device)
        let b = rng.tensor([3, 2]).asType(dtype).to(device)
        let x = rng.tensor([1, 2, 6, 5]).asType(dtype).to(device), w = rng.tensor([3, 2, 3, 2]).asType(dtype).to(device)
        let convParams = ConvParams(windowStrides: [2, 1], padding: [ConvPadding(1, 1), ConvPadding(0, 1)], lhsDilation: [1, 1],
                                    rhsDilation: [1, 2], dimensionNumbers: .channelsFirst(spatialRank: 2))
        let cases: [(Primitive, [Tensor])] = [
            (.linalg(.cholesky), [a]), (.linalg(.triangularSolve(TriangularSolveOptions())), [a, b]), (.linalg(.lu), [a]),
            (.linalg(.qr), [a]), (.linalg(.eigh), [a]), (.linalg(.svd), [a]), (.convGeneralDilated(convParams), [x, w]),
        ]
        for (primitive, args) in cases {
            #expect(HostEvaluation.handles(primitive))
            let expected = bind(primitive, args)
            let arrays = args.map { $0.base as! DeviceArray }
            let outTypes = ShapeRules.outputTypes(primitive, args.map(\.type))
            let buffers = try HostEvaluation.roundTrip(primitive, inputs: arrays.map(\.buffer), inputTypes: args.map(\.type),
                                                       outputTypes: outTypes, on: device)
            for (k, (buffer, type)) in zip(buffers, outTypes).enumerated() {
                let got = Tensor(base: DeviceArray(type: type, device: device, buffer: buffer))
                expectClose(got.doubles, expected[k].doubles, rtol: 1e-6, atol: 1e-6, "\(backend) \(printedName(primitive)) output \(k)")
            }
        }
        #expect(!HostEvaluation.handles(.unary(.exp)))
    }
}
