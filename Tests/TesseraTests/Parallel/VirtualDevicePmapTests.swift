import Foundation
import Testing
@testable import BLASBackend
@testable import Tessera

/// pmap over 1, 2 and 4 virtual CPU devices. The CPU split is fixed once the BLAS devices
/// are used, so each case runs in its own child process (an exit test) that splits the CPU
/// first, through `Tessera.configure(cpuDevices:)` or `TESSERA_CPU_DEVICES`, then runs
/// every pmap check on the BLAS devices (and, for 2, on every device of every backend),
/// prints what did not match and exits normally; the parent records each printed failure
/// (a child that stops early exits with failure, which fails the test too).
@Suite("pmap over virtual CPU devices")
struct VirtualDevicePmapTests {
    /// The prefix of each failure line a child prints.
    static let failurePrefix = "pmap check failed: "

    /// Runs in the child: splits the CPU into `n` devices, checks, exits.
    static func checkChild(cpuDevices n: Int, everyBackend: Bool, viaEnvironment: Bool = false) -> Never {
        var failures: [String] = []
        do {
            if viaEnvironment {
                setenv("TESSERA_CPU_DEVICES", "\(n)", 1)
                setenv("TESSERA_BACKEND", "blas", 1)
            } else {
                try Tessera.configure(backends: ["blas"], cpuDevices: n)
            }
        } catch {
            failures.append("configure: \(error)")
        }
        let blas = Device.default.backend.devices
        if blas.map(\.id) != (0..<n).map({ "blas:\($0)" }) { failures.append("the BLAS devices are \(blas.map(\.id))") }
        let threads = Swift.max(1, ProcessInfo.processInfo.activeProcessorCount / n)
        for d in blas where d.capabilities.computeUnits != threads {
            failures.append("\(d.id) has \(d.capabilities.computeUnits ?? 0) threads, expected \(threads)")
        }
        // Between virtual devices a tensor moves without a host copy: the buffer is shared,
        // so collectives among them combine on a device.
        if n >= 2 {
            let x = Tensor([1, 2, 3] as [Float]).to(blas[0])
            let y = x.to(blas[n - 1])
            if let a = x.base as? DeviceArray, let b = y.base as? DeviceArray {
                if a.buffer !== b.buffer { failures.append("moving blas:0 -> \(blas[n - 1].id) copied the buffer") }
                if b.device !== blas[n - 1] { failures.append("the moved tensor is on \(b.device.id)") }
            } else {
                failures.append("moved tensors are not device arrays")
            }
        }
        // pmap without a device list spans every device of the default backend.
        let f: @Sendable (Tensor) -> Tensor = { x in x * 3 + 1 }
        failures += PmapChecks.compare(pmap(f)(PmapChecks.rows(n, 2)), vmap(f)(PmapChecks.rows(n, 2)), "pmap over default devices")
        failures += PmapChecks.all(blas)
        if everyBackend {
            let all = Device.all
            if all.filter({ $0.backend.name == "blas" }).count != n { failures.append("Device.all is \(all.map(\.id))") }
            failures += PmapChecks.all(all)
        }
        for line in failures { FileHandle.standardError.write(Data((failurePrefix + line + "\n").utf8)) }
        exit(0)
    }

    /// Records each failure line of a child's standard error.
    static func report(_ result: ExitTest.Result?) {
        guard let result else { return }
        let text = String(decoding: result.standardErrorContent, as: UTF8.self)
        for line in text.split(separator: "\n") where line.hasPrefix(failurePrefix) {
            Issue.record("\(line.dropFirst(failurePrefix.count))")
        }
    }

    @Test func oneDevice() async {
        let r = await #expect(processExitsWith: .success, observing: [\.standardErrorContent]) {
            VirtualDevicePmapTests.checkChild(cpuDevices: 1, everyBackend: false)
        }
        Self.report(r)
    }

    @Test func twoDevicesAndEveryBackend() async {
        let r = await #expect(processExitsWith: .success, observing: [\.standardErrorContent]) {
            VirtualDevicePmapTests.checkChild(cpuDevices: 2, everyBackend: true)
        }
        Self.report(r)
    }

    @Test func fourDevices() async {
        let r = await #expect(processExitsWith: .success, observing: [\.standardErrorContent]) {
            VirtualDevicePmapTests.checkChild(cpuDevices: 4, everyBackend: false)
        }
        Self.report(r)
    }

    @Test func threeDevicesFromTheEnvironment() async {
        let r = await #expect(processExitsWith: .success, observing: [\.standardErrorContent]) {
            VirtualDevicePmapTests.checkChild(cpuDevices: 3, everyBackend: false, viaEnvironment: true)
        }
        Self.report(r)
    }

    @Test func cpuSplitIsFixedOnceUsed() throws {
        let count = BLASBackend.shared.devices.count
        try Tessera.configure(cpuDevices: count)   // the same split again: harmless
        do {
            try Tessera.configure(cpuDevices: count + 1)
            Issue.record("changing the CPU split after use did not throw")
        } catch let e as TesseraError {
            #expect(e.kind == .configuration)
            #expect(e.message.contains("already split into \(count) virtual device(s)"), "\(e.message)")
            #expect(e.message.contains("TESSERA_CPU_DEVICES=\(count + 1)"), "\(e.message)")
        }
        #expect(BLASBackend.shared.devices.count == count)
        do {
            try Tessera.configure(cpuDevices: 0)
            Issue.record("cpuDevices: 0 did not throw")
        } catch let e as TesseraError {
            #expect(e.kind == .invalidArgument)
            #expect(e.message.contains("at least 1, got 0"))
        }
    }

    @Test func unknownBackendInTheEnvironmentStops() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            setenv("TESSERA_BACKEND", "cuda,blas", 1)
            _ = Device.default
        } .map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("TESSERA_BACKEND names unknown backend 'cuda'; known backends: "), "\(text)")
            #expect(text.contains("blas [blas:0"), "\(text)")
        }
    }
}
