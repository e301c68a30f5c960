import Foundation
import Tessera

/// The sign normalisation of decompositions whose vectors are unique only up to sign, so
/// that two correct results compare equal (the same rule as
/// `scripts/testdata/conformance_conv_linalg.py`'s `canonical`).
///
/// - `qr` `(q, r)`: column j of q and row j of r times the sign of `r[j, j]`.
/// - `eigh` `(v, w)`: column j of v times the sign of its largest-magnitude entry.
/// - `svd` `(s, u, vt)`: column j of u and row j of vt times the sign of u's column j's
///   largest-magnitude entry.
///
/// ```swift
/// let outputs = LinalgSigns.qr.canonical(try run(qrCase, on: device, mode: .jit))
/// ```
public enum LinalgSigns: String, Sendable {
    case qr, eigh, svd

    /// `outputs` with the signs normalised (batch axes are every axis before the last two).
    public func canonical(_ outputs: [HostTensor]) -> [HostTensor] {
        var values = outputs.map { t in (0..<t.type.count).map { t.double(at: $0) } }
        // (the matrix whose signs decide, the matrix scaled by column, the matrix scaled by row)
        let (decider, byColumn, byRow): (Int, Int, Int?)
        switch self {
        case .qr: (decider, byColumn, byRow) = (1, 0, 1)
        case .eigh: (decider, byColumn, byRow) = (0, 0, nil)
        case .svd: (decider, byColumn, byRow) = (1, 1, 2)
        }
        let shape = outputs[byColumn].type.shape
        guard shape.count >= 2 else { return outputs }
        let rows = shape[shape.count - 2], cols = shape[shape.count - 1]
        let batches = shape.dropLast(2).reduce(1, *)
        let deciderShape = outputs[decider].type.shape
        let dRows = deciderShape[deciderShape.count - 2], dCols = deciderShape[deciderShape.count - 1]
        let rowShape = byRow.map { outputs[$0].type.shape } ?? []
        let rCols = rowShape.last ?? 0
        for b in 0..<batches {
            for j in 0..<cols {
                let sign: Double
                if self == .qr {
                    guard j < Swift.min(dRows, dCols) else { continue }
                    sign = values[decider][b * dRows * dCols + j * dCols + j] < 0 ? -1 : 1
                } else {
                    var best = 0.0, k = 0
                    for i in 0..<dRows {
                        let v = Swift.abs(values[decider][b * dRows * dCols + i * dCols + j])
                        if v > best { best = v; k = i }
                    }
                    sign = values[decider][b * dRows * dCols + k * dCols + j] < 0 ? -1 : 1
                }
                if sign > 0 { continue }
                for i in 0..<rows { values[byColumn][b * rows * cols + i * cols + j].negate() }
                if let byRow {
                    let rRows = rowShape[rowShape.count - 2]
                    guard j < rRows else { continue }
                    for i in 0..<rCols { values[byRow][b * rRows * rCols + j * rCols + i].negate() }
                }
            }
        }
        return zip(outputs, values).map { t, v in t.type.dtype.isFloatingPoint ? HostTensor(type: t.type, doubles: v) : t }
    }
}

extension HostTensor {
    /// A floating-point tensor of `type` from Double values (rounded to its dtype).
    init(type: ShapedType, doubles: [Double]) {
        var out: [UInt8] = []
        out.reserveCapacity(type.byteCount)
        func append<T>(_ x: T) { withUnsafeBytes(of: x) { out.append(contentsOf: $0) } }
        for v in doubles {
            switch type.dtype {
            case .float16: append(Float16(v))
            case .float32: append(Float(v))
            case .float64: append(v)
            case .bool, .int32, .uint32, .int64: preconditionFailure("HostTensor(type:doubles:) needs a floating-point dtype, got \(type.dtype)")
            }
        }
        self.init(type: type, bytes: out)
    }
}
