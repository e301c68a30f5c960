import TesseraCore
import Foundation

/// The reference backend: every primitive in plain Swift on host memory. It is the
/// specification the other backends are tested against.
public final class ReferenceBackend: Backend, @unchecked Sendable {
    /// The process-wide instance.
    public static let shared = ReferenceBackend()

    public let name = "reference"
    public let availability = BackendAvailability.available
    public private(set) var devices: [Device] = []

    private init() {
        let caps = DeviceCapabilities(dtypes: Set(DType.allCases), maxBufferBytes: Int.max,
                                      computeUnits: 1, details: ["implementation": "plain Swift"])
        devices = [Device(backend: self, index: 0, name: "host (plain Swift)", kind: .cpu, capabilities: caps)]
    }

    public func upload(_ bytes: UnsafeRawBufferPointer, type: ShapedType, to device: Device) throws -> any DeviceBuffer {
        throw TesseraError(.unsupported, "reference: not yet implemented")
    }
    public func download(_ buffer: any DeviceBuffer, type: ShapedType, into destination: UnsafeMutableRawBufferPointer) throws {
        throw TesseraError(.unsupported, "reference: not yet implemented")
    }
    public func waitUntilReady(_ buffer: any DeviceBuffer) throws {}
    public func execute(_ primitive: Primitive, inputs: [any DeviceBuffer], inputTypes: [ShapedType],
                        outputTypes: [ShapedType], on device: Device) throws -> [any DeviceBuffer] {
        throw TesseraError(.unsupported, "reference: not yet implemented")
    }
    public func synchronize(_ device: Device) throws {}
}
