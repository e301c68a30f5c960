import Foundation
import Testing
@testable import Tessera

/// Runs the JSON cases made by scripts/testdata/api_*.py: builds the arguments (arrays or
/// weak Swift literals), applies the API function named by "op", and compares dtype,
/// shape, weak type and values with JAX's.
struct APICase {
    let op: String
    let args: [Tensor]
    let params: [String: Any]
    let out: [String: Any]?
    let outs: [[String: Any]]?
    let weak: Bool?
    let label: String

    /// Every case of a data file, with array arguments placed on `device`.
    static func load(_ file: String, on device: Device) -> [APICase] {
        let root = TestData.json(file) as! [String: Any]
        return (root["cases"] as! [[String: Any]]).enumerated().map { i, c in
            let args = (c["args"] as! [[String: Any]]).map { tensor($0, on: device) }
            let argText = (c["args"] as! [[String: Any]]).map(describe).joined(separator: ", ")
            return APICase(op: c["op"] as! String, args: args, params: c["params"] as? [String: Any] ?? [:],
                           out: c["out"] as? [String: Any], outs: c["outs"] as? [[String: Any]], weak: c["weak"] as? Bool,
                           label: "\(device.backend.name): \(file)#\(i) \(c["op"]!)(\(argText))")
        }
    }

    /// A tensor from an encoded array, or a weak literal.
    static func tensor(_ a: [String: Any], on device: Device) -> Tensor {
        if let lit = a["literal"] {
            if a["int"] as? Bool == true { return Tensor(integerLiteral: lit as! Int) }
            return Tensor(floatLiteral: TestData.double(lit))
        }
        let dtype = DType(name: a["dtype"] as! String)!
        let shape = a["shape"] as! [Int]
        let data = a["data"] as! [Any]
        if dtype == .int64 || dtype == .uint32 {
            return Tensor(data.map { Int64(TestData.double($0)) }, shape: shape, dtype: dtype, on: device)
        }
        return Tensor(TestData.doubles(data), shape: shape, dtype: dtype, on: device)
    }

    static func describe(_ a: [String: Any]) -> String {
        if let lit = a["literal"] { return "literal \(lit)" }
        return "\(a["dtype"]!)\(shapeString(a["shape"] as! [Int]))"
    }

    /// Expects `result` to match the encoded array `expected`.
    static func check(_ result: Tensor, _ expected: [String: Any], weak: Bool?, _ label: String,
                      sourceLocation: SourceLocation = #_sourceLocation) {
        let dtype = DType(name: expected["dtype"] as! String)!
        let shape = expected["shape"] as! [Int]
        #expect(result.dtype == dtype, "\(label): dtype \(result.dtype), expected \(dtype)", sourceLocation: sourceLocation)
        #expect(result.shape == shape, "\(label): shape \(result.shape), expected \(shape)", sourceLocation: sourceLocation)
        if let weak {
            #expect(result.isWeaklyTyped == weak, "\(label): weak type \(result.isWeaklyTyped), expected \(weak)", sourceLocation: sourceLocation)
        }
        guard result.shape == shape else { return }
        let want = TestData.doubles(expected["data"]!)
        let got = result.asArray(Double.self)
        let (rtol, atol): (Double, Double)
        switch dtype {
        case .float16: (rtol, atol) = (2e-3, 1e-3)
        case .float32: (rtol, atol) = (2e-6, 1e-6)
        case .float64: (rtol, atol) = (1e-12, 1e-12)
        case .bool, .int32, .int64, .uint32: (rtol, atol) = (0, 0)
        }
        expectClose(got, want, rtol: rtol, atol: atol, label, sourceLocation: sourceLocation)
    }

    /// Runs every case of `file` on the first device of `backend` (array arguments live
    /// there; functions without tensor arguments, such as `arange`, use the default device)
    /// through `apply`. A backend without a device prints "skipped: no device". Cases whose
    /// op `apply` does not know are recorded as failures so that no generated case goes
    /// untested.
    static func runAll(_ file: String, backend: String, sourceLocation: SourceLocation = #_sourceLocation,
                       _ apply: (APICase) -> [Tensor]?) {
        guard let device = TestDevices.device(backend) else { return }
        runAll(file, on: device, sourceLocation: sourceLocation, apply)
    }

    /// Runs every case of `file` with its array arguments on `device`.
    static func runAll(_ file: String, on device: Device, sourceLocation: SourceLocation = #_sourceLocation,
                       _ apply: (APICase) -> [Tensor]?) {
        let cases = load(file, on: device)
        #expect(!cases.isEmpty, "\(file) has no cases", sourceLocation: sourceLocation)
        var unsupported = 0
        for c in cases {
            // A dtype the device lacks (float16 without cl_khr_fp16) is an error there by design
            // (tested by the backend's own tests), not a result to compare: skip and count.
            let outDTypes = ([c.out] + (c.outs ?? []).map { Optional($0) }).compactMap { $0?["dtype"] as? String }
                .compactMap { DType(name: $0) }
            if (c.args.map(\.dtype) + outDTypes).contains(where: { !device.supports($0) }) {
                unsupported += 1
                continue
            }
            guard let results = apply(c) else {
                Issue.record("\(c.label): unknown op", sourceLocation: sourceLocation)
                continue
            }
            if let out = c.out {
                check(results[0], out, weak: c.weak, c.label, sourceLocation: sourceLocation)
            } else if let outs = c.outs {
                #expect(results.count == outs.count, "\(c.label): \(results.count) results, expected \(outs.count)", sourceLocation: sourceLocation)
                for (r, o) in zip(results, outs) { check(r, o, weak: nil, c.label, sourceLocation: sourceLocation) }
            }
        }
        if unsupported > 0 {
            print("\(file) on \(device.id): skipped \(unsupported) of \(cases.count) cases with a dtype the device lacks")
        }
    }

    func int(_ key: String) -> Int { params[key] as! Int }
    func ints(_ key: String) -> [Int] { params[key] as! [Int] }
    func optionalInts(_ key: String) -> [Int]? { params[key] as? [Int] }
    func bool(_ key: String) -> Bool { params[key] as? Bool ?? false }
}
