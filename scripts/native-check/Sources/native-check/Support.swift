struct CheckError: Error, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

func report(_ library: String, _ line: String) {
    print("[\(library)] \(line)")
}

func ms(_ d: Duration) -> String {
    let c = d.components
    let v = Double(c.seconds) * 1e3 + Double(c.attoseconds) / 1e15
    return v < 10 ? "\((v * 100).rounded() / 100) ms" : "\(Int(v.rounded())) ms"
}

/// A fixed-size C char array (imported as a tuple) to String.
func string<T>(fromCTuple tuple: T) -> String {
    withUnsafeBytes(of: tuple) { raw in
        let bytes = raw.prefix { $0 != 0 }
        return String(decoding: bytes, as: UTF8.self)
    }
}
