/// NumPy's `array2string` / `_formatArray` (numpy/_core/arrayprint.py) with the default
/// print options: line width 75, summarisation above 1000 elements with 3 edge items.
///
/// Works on host bytes, so it is independent of devices; `Tensor.description` feeds it.
struct ArrayFormatter {
    /// Elements beyond which an array is summarised with `...`.
    static let threshold = 1000
    /// Items kept at each end of a summarised axis.
    static let edgeItems = 3
    /// NumPy's default line width.
    static let lineWidth = 75

    /// The array's shape.
    let shape: [Int]
    let dtype: DType
    /// The shape of `bytes`: `shape`, or for a summarised array its corners
    /// (`cornerShape(shape)`), the only elements printing reads.
    let storedShape: [Int]
    let bytes: [UInt8]

    /// Wraps row-major little-endian element bytes of `shape` and `dtype`.
    init(shape: [Int], dtype: DType, bytes: [UInt8]) {
        self.init(shape: shape, dtype: dtype, storedShape: shape, bytes: bytes)
    }

    /// Wraps only the corners of an array (its elements within `edgeItems` of either end of
    /// every summarised axis), laid out as a row-major array of `cornerShape(shape)`.
    init(shape: [Int], dtype: DType, cornerBytes: [UInt8]) {
        self.init(shape: shape, dtype: dtype, storedShape: Self.cornerShape(shape), bytes: cornerBytes)
    }

    private init(shape: [Int], dtype: DType, storedShape: [Int], bytes: [UInt8]) {
        precondition(bytes.count == storedShape.reduce(1, *) * dtype.byteSize, "ArrayFormatter: byte count does not match shape")
        self.shape = shape
        self.dtype = dtype
        self.storedShape = storedShape
        self.bytes = bytes
    }

    /// The shape of the corners printing shows: axes longer than `2 * edgeItems` cut to
    /// `2 * edgeItems` when the array is summarised, else `shape` itself.
    static func cornerShape(_ shape: [Int]) -> [Int] {
        guard shape.reduce(1, *) > threshold else { return shape }
        return shape.map { $0 > 2 * edgeItems ? 2 * edgeItems : $0 }
    }

    /// Index into the stored axis for index `i` of the logical axis.
    private func storedIndex(_ axis: Int, _ i: Int) -> Int {
        storedShape[axis] == shape[axis] || i < Self.edgeItems ? i : i - (shape[axis] - storedShape[axis])
    }

    private func element(_ flat: Int) -> PrintElement {
        bytes.withUnsafeBytes { PrintElement.load($0.baseAddress! + flat * dtype.byteSize, dtype) }
    }

    private var count: Int { shape.reduce(1, *) }

    /// NumPy's `str(a)`.
    func str() -> String {
        if shape.isEmpty {
            let e = element(0)
            switch dtype {
            case .bool: return e.double != 0 ? "True" : "False"
            case .int32, .int64, .uint32: return e.integerText
            case .float16, .float32, .float64: return FloatFormat.scalarText(e.double, dtype: dtype)
            }
        }
        return array2string(separator: " ", prefix: "", suffix: "")
    }

    /// `Tensor(<array2string with ", ">, dtype=<dtype>)`, as JAX's `Array(...)` repr.
    func repr(weak: Bool) -> String {
        let prefix = "Tensor("
        let suffix = ", dtype=\(dtype)" + (weak ? ", weak_type=True" : "") + ")"
        return prefix + array2string(separator: ", ", prefix: prefix, suffix: suffix) + suffix
    }

    /// NumPy's `array2string(a, separator:, prefix:, suffix:)`.
    func array2string(separator: String, prefix: String, suffix: String) -> String {
        if count == 0 && !shape.isEmpty { return "[]" }
        let summarise = count > Self.threshold
        let shown = shownIndices(summarise: summarise)
        let format = ElementFormat(shown.map(element), dtype: dtype, isScalar: shape.isEmpty)
        let nextLinePrefix = " " + String(repeating: " ", count: prefix.count)
        let width = Self.lineWidth - suffix.count
        return formatArray(format: format, lineWidth: width, nextLinePrefix: nextLinePrefix,
                           separator: separator, summaryInsert: summarise ? "..." : "")
    }

    /// Flat indices of the elements NumPy's `_leading_trailing` keeps.
    private func shownIndices(summarise: Bool) -> [Int] {
        let strides = contiguousStrides(storedShape)
        var out: [Int] = []
        func visit(_ axis: Int, _ offset: Int) {
            if axis == shape.count { out.append(offset); return }
            let n = shape[axis]
            let idx: [Int] = (summarise && n > 2 * Self.edgeItems)
                ? Array(0..<Self.edgeItems) + Array((n - Self.edgeItems)..<n) : Array(0..<n)
            for i in idx { visit(axis + 1, offset + storedIndex(axis, i) * strides[axis]) }
        }
        visit(0, 0)
        return out
    }

    private func formatArray(format: ElementFormat, lineWidth: Int, nextLinePrefix: String,
                             separator: String, summaryInsert: String) -> String {
        let strides = contiguousStrides(storedShape)
        let edge = Self.edgeItems

        func recurse(_ axis: Int, _ offset: Int, _ hangingIndent: String, _ currWidth: Int) -> String {
            let axesLeft = shape.count - axis
            if axesLeft == 0 { return format(element(offset)) }
            let nextHangingIndent = hangingIndent + " "
            let nextWidth = currWidth - 1
            let aLen = shape[axis]
            let showSummary = !summaryInsert.isEmpty && 2 * edge < aLen
            let leading = showSummary ? edge : 0
            let trailing = showSummary ? edge : aLen
            let at = { (i: Int) in offset + storedIndex(axis, i) * strides[axis] }
            var s = ""
            if axesLeft == 1 {
                let sepTrimmed = separator.trimmingTrailingWhitespace
                let elemWidth = currWidth - max(sepTrimmed.count, 1)
                var line = hangingIndent
                func extend(_ word: String, _ width: Int) {
                    var needsWrap = line.count + word.count > width
                    if line.count <= hangingIndent.count { needsWrap = false }
                    if needsWrap {
                        s += line.trimmingTrailingWhitespace + "\n"
                        line = hangingIndent
                    }
                    line += word
                }
                for i in 0..<leading {
                    extend(recurse(axis + 1, at(i), nextHangingIndent, nextWidth), elemWidth)
                    line += separator
                }
                if showSummary {
                    extend(summaryInsert, elemWidth)
                    line += separator
                }
                for i in stride(from: trailing, to: 1, by: -1) {
                    extend(recurse(axis + 1, at(aLen - i), nextHangingIndent, nextWidth), elemWidth)
                    line += separator
                }
                extend(recurse(axis + 1, at(aLen - 1), nextHangingIndent, nextWidth), elemWidth)
                s += line
            } else {
                let lineSep = separator.trimmingTrailingWhitespace + String(repeating: "\n", count: axesLeft - 1)
                for i in 0..<leading {
                    s += hangingIndent + recurse(axis + 1, at(i), nextHangingIndent, nextWidth) + lineSep
                }
                if showSummary { s += hangingIndent + summaryInsert + lineSep }
                for i in stride(from: trailing, to: 1, by: -1) {
                    s += hangingIndent + recurse(axis + 1, at(aLen - i), nextHangingIndent, nextWidth) + lineSep
                }
                s += hangingIndent + recurse(axis + 1, at(aLen - 1), nextHangingIndent, nextWidth)
            }
            return "[" + s.dropFirst(hangingIndent.count) + "]"
        }
        return recurse(0, 0, nextLinePrefix, lineWidth)
    }
}

extension String {
    /// The string without trailing spaces and newlines (Python's `rstrip()`).
    var trimmingTrailingWhitespace: String {
        var s = Substring(self)
        while let l = s.last, l == " " || l == "\n" { s = s.dropLast() }
        return String(s)
    }
}
