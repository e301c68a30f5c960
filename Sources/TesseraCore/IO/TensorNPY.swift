import Foundation

extension Tensor {
    /// Reads a NumPy `.npy` file (bool, int32, int64, uint32, float16, float32, float64;
    /// C or Fortran order; format versions 1.0, 2.0 and 3.0) onto `device` (default device).
    ///
    /// ```swift
    /// let x = try Tensor(npyFile: URL(fileURLWithPath: "x.npy"))
    /// ```
    /// Throws `TesseraError(.io, ...)` naming the problem for a missing, malformed or
    /// truncated file, or an unsupported dtype.
    public init(npyFile url: URL, on device: Device? = nil) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw TesseraError(.io, "\(url.path): cannot read file: \(error.localizedDescription)")
        }
        let (type, bytes) = try NPYFormat.decode([UInt8](data), context: url.path)
        self.init(bytes: bytes, type: type, on: device)
    }

    /// Reads a NumPy `.npy` file at `path`; see `init(npyFile:on:)` for URLs.
    public init(npyFile path: String, on device: Device? = nil) throws {
        try self.init(npyFile: URL(fileURLWithPath: path), on: device)
    }

    /// Writes the value (waiting for it) as a NumPy `.npy` file, format version 1.0,
    /// C order, byte-identical to `np.save`.
    ///
    /// ```swift
    /// try Tensor.arange(3).save(npy: URL(fileURLWithPath: "a.npy"))   // np.load gives array([0, 1, 2], dtype=int32)
    /// ```
    /// Throws the device error if computing the value failed, or `TesseraError(.io, ...)`
    /// if the file cannot be written.
    public func save(npy url: URL) throws {
        let file = NPYFormat.encode(type.strong, try bytes())
        do { try Data(file).write(to: url) } catch {
            throw TesseraError(.io, "\(url.path): cannot write file: \(error.localizedDescription)")
        }
    }

    /// Writes the value as a `.npy` file at `path`; see `save(npy:)` for URLs.
    public func save(npy path: String) throws {
        try save(npy: URL(fileURLWithPath: path))
    }
}
