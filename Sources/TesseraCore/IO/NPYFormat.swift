/// Reading and writing NumPy's `.npy` format (versions 1.0, 2.0 and 3.0) on host bytes.
///
/// Layout: the magic `\x93NUMPY`, a major and minor version byte, the header length
/// (2 bytes little-endian in 1.0, 4 bytes in 2.0 and 3.0), the header dict padded with
/// spaces and a newline so the data starts at a multiple of 64 bytes, then the elements.
enum NPYFormat {
    /// The six magic bytes.
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
    /// Data alignment NumPy pads headers to.
    static let alignment = 64

    /// Decodes a whole `.npy` file into its type and row-major little-endian element bytes.
    /// A Fortran-order file is transposed into row-major order; a big-endian one is swapped.
    /// `context` (the path) prefixes error messages.
    static func decode(_ file: [UInt8], context: String) throws -> (ShapedType, [UInt8]) {
        guard file.count >= 10 else {
            throw TesseraError(.io, "\(context): not a .npy file: only \(file.count) bytes, shorter than the 10-byte preamble")
        }
        guard Array(file[0..<6]) == magic else {
            let found = file[0..<6].map { b in (0x20..<0x7f).contains(b) ? String(UnicodeScalar(b)) : "\\x" + String(b, radix: 16) }.joined()
            throw TesseraError(.io, "\(context): not a .npy file: bad magic string '\(found)' (expected '\\x93NUMPY')")
        }
        let major = file[6], minor = file[7]
        let headerLength: Int, headerStart: Int
        switch major {
        case 1:
            headerLength = Int(file[8]) | Int(file[9]) << 8
            headerStart = 10
        case 2, 3:
            guard file.count >= 12 else {
                throw TesseraError(.io, "\(context): truncated .npy preamble: version \(major).\(minor) needs 12 bytes, got \(file.count)")
            }
            headerLength = Int(file[8]) | Int(file[9]) << 8 | Int(file[10]) << 16 | Int(file[11]) << 24
            headerStart = 12
        default:
            throw TesseraError(.io, "\(context): unsupported .npy format version \(major).\(minor) (Tessera reads 1.0, 2.0 and 3.0)")
        }
        guard file.count >= headerStart + headerLength else {
            throw TesseraError(.io, "\(context): truncated header: expected \(headerLength) header bytes, got \(file.count - headerStart)")
        }
        let headerBytes = file[headerStart..<(headerStart + headerLength)]
        let text: String
        if major == 3 {
            guard let t = String(validating: headerBytes, as: UTF8.self) else {
                throw TesseraError(.io, "\(context): malformed .npy header: not valid UTF-8")
            }
            text = t
        } else {
            guard headerBytes.allSatisfy({ $0 < 0x80 }) else {
                throw TesseraError(.io, "\(context): malformed .npy header: version \(major).0 headers must be ASCII")
            }
            text = String(decoding: headerBytes, as: UTF8.self)
        }
        let header = try NPYHeader.parse(text, context: context)
        let type = ShapedType(header.shape, header.dtype)
        let dataStart = headerStart + headerLength
        let available = file.count - dataStart
        guard available >= type.byteCount else {
            throw TesseraError(.io, "\(context): truncated data: expected \(type.byteCount) bytes for \(header.dtype)\(shapeString(header.shape)), got \(available)")
        }
        var data = Array(file[dataStart..<(dataStart + type.byteCount)])
        if header.bigEndian { swapBytes(&data, width: header.dtype.byteSize) }
        if header.dtype == .bool, let bad = data.first(where: { $0 > 1 }) {
            throw TesseraError(.io, "\(context): malformed bool data: byte \(bad) is neither 0 nor 1")
        }
        if header.fortranOrder && header.shape.count > 1 {
            data = transposeReversingAxes(data, columnMajorShape: header.shape, elementSize: header.dtype.byteSize)
        }
        return (type, data)
    }

    /// Encodes row-major little-endian element bytes as a version 1.0 `.npy` file, exactly
    /// as `np.save` writes it.
    static func encode(_ type: ShapedType, _ data: [UInt8]) -> [UInt8] {
        let header = NPYHeader(dtype: type.dtype, bigEndian: false, fortranOrder: false, shape: type.shape)
        var text = Array(header.dictText.utf8)
        let unpadded = magic.count + 2 + 2 + text.count + 1
        let padding = (alignment - unpadded % alignment) % alignment
        text += [UInt8](repeating: 0x20, count: padding) + [0x0A]
        var out = magic + [1, 0, UInt8(text.count & 0xFF), UInt8(text.count >> 8)]
        out += text
        out += data
        return out
    }

    /// Reverses the byte order of every `width`-byte element.
    static func swapBytes(_ data: inout [UInt8], width: Int) {
        guard width > 1 else { return }
        for start in stride(from: 0, to: data.count, by: width) { data[start..<(start + width)].reverse() }
    }

    /// Row-major bytes of an array whose elements are stored column-major for `shape`
    /// (Fortran order). Walks the row-major index like an odometer, keeping the
    /// column-major source offset up to date incrementally.
    static func transposeReversingAxes(_ data: [UInt8], columnMajorShape shape: [Int], elementSize: Int) -> [UInt8] {
        let count = shape.reduce(1, *)
        var out = [UInt8](repeating: 0, count: data.count)
        guard count > 0 else { return out }
        // Column-major strides (in elements): the first axis varies fastest.
        var fStrides = [Int](repeating: 1, count: shape.count)
        for k in 1..<shape.count { fStrides[k] = fStrides[k - 1] * shape[k - 1] }
        var index = [Int](repeating: 0, count: shape.count)
        var src = 0
        data.withUnsafeBytes { input in
            out.withUnsafeMutableBytes { output in
                for flat in 0..<count {
                    (output.baseAddress! + flat * elementSize)
                        .copyMemory(from: input.baseAddress! + src * elementSize, byteCount: elementSize)
                    var k = shape.count - 1
                    while k >= 0 {
                        index[k] += 1
                        src += fStrides[k]
                        if index[k] < shape[k] { break }
                        src -= shape[k] * fStrides[k]
                        index[k] = 0
                        k -= 1
                    }
                }
            }
        }
        return out
    }
}
