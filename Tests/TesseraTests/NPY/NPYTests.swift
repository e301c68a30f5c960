import Foundation
import Testing
@testable import Tessera
@testable import TesseraCore

/// A NumPy-written file from Data/npy_cases.json (scripts/testdata/npy_files.py).
struct NPYCase: CustomStringConvertible, Sendable {
    let file: String
    let dtype: DType
    let shape: [Int]
    let expected: [UInt8]
    let byteIdentical: Bool
    var description: String { file }

    static var root: [String: Any] { TestData.json("npy_cases.json") as! [String: Any] }

    /// Every readable file with its expected row-major little-endian bytes.
    static let readable: [NPYCase] = (root["readable"] as! [[String: Any]]).map { c in
        let dtype = DType(name: c["dtype"] as! String)!
        let values = c["values"] as! [Any]
        let bytes = HostValues.bytes(values, dtype: dtype)
        return NPYCase(file: c["file"] as! String, dtype: dtype, shape: c["shape"] as! [Int], expected: bytes,
                       byteIdentical: c["byteIdentical"] as! Bool)
    }

    /// Every malformed file with a fragment of the expected message.
    static let malformed: [(file: String, message: String)] = (root["malformed"] as! [[String: Any]]).map {
        ($0["file"] as! String, $0["message"] as! String)
    }
    static var malformedFiles: [String] { malformed.map(\.file) }
}

/// Bitwise equality of element bytes, except that any NaN matches any NaN of the same width.
private func sameElements(_ a: [UInt8], _ b: [UInt8], _ dtype: DType) -> Bool {
    guard a.count == b.count else { return false }
    if !dtype.isFloatingPoint { return a == b }
    let w = dtype.byteSize
    for i in stride(from: 0, to: a.count, by: w) where a[i..<(i + w)] != b[i..<(i + w)] {
        let x = a.withUnsafeBytes { RawElement.load($0.baseAddress! + i, dtype).asDouble }
        let y = b.withUnsafeBytes { RawElement.load($0.baseAddress! + i, dtype).asDouble }
        if !(x.isNaN && y.isNaN) { return false }
    }
    return true
}

@Suite("NPY")
struct NPYTests {
    func fileBytes(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: TestData.url(name))) }

    @Test("decodes files written by NumPy (versions 1-3, Fortran order, big-endian)", arguments: NPYCase.readable)
    func decodesNumPyFiles(_ c: NPYCase) throws {
        let (type, bytes) = try NPYFormat.decode(try fileBytes(c.file), context: c.file)
        #expect(type == ShapedType(c.shape, c.dtype))
        #expect(sameElements(bytes, c.expected, c.dtype), "\(c.file): elements differ")
    }

    @Test("encodes exactly the bytes np.save writes", arguments: NPYCase.readable.filter(\.byteIdentical))
    func encodesLikeNumPy(_ c: NPYCase) throws {
        let file = NPYFormat.encode(ShapedType(c.shape, c.dtype), c.expected)
        #expect(file == (try fileBytes(c.file)), "\(c.file)")
    }

    @Test("a malformed or truncated file throws an io error naming the problem", arguments: NPYCase.malformedFiles)
    func malformedFilesThrow(_ file: String) throws {
        let message = NPYCase.malformed.first { $0.file == file }!.message
        do {
            _ = try NPYFormat.decode(try fileBytes(file), context: file)
            Issue.record("\(file): decoded without error")
        } catch let e as TesseraError {
            #expect(e.kind == .io)
            #expect(e.message.contains(message), "\(file): \(e.message)")
            #expect(e.message.hasPrefix(file), "the message names the file: \(e.message)")
        }
    }

    @Test("a missing file throws an io error")
    func missingFile() {
        #expect(throws: TesseraError.self) { try Tensor(npyFile: "/nonexistent/dir/x.npy") }
    }

    @Test("Tensor(npyFile:) reads NumPy's files onto every backend", arguments: TestDevices.backendNames)
    func tensorFromFile(_ backend: String) throws {
        guard let device = TestDevices.device(backend) else { return }
        for c in NPYCase.readable where device.supports(c.dtype) {
            let t = try Tensor(npyFile: TestData.url(c.file), on: device)
            #expect(t.shape == c.shape && t.dtype == c.dtype, "\(c.file)")
            #expect(sameElements(try t.bytes(), c.expected, c.dtype), "\(backend): \(c.file)")
        }
    }

    @Test("save(npy:) then Tensor(npyFile:) round-trips every dtype", arguments: TestDevices.backendNames)
    func roundTrip(_ backend: String) throws {
        guard let device = TestDevices.device(backend) else { return }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tessera-npy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for c in NPYCase.readable where device.supports(c.dtype) {
            let t = Tensor(bytes: c.expected, type: ShapedType(c.shape, c.dtype), on: device)
            let url = dir.appendingPathComponent(c.file)
            try t.save(npy: url)
            if c.byteIdentical {
                #expect([UInt8](try Data(contentsOf: url)) == (try fileBytes(c.file)), "\(c.file): differs from np.save")
            }
            let back = try Tensor(npyFile: url.path, on: device)
            #expect(back.type == t.type.strong)
            #expect(sameElements(try back.bytes(), c.expected, c.dtype), "\(backend): \(c.file)")
        }
    }

    @Test("saving a literal scalar writes a 0-d array")
    func saveLiteral() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tessera-npy-\(UUID().uuidString).npy")
        defer { try? FileManager.default.removeItem(at: url) }
        try Tensor(Float(2.5)).save(npy: url)
        #expect([UInt8](try Data(contentsOf: url)) == (try fileBytes("npy_scalar_f32.npy")))
    }

    @Test("saving a failed computation throws its error")
    func saveFailed() {
        let e = TesseraError(.execution, "device lost")
        let t = Tensor(base: FailedArray(type: ShapedType([2], .float32), error: e))
        #expect(throws: e) { try t.save(npy: "/tmp/never-written.npy") }
    }
}
