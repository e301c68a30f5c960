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
            (.linalg(.qr(fullMatrices: false)), [a]), (.linalg(.eigh), [a]), (.linalg(.svd(fullMatrices: false)), [a]), (.convGeneralDilated(convParams), [x, w]),
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
                // Eigen- and singular vectors are unique up to sign (the backend may use LAPACK,
                // the round-trip plain Swift): compare them with each vector's sign fixed.
                let vectors: (columns: Bool, fix: Bool) = switch (primitive, k) {
                case (.linalg(.eigh), 0), (.linalg(.svd), 1): (true, true)
                case (.linalg(.svd), 2): (false, true)
                default: (false, false)
                }
                let (g, e) = vectors.fix
                    ? (signFixed(got.doubles, type.shape, columns: vectors.columns), signFixed(expected[k].doubles, type.shape, columns: vectors.columns))
                    : (got.doubles, expected[k].doubles)
                expectClose(g, e, rtol: 1e-6, atol: 1e-6, "\(backend) \(printedName(primitive)) output \(k)")
            }
        }
        #expect(!HostEvaluation.handles(.unary(.exp)))
    }

    /// The row-major matrix with each column (or row) negated where needed so that its
    /// largest-magnitude element is positive.
    private func signFixed(_ x: [Double], _ shape: [Int], columns: Bool) -> [Double] {
        let rows = shape[0], cols = shape[1]
        var out = x
        for v in 0..<(columns ? cols : rows) {
            let indices = columns ? (0..<rows).map { $0 * cols + v } : (0..<cols).map { v * cols + $0 }
            let pivot = indices.max { abs(x[$0]) < abs(x[$1]) }!
            if x[pivot] < 0 { for i in indices { out[i] = -x[i] } }
        }
        return out
    }
}
