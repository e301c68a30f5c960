import Foundation
import Tessera

/// The primitive x dtype x backend matrix of a conformance run: each cell is `pass` (with
/// the worst floating-point error in ULPs when nonzero), `FAIL`, or `unsup` (the device
/// lacks the dtype); eager and jit results are merged into one cell.
public struct ConformanceMatrix: Sendable {
    /// One row: a primitive at one dtype.
    public struct Row: Sendable {
        /// Primitive name (`add`, `grad`, ...).
        public var primitive: String
        /// Dtype name.
        public var dtype: String
        /// Cell text per backend.
        public var cells: [String: String]
    }

    /// The backends, in column order.
    public let backends: [String]
    /// Rows in the order primitives first appear, dtypes in DType order.
    public let rows: [Row]

    /// Builds the matrix from results.
    public init(_ results: [CheckResult]) {
        var backends: [String] = []
        var order: [String] = []
        var groups: [String: [String: [CheckResult]]] = [:]
        for r in results {
            if !backends.contains(r.backend) { backends.append(r.backend) }
            let key = "\(r.primitive)\u{1}\(r.dtype)"
            if groups[key] == nil { order.append(key) }
            groups[key, default: [:]][r.backend, default: []].append(r)
        }
        self.backends = backends
        rows = order.map { key in
            let parts = key.split(separator: "\u{1}").map(String.init)
            var cells: [String: String] = [:]
            for (backend, rs) in groups[key]! { cells[backend] = ConformanceMatrix.cell(rs) }
            return Row(primitive: parts[0], dtype: parts.count > 1 ? parts[1] : "", cells: cells)
        }
    }

    /// The text of one cell.
    static func cell(_ rs: [CheckResult]) -> String {
        if rs.contains(where: { $0.status == .fail }) {
            let n = rs.filter { $0.status == .fail }.count
            return "FAIL (\(n)/\(rs.count))"
        }
        if rs.allSatisfy({ $0.status == .unsupported }) { return "unsup" }
        let worst = rs.compactMap(\.worstULP).max()
        if let worst, worst > 0 {
            return worst.isFinite ? String(format: "pass %.3g ulp", worst) : "pass inf ulp"
        }
        return "pass"
    }

    /// The matrix as an aligned text table.
    public var text: String {
        let header = ["primitive", "dtype"] + backends
        let body = rows.map { row in [row.primitive, row.dtype] + backends.map { row.cells[$0] ?? "-" } }
        var widths = header.map(\.count)
        for line in body { for (i, c) in line.enumerated() { widths[i] = Swift.max(widths[i], c.count) } }
        func format(_ cols: [String]) -> String {
            cols.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return ([format(header), rule] + body.map(format)).joined(separator: "\n")
    }
}
