/// The header of a NumPy `.npy` file: element type, memory order and shape.
///
/// The header is a Python dict literal such as
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`.
struct NPYHeader: Equatable {
    /// Element type.
    var dtype: DType
    /// Whether the bytes are big-endian (`>` in the descr) and must be swapped.
    var bigEndian: Bool
    /// Whether the data is stored in column-major (Fortran) order.
    var fortranOrder: Bool
    /// The array's shape.
    var shape: [Int]

    /// The `descr` NumPy writes for a little-endian `dtype`.
    static func descr(_ dtype: DType) -> String {
        switch dtype {
        case .bool: return "|b1"
        case .int32: return "<i4"
        case .int64: return "<i8"
        case .uint32: return "<u4"
        case .float16: return "<f2"
        case .float32: return "<f4"
        case .float64: return "<f8"
        }
    }

    /// The header dict text NumPy's `np.save` writes (before padding).
    var dictText: String {
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        return "{'descr': '\(NPYHeader.descr(dtype))', 'fortran_order': \(fortranOrder ? "True" : "False"), 'shape': \(shapeText), }"
    }

    /// Parses the header dict text; `context` names the file in errors.
    static func parse(_ text: String, context: String) throws -> NPYHeader {
        var parser = PythonLiteralParser(text: text)
        let fail = { (why: String) in TesseraError(.io, "\(context): malformed .npy header (\(why)): \(text.trimmingTrailingWhitespace)") }
        let value: PythonLiteral
        do { value = try parser.parseValue() } catch let e as PythonLiteralParser.Failure { throw fail(e.reason) }
        guard case .dict(let entries) = value else { throw fail("not a dict") }
        guard case .string(let descr)? = entries["descr"] else {
            if case .list? = entries["descr"] {
                throw TesseraError(.io, "\(context): unsupported dtype: structured arrays (record dtypes) cannot be read as a tensor")
            }
            throw fail("no 'descr' string")
        }
        guard case .bool(let fortran)? = entries["fortran_order"] else { throw fail("no 'fortran_order' True/False") }
        guard case .tuple(let items)? = entries["shape"] else { throw fail("no 'shape' tuple") }
        var shape: [Int] = []
        for item in items {
            guard case .int(let n) = item, n >= 0 else { throw fail("shape entries must be non-negative integers") }
            shape.append(n)
        }
        let (dtype, bigEndian) = try dtypeFromDescr(descr, context: context)
        return NPYHeader(dtype: dtype, bigEndian: bigEndian, fortranOrder: fortran, shape: shape)
    }

    /// Maps a NumPy type string (`<f4`, `|b1`, `>i8`) to a dtype and byte order.
    static func dtypeFromDescr(_ descr: String, context: String) throws -> (DType, Bool) {
        guard descr.count >= 3, let order = descr.first, "<>|=".contains(order) else {
            throw TesseraError(.io, "\(context): malformed .npy header: dtype descr '\(descr)' is not a NumPy type string")
        }
        let code = String(descr.dropFirst())
        let table: [String: DType] = ["b1": .bool, "i4": .int32, "i8": .int64, "u4": .uint32,
                                      "f2": .float16, "f4": .float32, "f8": .float64]
        guard let dtype = table[code] else {
            let names = ["i1": "int8", "i2": "int16", "u1": "uint8", "u2": "uint16", "u8": "uint64",
                         "c8": "complex64", "c16": "complex128", "f16": "float128", "c32": "complex256",
                         "O": "object", "V": "void", "M8": "datetime64", "m8": "timedelta64"]
            let base = code.prefix { $0.isLetter || $0.isNumber }
            let name = names[String(base)] ?? (code.first == "U" ? "str" : code.first == "S" ? "bytes" : code)
            throw TesseraError(.io, "\(context): unsupported dtype '\(name)' (descr '\(descr)'); Tessera reads bool, int32, int64, uint32, float16, float32 and float64")
        }
        return (dtype, order == ">" && dtype.byteSize > 1)
    }
}

/// A value of the Python literal subset `.npy` headers use.
indirect enum PythonLiteral: Equatable {
    case string(String), int(Int), bool(Bool), none
    case tuple([PythonLiteral]), list([PythonLiteral])
    case dict([String: PythonLiteral])
}

/// A small parser for the Python literals found in `.npy` headers.
struct PythonLiteralParser {
    struct Failure: Error { let reason: String }
    private let chars: [Character]
    private var i = 0

    init(text: String) { chars = Array(text) }

    private mutating func skipSpace() { while i < chars.count, chars[i].isWhitespace { i += 1 } }

    private mutating func expect(_ c: Character) throws {
        skipSpace()
        guard i < chars.count, chars[i] == c else { throw Failure(reason: "expected '\(c)' at offset \(i)") }
        i += 1
    }

    /// Parses one value.
    mutating func parseValue() throws -> PythonLiteral {
        skipSpace()
        guard i < chars.count else { throw Failure(reason: "unexpected end") }
        let c = chars[i]
        switch c {
        case "{":
            i += 1
            var d: [String: PythonLiteral] = [:]
            while true {
                skipSpace()
                if i < chars.count, chars[i] == "}" { i += 1; return .dict(d) }
                guard case .string(let key) = try parseValue() else { throw Failure(reason: "dict keys must be strings") }
                try expect(":")
                d[key] = try parseValue()
                skipSpace()
                if i < chars.count, chars[i] == "," { i += 1 } else { try expect("}"); return .dict(d) }
            }
        case "(", "[":
            let close: Character = c == "(" ? ")" : "]"
            i += 1
            var items: [PythonLiteral] = []
            while true {
                skipSpace()
                if i < chars.count, chars[i] == close { i += 1; break }
                items.append(try parseValue())
                skipSpace()
                if i < chars.count, chars[i] == "," { i += 1 } else { try expect(close); break }
            }
            return c == "(" ? .tuple(items) : .list(items)
        case "'", "\"":
            i += 1
            var s = ""
            while i < chars.count, chars[i] != c { s.append(chars[i]); i += 1 }
            guard i < chars.count else { throw Failure(reason: "unterminated string") }
            i += 1
            return .string(s)
        default:
            var word = ""
            while i < chars.count, chars[i].isLetter || chars[i].isNumber || chars[i] == "-" || chars[i] == "_" {
                word.append(chars[i]); i += 1
            }
            switch word {
            case "True": return .bool(true)
            case "False": return .bool(false)
            case "None": return .none
            default:
                let digits = word.hasSuffix("L") ? String(word.dropLast()) : word
                if let n = Int(digits) { return .int(n) }
                throw Failure(reason: word.isEmpty ? "unexpected '\(c)' at offset \(i)" : "unexpected '\(word)'")
            }
        }
    }
}
