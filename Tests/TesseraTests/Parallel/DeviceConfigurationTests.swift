import Testing
@testable import Tessera

/// Backend selection (TESSERA_BACKEND / Tessera.configure) on a private device manager, so
/// the process-wide default is not disturbed for other tests.
@Suite("Device manager: selection and placement")
struct DeviceConfigurationTests {
    func manager() -> DeviceManager {
        let m = DeviceManager()
        for b in DeviceManager.shared.backends { m.register(b) }
        return m
    }

    @Test func listsEveryAvailableDevice() {
        let all = Device.all
        #expect(all.contains { $0.id == "reference:0" })
        for d in all {
            #expect(d.description.hasPrefix("\(d.backend.name):\(d.index) ("))
            #expect(d.backend.availability == .available)
        }
    }

    @Test func priorityListPicksFirstWorkingBackend() throws {
        let m = manager()
        try m.configure(backends: ["reference"])
        #expect(m.defaultDevice.id == "reference:0")
        let names = DeviceManager.shared.backends.map(\.name)
        try m.configure(backends: names.reversed())
        let firstAvailable = names.reversed().first { n in m.device(backend: n) != nil }
        #expect(m.defaultDevice.backend.name == firstAvailable)
    }

    @Test func unknownBackendListsWhatIsAvailable() {
        let m = manager()
        do {
            try m.configure(backends: ["cuda"])
            Issue.record("configure(backends: [\"cuda\"]) did not throw")
        } catch let e as TesseraError {
            #expect(e.kind == .configuration)
            #expect(e.message.contains("unknown backend 'cuda'"))
            #expect(e.message.contains("reference [reference:0"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func unavailableBackendSaysWhy() {
        let m = DeviceManager()
        m.register(UnavailableBackend())
        m.register(DeviceManager.shared.backends.first { $0.name == "reference" }!)
        do {
            try m.configure(backends: ["phantom"])
            Issue.record("configuring an unavailable backend did not throw")
        } catch let e as TesseraError {
            #expect(e.kind == .unavailable)
            #expect(e.message.contains("phantom (unavailable: no phantom device on this machine)"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func mixingDevicesStops() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let phantom = Device(backend: DeviceManager.shared.backends[0], index: 7, name: "other", kind: .cpu,
                                 capabilities: DeviceCapabilities(dtypes: [.float32], maxBufferBytes: 1 << 30))
            // Two non-scalar tensors that claim different devices.
            let a = Tensor([1, 2] as [Float]).to(Device.default)
            let b = Tensor(base: DeviceArray(type: a.type, device: phantom, buffer: (a.base as! DeviceArray).buffer))
            _ = a + b
        } .map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("operands are on different devices"))
            #expect(text.contains("x.to(device)"))
        }
    }

    @Test func uncommittedArraysFollowCommittedOperands() {
        for d in Device.all {
            let committed = Tensor([1, 2] as [Float]).to(d)
            let loose = Tensor([3, 4] as [Float])          // made without a device: uncommitted
            let sum = committed + loose + Tensor.arange(2).asType(.float32)
            #expect(sum.device === d)
            #expect((sum.base as? DeviceArray)?.committed == true)
            #expect(sum.asArray(Float.self) == [4, 7])
            #expect(((loose + loose).base as? DeviceArray)?.committed == false)
        }
    }

    @Test func movingBetweenDevicesKeepsValues() {
        let x = Tensor([1, 2, 3] as [Float])
        for d in Device.all {
            let y = x.to(d)
            #expect(y.device === d)
            #expect(y.asArray(Float.self) == [1, 2, 3])
        }
    }
}

/// A backend that never finds a device.
final class UnavailableBackend: Backend, @unchecked Sendable {
    let name = "phantom"
    let availability = BackendAvailability.unavailable(reason: "no phantom device on this machine")
    let devices: [Device] = []
    func upload(_ bytes: UnsafeRawBufferPointer, type: ShapedType, to device: Device) throws -> any DeviceBuffer {
        throw TesseraError(.unavailable, "phantom has no device")
    }
    func download(_ buffer: any DeviceBuffer, type: ShapedType, into destination: UnsafeMutableRawBufferPointer) throws {
        throw TesseraError(.unavailable, "phantom has no device")
    }
    func waitUntilReady(_ buffer: any DeviceBuffer) throws {}
    func execute(_ primitive: Primitive, inputs: [any DeviceBuffer], inputTypes: [ShapedType],
                 outputTypes: [ShapedType], on device: Device) throws -> [any DeviceBuffer] {
        throw TesseraError(.unavailable, "phantom has no device")
    }
    func synchronize(_ device: Device) throws {}
}
