import Foundation
@testable import Tessera

/// The pmap checks, written once and run both in the test process (over the devices it
/// has) and in child processes with the CPU split into 1, 2 or 4 virtual devices. Each
/// returns its failures as text (empty when everything matches).
enum PmapChecks {
    /// Every check on `devices`.
    static func all(_ devices: [Device]) -> [String] {
        vmapAgreement(devices) + collectives(devices) + dataParallelGradient(devices) + controlFlowCollectives(devices)
    }

    /// `n` rows of `m` distinct float32 values.
    static func rows(_ n: Int, _ m: Int) -> Tensor {
        Tensor((0..<(n * m)).map { Float($0) * 0.5 - 1 }, shape: [n, m])
    }

    /// "context: element i is a, expected e" for the first mismatch, or nothing.
    static func compare(_ actual: Tensor, _ expected: Tensor, rtol: Double = 1e-5, atol: Double = 1e-6,
                        _ context: String) -> [String] {
        if actual.shape != expected.shape { return ["\(context): shape \(actual.shape), expected \(expected.shape)"] }
        return compare(actual.doubles, expected.doubles, rtol: rtol, atol: atol, context)
    }

    static func compare(_ actual: [Double], _ expected: [Double], rtol: Double = 1e-5, atol: Double = 1e-6,
                        _ context: String) -> [String] {
        if actual.count != expected.count { return ["\(context): \(actual.count) values, expected \(expected.count)"] }
        for (i, (a, e)) in zip(actual, expected).enumerated() where !isClose(a, e, rtol: rtol, atol: atol) {
            return ["\(context): element \(i) is \(a), expected \(e)"]
        }
        return []
    }

    static func ids(_ devices: [Device]) -> String { devices.map(\.id).joined(separator: ",") }

    /// pmap of elementwise, reducing and matmul programs equals vmap of them.
    static func vmapAgreement(_ devices: [Device]) -> [String] {
        let n = devices.count
        let xs = rows(n, 4)
        let w = Tensor((0..<12).map { Float($0 % 5) - 2 }, shape: [4, 3])
        let programs: [(String, @Sendable (Tensor) -> Tensor)] = [
            ("elementwise", { x in exp(x) * x - 1 }),
            ("reduction", { x in sin(x) * 2 + x.sum() }),
            ("matmul", { x in tanh(matmul(x.reshaped([1, 4]), w)).reshaped([3]) }),
        ]
        var failures: [String] = []
        for (label, f) in programs {
            let y = pmap(f, devices: devices)(xs)
            if y.device !== devices[0] { failures.append("\(label) on [\(ids(devices))]: result on \(y.device.id), not the first device") }
            failures += compare(y, vmap(f)(xs), "pmap vs vmap (\(label)) on [\(ids(devices))]")
        }
        return failures
    }

    /// psum, pmean, pmax, pmin, allGather, ppermute and axisIndex against their definitions
    /// computed on the host.
    static func collectives(_ devices: [Device]) -> [String] {
        let n = devices.count, m = 3
        let xs = rows(n, m)
        let host = xs.asArray(Float.self).map(Double.init)
        func col(_ j: Int) -> [Double] { (0..<n).map { host[$0 * m + j] } }
        func everyDevice(_ row: [Double]) -> [Double] { Array([[Double]](repeating: row, count: n).joined()) }
        let on = "on [\(ids(devices))]"
        var failures: [String] = []
        let sums = (0..<m).map { col($0).reduce(0, +) }
        failures += compare(pmap({ x in psum(x, axisName: "i") }, devices: devices)(xs).doubles, everyDevice(sums), "psum \(on)")
        failures += compare(pmap({ x in pmean(x, axisName: "i") }, devices: devices)(xs).doubles,
                            everyDevice(sums.map { $0 / Double(n) }), "pmean \(on)")
        failures += compare(pmap({ x in pmax(x, axisName: "i") }, devices: devices)(xs).doubles,
                            everyDevice((0..<m).map { col($0).max()! }), "pmax \(on)")
        failures += compare(pmap({ x in pmin(x, axisName: "i") }, devices: devices)(xs).doubles,
                            everyDevice((0..<m).map { col($0).min()! }), "pmin \(on)")
        let gathered = pmap({ x in allGather(x, axisName: "i") }, devices: devices)(xs)
        if gathered.shape != [n, n, m] { failures.append("allGather \(on): shape \(gathered.shape)") }
        failures += compare(gathered.doubles, everyDevice(host), "allGather \(on)")
        // allGather along axis 1: device d's result is the transpose of the gathered rows.
        let gathered1 = pmap({ x in allGather(x, axisName: "i", axis: 1) }, devices: devices)(xs)
        let transposed = (0..<m).flatMap { j in (0..<n).map { host[$0 * m + j] } }
        failures += compare(gathered1.doubles, everyDevice(transposed), "allGather(axis: 1) \(on)")
        let index = pmap({ (x: Tensor) -> Tensor in axisIndex(axisName: "i").asType(.float32) + x.sum() * 0 },
                         devices: devices)(xs)
        failures += compare(index.doubles, (0..<n).map(Double.init), "axisIndex \(on)")
        // A ring shift: device d receives device d-1's value.
        let ring = (0..<n).map { ($0, ($0 + 1) % n) }
        let shifted = pmap({ x in ppermute(x, axisName: "i", pairs: ring) }, devices: devices)(xs)
        var ringExpected: [Double] = []
        for d in 0..<n {
            let source = (d + n - 1) % n
            ringExpected += host[(source * m)..<(source * m + m)]
        }
        failures += compare(shifted.doubles, ringExpected, "ppermute ring \(on)")
        // Only device 0 sends (to the last device); everyone else receives zeros.
        let single = pmap({ x in ppermute(x, axisName: "i", pairs: [(0, n - 1)]) }, devices: devices)(xs)
        var expected = [Double](repeating: 0, count: n * m)
        for j in 0..<m { expected[(n - 1) * m + j] += host[j] }
        failures += compare(single.doubles, expected, "ppermute (0, \(n - 1)) \(on)")
        return failures
    }

    /// A data-parallel training step: pmean of per-device gradients equals the gradient
    /// of the whole batch.
    static func dataParallelGradient(_ devices: [Device]) -> [String] {
        let n = devices.count
        let w = Tensor([0.5, -0.25, 1.0] as [Float])
        let x = rows(n * 2, 3), y = Tensor((0..<(n * 2)).map { Float($0 % 3) - 1 })
        @Sendable func loss(_ w: Tensor, _ x: Tensor, _ y: Tensor) -> Tensor {
            let r = matmul(x, w) - y
            return (r * r).mean()
        }
        let full = grad(loss)(w, x, y)
        let step = pmap({ (xb: Tensor, yb: Tensor) -> Tensor in pmean(grad(loss)(w, xb, yb), axisName: "i") },
                        devices: devices)
        let g = step(x.reshaped([n, 2, 3]), y.reshaped([n, 2]))
        if g.shape != [n, 3] { return ["pmap(grad) on [\(ids(devices))]: shape \(g.shape)"] }
        return (0..<n).flatMap { d in compare(g[d], full, "pmap(grad) with pmean, device \(d) of [\(ids(devices))]") }
    }

    /// psum inside scan, forLoop, cond and whileLoop bodies (and the gradient through a
    /// scan with a psum) equal the same computation written without control flow.
    static func controlFlowCollectives(_ devices: [Device]) -> [String] {
        let n = devices.count
        let on = "on [\(ids(devices))]"
        let xs = rows(n, 3)
        let seqs = Tensor((0..<(n * 4 * 3)).map { Float($0 % 7) * 0.25 - 0.5 }, shape: [n, 4, 3])
        var failures: [String] = []

        // scan: the carry accumulates the psum of each step's slice; ys are twice those sums.
        let scanned = pmap({ (x: Tensor, s: Tensor) -> [Tensor] in
            let (c, ys) = scan({ (c: Tensor, t: Tensor) in
                let total = psum(t * c, axisName: "i")
                return (c + total, total * 2)
            }, initial: x, xs: s)
            return [c, ys]
        }, devices: devices)(xs, seqs)
        let unrolledScan = pmap({ (x: Tensor, s: Tensor) -> [Tensor] in
            var c = x, ys: [Tensor] = []
            for t in 0..<4 {
                let total = psum(s[t] * c, axisName: "i")
                c = c + total
                ys.append(total * 2)
            }
            return [c, stack(ys)]
        }, devices: devices)(xs, seqs)
        failures += compare(scanned[0], unrolledScan[0], "scan with psum (carry) \(on)")
        failures += compare(scanned[1], unrolledScan[1], "scan with psum (ys) \(on)")

        // forLoop: each step adds half the pmean of the carry, scaled by the step index.
        let looped = pmap({ (x: Tensor) -> Tensor in
            forLoop(0, 3, body: { i, c in c + pmean(c, axisName: "i") * i.asType(.float32) * 0.5 }, initial: x)
        }, devices: devices)(xs)
        let unrolledLoop = pmap({ (x: Tensor) -> Tensor in
            var c = x
            for i in 0..<3 { c = c + pmean(c, axisName: "i") * Tensor(Float(i) * 0.5) }
            return c
        }, devices: devices)(xs)
        failures += compare(looped, unrolledLoop, "forLoop with pmean \(on)")

        // cond on a predicate every device shares (it comes from a psum); each branch reduces.
        for threshold in [Float(-1000), 1000] {
            let branched = pmap({ (x: Tensor) -> Tensor in
                cond(psum(x.sum(), axisName: "i") .> Tensor(threshold),
                     { v in psum(v, axisName: "i") }, { v in pmax(v, axisName: "i") * 2 }, x)
            }, devices: devices)(xs)
            let direct = pmap({ (x: Tensor) -> Tensor in
                threshold < 0 ? psum(x, axisName: "i") : pmax(x, axisName: "i") * 2
            }, devices: devices)(xs)
            failures += compare(branched, direct, "cond with psum/pmax branches (threshold \(threshold)) \(on)")
        }

        // whileLoop whose predicate is global (pmax): doubles and adds the psum until the
        // largest element anywhere reaches 50.
        let grown = pmap({ (x: Tensor) -> Tensor in
            whileLoop(cond: { c in pmax(c.max(), axisName: "i") .< 50 },
                      body: { c in c * 2 + abs(psum(c, axisName: "i")) + 1 }, initial: x)
        }, devices: devices)(xs)
        var host = xs.asArray(Float.self).map(Double.init)
        while (host.max() ?? 0) < 50 {
            let sums = (0..<3).map { j in (0..<n).map { host[$0 * 3 + j] }.reduce(0, +) }
            host = host.enumerated().map { k, v in v * 2 + abs(sums[k % 3]) + 1 }
        }
        failures += compare(grown.doubles, host, "whileLoop with a pmax predicate and a psum body \(on)")

        // Reverse-mode through a scan whose body holds a psum equals it through the unrolled loop.
        @Sendable func scanLoss(_ x: Tensor) -> Tensor {
            let (c, _) = scan({ (c: Tensor, t: Tensor) in (sin(c) + psum(c * t, axisName: "i"), c) }, initial: x, xs: Tensor([0.5, -1, 2] as [Float]))
            return (c * c).sum()
        }
        @Sendable func unrolledLoss(_ x: Tensor) -> Tensor {
            var c = x
            for t in [Float(0.5), -1, 2] { c = sin(c) + psum(c * Tensor(t), axisName: "i") }
            return (c * c).sum()
        }
        let small = xs * 0.1
        failures += compare(pmap(grad(scanLoss), devices: devices)(small), pmap(grad(unrolledLoss), devices: devices)(small),
                            rtol: 1e-4, "grad through scan with psum \(on)")
        return failures
    }
}
