import Testing
@testable import TesseraConformance
@testable import Tessera

/// The conv_general_dilated and linalg cases (`Data/conformance_conv_linalg.json`, made by
/// `scripts/testdata/conformance_conv_linalg.py`) are part of the conformance suite, and the
/// sign normalisation of qr/eigh/svd results undoes a sign flip.
@Suite("Conformance: conv and linalg coverage")
struct ConvLinalgCoverageTests {
    @Test("the suite has conv_general_dilated for float32/float64/int32 and every linalg op for float32/float64")
    func familiesArePresent() {
        let names = Set(ConformanceCase.all.map { "\($0.primitiveName)/\($0.dtype)" })
        for expected in ["conv_general_dilated/float32", "conv_general_dilated/float64", "conv_general_dilated/int32"] {
            #expect(names.contains(expected), "missing \(expected)")
        }
        for op in ["cholesky", "triangular_solve", "lu", "qr", "eigh", "svd"] {
            for dtype in ["float32", "float64"] { #expect(names.contains("\(op)/\(dtype)"), "missing \(op)/\(dtype)") }
        }
        let conv = ConformanceCase.all.filter { $0.primitiveName == "conv_general_dilated" }
        #expect(conv.contains { if case .convGeneralDilated(let p) = $0.primitive { return p.featureGroupCount > 1 } else { return false } })
        #expect(conv.contains { if case .convGeneralDilated(let p) = $0.primitive { return p.batchGroupCount > 1 } else { return false } })
        #expect(conv.contains { $0.inputs[0].type.count == 0 })
    }

    /// Negates column `j` of the trailing matrix of `t` (every batch).
    static func negatingColumn(_ t: HostTensor, _ j: Int) -> HostTensor {
        let cols = t.type.shape.last!
        return HostTensor(type: t.type, doubles: (0..<t.type.count).map { i in i % cols == j ? -t.double(at: i) : t.double(at: i) })
    }

    /// Negates row `j` of the trailing matrix of `t` (every batch).
    static func negatingRow(_ t: HostTensor, _ j: Int) -> HostTensor {
        let rows = t.type.shape[t.type.rank - 2], cols = t.type.shape.last!
        return HostTensor(type: t.type, doubles: (0..<t.type.count).map { i in (i / cols) % rows == j ? -t.double(at: i) : t.double(at: i) })
    }

    @Test("a qr/eigh/svd result with one vector's sign flipped normalises back to JAX's", arguments: ["qr/float64/tall", "eigh/float64/batched", "svd/float32/wide"])
    func signFlipIsUndone(name: String) throws {
        let c = try #require(ConformanceCase.all.first { $0.name == name })
        let signs = try #require(c.canonicalSigns)
        var flipped = c.expected
        switch signs {
        case .qr: flipped[0] = Self.negatingColumn(flipped[0], 1); flipped[1] = Self.negatingRow(flipped[1], 1)
        case .eigh: flipped[0] = Self.negatingColumn(flipped[0], 2)
        case .svd: flipped[1] = Self.negatingColumn(flipped[1], 0); flipped[2] = Self.negatingRow(flipped[2], 0)
        }
        #expect(flipped.map(\.bytes) != c.expected.map(\.bytes))
        #expect(signs.canonical(flipped).map(\.bytes) == c.expected.map(\.bytes))
    }
}
