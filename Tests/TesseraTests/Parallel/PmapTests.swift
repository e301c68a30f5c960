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

    func rows(_ n: Int, _ m: Int) -> Tensor {
        Tensor((0..<(n * m)).map { Float($0) * 0.5 - 1 }, shape: [n, m])
    }

    @Test func defaultDevicesEqualVmap() {
        let n = Device.default.backend.devices.count
        let xs = rows(n, 4)
        let f: @Sendable (Tensor) -> Tensor = { x in sin(x) * 2 + x.sum() }
        expectClose(pmap(f)(xs).doubles, vmap(f)(xs).doubles, rtol: 1e-6, atol: 1e-6, "pmap vs vmap")
    }

    @Test func everyDeviceListEqualsVmap() {
        for devices in Self.deviceLists {
            let xs = rows(devices.count, 3)
            let f: @Sendable (Tensor) -> Tensor = { x in exp(x) * x - 1 }
            let y = pmap(f, devices: devices)(xs)
            #expect(y.shape == [devices.count, 3])
            expectClose(y.doubles, vmap(f)(xs).doubles, rtol: 1e-5, atol: 1e-6, "\(devices.map(\.id))")
        }
    }

    @Test func collectivesMatchTheirDefinitions() {
        for devices in Self.deviceLists {
            let n = devices.count
            let xs = rows(n, 3)
            let host = xs.asArray(Float.self)
            func col(_ j: Int) -> [Float] { (0..<n).map { host[$0 * 3 + j] } }
            let sums = (0..<3).map { col($0).reduce(0, +) }
            let psums = pmap({ x in psum(x, axisName: "i") }, devices: devices)(xs)
            #expect(psums.asArray(Float.self) == Array([[Float]](repeating: sums, count: n).joined()))
            let means = pmap({ x in pmean(x, axisName: "i") }, devices: devices)(xs)
            expectClose(means.doubles, Array([[Double]](repeating: sums.map { Double($0) / Double(n) }, count: n).joined()))
            let maxes = pmap({ x in pmax(x, axisName: "i") }, devices: devices)(xs)
            #expect(maxes.asArray(Float.self) == Array([[Float]](repeating: (0..<3).map { col($0).max()! }, count: n).joined()))
            let mins = pmap({ x in pmin(x, axisName: "i") }, devices: devices)(xs)
            #expect(mins.asArray(Float.self) == Array([[Float]](repeating: (0..<3).map { col($0).min()! }, count: n).joined()))
            let gathered = pmap({ x in allGather(x, axisName: "i") }, devices: devices)(xs)
            #expect(gathered.shape == [n, n, 3])
            #expect(gathered.asArray(Float.self) == Array([[Float]](repeating: host, count: n).joined()))
            let indexOf: @Sendable (Tensor) -> Tensor = { x in
                let i: Tensor = axisIndex(axisName: "i").asType(.float32)
                return i + x.sum() * 0
            }
            let index = pmap(indexOf, devices: devices)(xs)
            #expect(index.asArray(Float.self) == (0..<n).map { Float($0) })
            // A ring shift: device d receives device d-1's value.
            let shifted = pmap({ x in ppermute(x, axisName: "i", pairs: (0..<n).map { ($0, ($0 + 1) % n) }) },
                               devices: devices)(xs)
            var expected: [Float] = []
            for d in 0..<n {
                let source: Int = (d + n - 1) % n
                expected += host[(source * 3)..<(source * 3 + 3)]
            }
            #expect(shifted.asArray(Float.self) == expected)
        }
    }

    @Test func dataParallelGradientEqualsFullBatchGradient() {
        for devices in Self.deviceLists {
            let n = devices.count
            let w = Tensor([0.5, -0.25, 1.0] as [Float])
            let x = rows(n * 2, 3), y = Tensor((0..<(n * 2)).map { Float($0 % 3) - 1 })
            @Sendable func loss(_ w: Tensor, _ x: Tensor, _ y: Tensor) -> Tensor {
                let r = matmul(x, w) - y
                return (r * r).mean()
            }
            let full = grad(loss)(w, x, y)
            let step = pmap({ (xb: Tensor, yb: Tensor) -> Tensor in
                pmean(grad(loss)(w, xb, yb), axisName: "i")
            }, devices: devices)
            let g = step(x.reshaped([n, 2, 3]), y.reshaped([n, 2]))
            #expect(g.shape == [n, 3])
            for d in 0..<n {
                expectClose(g[d].doubles, full.doubles, rtol: 1e-5, atol: 1e-6, "device \(d) of \(devices.map(\.id))")
            }
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
}
