import Foundation
import Testing
@testable import Tessera
@testable import TesseraCore

/// One NumPy printing case from Data/printing_cases.json (scripts/testdata/printing_cases.py).
struct PrintingCase: CustomStringConvertible, Sendable {
    let name: String
    let dtype: DType
    let shape: [Int]
    let bytes: [UInt8]
    let str: String
    let repr: String
    var description: String { name }

    /// Every case in the data file.
    static let all: [PrintingCase] = {
        let root = TestData.json("printing_cases.json") as! [String: Any]
        return (root["cases"] as! [[String: Any]]).map { c in
            let dtype = DType(name: c["dtype"] as! String)!
            let shape = c["shape"] as! [Int]
            let values = c["values"] as! [Any]
            let bytes = HostValues.bytes(values, dtype: dtype)
            return PrintingCase(name: c["name"] as! String, dtype: dtype, shape: shape, bytes: bytes,
                                str: c["str"] as! String, repr: c["repr"] as! String)
        }
    }()
}

@Suite("Printing")
struct PrintingTests {
    @Test("str() matches NumPy on host data", arguments: PrintingCase.all)
    func strMatchesNumPy(_ c: PrintingCase) {
        let f = ArrayFormatter(shape: c.shape, dtype: c.dtype, bytes: c.bytes)
        #expect(f.str() == c.str, "\(c.name)")
    }

    @Test("repr matches NumPy's array2string", arguments: PrintingCase.all)
    func reprMatchesNumPy(_ c: PrintingCase) {
        let f = ArrayFormatter(shape: c.shape, dtype: c.dtype, bytes: c.bytes)
        #expect(f.repr(weak: false) == c.repr, "\(c.name)")
    }

    @Test("Tensor.description and debugDescription read the value on every backend",
          arguments: TestDevices.backendNames)
    func tensorDescription(_ backend: String) throws {
        guard let device = TestDevices.device(backend) else { return }
        for c in PrintingCase.all where device.supports(c.dtype) {
            let t = Tensor(bytes: c.bytes, type: ShapedType(c.shape, c.dtype), on: device)
            #expect(t.description == c.str, "\(backend): \(c.name)")
            #expect(t.debugDescription == c.repr, "\(backend): \(c.name)")
        }
    }

    @Test("print(Tensor.arange(10)) prints [0 1 2 3 4 5 6 7 8 9]")
    func arangePrints() {
        let t = Lax.iota(.int32, shape: [10])
        #expect("\(t)" == "[0 1 2 3 4 5 6 7 8 9]")
        #expect(String(reflecting: t) == "Tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], dtype=int32)")
    }

    @Test("literals print as NumPy scalars, weak ones say so in the repr")
    func literals() {
        let weak: Tensor = 2.5
        #expect(weak.description == "2.5")
        #expect(weak.debugDescription == "Tensor(2.5, dtype=float32, weak_type=True)")
        #expect(Tensor(Int32(7)).description == "7")
        #expect(Tensor(true).description == "True")
        #expect(Tensor(Float(1e-5)).description == "1e-05")
        #expect(Tensor(Double(1.0)).debugDescription == "Tensor(1., dtype=float64)")
    }

    @Test("a tracer prints its abstract type instead of waiting for a value")
    func tracerPrintsType() {
        var printed = ""
        _ = traceToJaxpr(name: "jit", inTypes: [ShapedType([3], .float32)]) { args in
            printed = args[0].description
            return args
        }
        #expect(printed.hasPrefix("Traced<f32[3]>"), "\(printed)")
    }

    @Test("printing a large constant while jit traces reads it without staging operations")
    func printConstantUnderJit() {
        let big = Lax.iota(.int32, shape: [2000])
        var printed = ""
        let closed = traceToJaxpr(name: "jit", inTypes: [ShapedType([3], .float32)]) { args in
            printed = big.description
            return args
        }
        #expect(printed == "[   0    1    2 ... 1997 1998 1999]")
        #expect(closed.jaxpr.equations.isEmpty)
    }

    @Test("a failed computation prints its error")
    func failedPrintsError() {
        let e = TesseraError(.execution, "device lost")
        let t = Tensor(base: FailedArray(type: ShapedType([2], .float32), error: e))
        #expect(t.description.contains("device lost"))
    }
}
