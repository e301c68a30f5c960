import Testing
@testable import Tessera

/// pmap over the devices of the default backend, over explicit device lists (including
/// the same device listed twice, which exercises collectives with several participants
/// on any machine), and over every device of every backend.
@Suite("pmap and collectives")
struct PmapTests {
    /// Every device of every available backend, and the reference device twice.
    static var deviceLists: [[Device]] {
        var lists = [Device.all, [TestDevices.reference, TestDevices.reference]]
        if Device.all.count == 1 { lists.removeFirst() }
        return lists
    }

    func rows(_ n: Int, _ m: Int) -> Tensor { PmapChecks.rows(n, m) }

    @Test func defaultDevicesEqualVmap() {
        let n = Device.default.backend.devices.count
        let xs = rows(n, 4)
        let f: @Sendable (Tensor) -> Tensor = { x in sin(x) * 2 + x.sum() }
        expectClose(pmap(f)(xs).doubles, vmap(f)(xs).doubles, rtol: 1e-6, atol: 1e-6, "pmap vs vmap")
    }

    @Test func everyDeviceListEqualsVmap() {
        for devices in Self.deviceLists {
            let failures = PmapChecks.vmapAgreement(devices)
            #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        }
    }

    @Test func collectivesMatchTheirDefinitions() {
        for devices in Self.deviceLists {
            let failures = PmapChecks.collectives(devices)
            #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        }
    }

    @Test func dataParallelGradientEqualsFullBatchGradient() {
        for devices in Self.deviceLists {
            let failures = PmapChecks.dataParallelGradient(devices)
            #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        }
    }

    @Test func collectivesInsideControlFlow() {
        for devices in Self.deviceLists {
            let failures = PmapChecks.controlFlowCollectives(devices)
            #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        }
    }

    @Test func gradientThroughCollectives() {
        // d/dx_d of Σ_devices (psum(x)²)/n ... checked against the closed form: each device's
        // loss is psum(x)², the transpose of psum is psum, so the gradient is n * 2 * psum(x).
        let devices = [TestDevices.reference, TestDevices.reference]
        let xs = Tensor([1.0, 2.0] as [Float], shape: [2, 1])
        let g = pmap({ x in grad({ (v: Tensor) in (psum(v, axisName: "i") * psum(v, axisName: "i")).sum() })(x) },
                     devices: devices)(xs)
        #expect(g.asArray(Float.self) == [12, 12])
    }

    @Test func convolvePmapOnSignals() {
        let n = Device.default.backend.devices.count
        let signals = Tensor((0..<(n * 5)).map { Float($0 % 7) }, shape: [n, 5])
        let kernels = Tensor((0..<(n * 3)).map { Float($0 % 4) - 1 }, shape: [n, 3])
        let convolvePmap = pmap({ (a: Tensor, v: Tensor) in convolve(a, v) })
        let out = convolvePmap(signals, kernels)
        #expect(out.shape == [n, 7])
        for d in 0..<n {
            #expect(out[d].asArray(Float.self) == convolve(signals[d], kernels[d]).asArray(Float.self))
        }
    }

    @Test func wrongLeadingAxisStops() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let devices = [DeviceManager.shared.device(backend: "reference")!, DeviceManager.shared.device(backend: "reference")!]
            _ = pmap({ (x: Tensor) in x }, devices: devices)(Tensor([1, 2, 3] as [Float]))
        } .map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("pmap(f): argument leaf 0 has leading axis of size 3, but pmap runs on 2 device(s)"))
        }
    }

    @Test func unboundAxisNameStops() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = psum(Tensor([1, 2] as [Float]), axisName: "j")
        } .map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("psum: unbound axis name 'j'"))
        }
    }

    @Test func devicesDisagreeingOnABranchWithACollectiveStop() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let devices = [TestDevices.reference, TestDevices.reference]
            let f: @Sendable (Tensor) -> Tensor = { x in
                cond(x.sum() .> Tensor(Float(0)), { v in psum(v, axisName: "i") }, { v in v }, x)
            }
            _ = pmap(f, devices: devices)(Tensor([-1, 1] as [Float], shape: [2, 1]))
        } .map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("the devices disagree on the branch of cond (device 0 (reference:0): branch 0, device 1 (reference:0): branch 1)"), "\(text)")
            #expect(text.contains("pmax(x, axisName:)"))
        }
    }

    @Test func pmapInsideJitStops() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let inner = pmap({ (x: Tensor) in x * 2 }, devices: [TestDevices.reference])
            _ = jit({ (x: Tensor) in inner(x) })(Tensor([1, 2] as [Float], shape: [1, 2]))
        } .map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("pmap(f) was called inside another transformation (jit, grad or vmap)"), "\(text)")
            #expect(text.contains("pmap(grad(f))"))
        }
    }

    @Test func emptyDeviceListStops() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = pmap({ (x: Tensor) in x }, devices: [])(Tensor([1] as [Float], shape: [1, 1]))
        } .map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("pmap(f): the device list is empty"), "\(text)")
        }
    }
}
