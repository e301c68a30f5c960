/// An environment or device error: an unknown backend, a device out of memory, a kernel
/// that fails to compile, an error raised while a queued operation ran, a malformed file.
///
/// Programmer errors (shape mismatches, bad axes) are not thrown: they stop the program
/// with a message (see `usageError`).
public struct TesseraError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What kind of failure.
    public enum Kind: String, Sendable, Equatable {
        case configuration, unavailable, outOfMemory, compilation, execution, unsupported, io, invalidArgument
    }
    /// The kind.
    public let kind: Kind
    /// The full message: which device, what failed, what to change.
    public let message: String

    /// Creates an error.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "TesseraError.\(kind.rawValue): \(message)" }
}

/// Stops the program for a programmer error with a message naming the operation.
///
/// Messages say what was wrong and what to do instead, e.g.
/// `add: operands could not be broadcast together with shapes (2,3) (4,)`.
public func usageError(_ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line) -> Never {
    fatalError("Tessera: " + message(), file: file, line: line)
}
