import Benchmark
import Tessera

/// pmap scaling over 1 and all devices of the default backend (issue 9), with the same
/// work as one jit(vmap) program on the first device as the baseline.
///
/// Run with `TESSERA_CPU_DEVICES=2` (two virtual CPU devices of one thread each) and with
/// `TESSERA_CPU_DEVICES=1` (one device whose operations use both cores):
/// `TESSERA_CPU_DEVICES=2 swift package --package-path Benchmarks benchmark --target Transformations --filter 'pmap.*'`
func pmapBenchmarks() {
    let keys = (0..<8).map { Random.foldIn(PRNGKey(0), $0) }
    // A compute-bound program: a chain of four 256x256 matmuls per example, 8 examples.
    let cpuDevices = Device.default.backend.devices
    let threads = cpuDevices[0].capabilities.computeUnits.map { "\($0) thread(s) each" } ?? "?"
    let work: @Sendable (Tensor) -> Tensor = { a in
        var r = a
        for _ in 0..<4 { r = matmul(r, a) * 0.001 }
        return r
    }
    let backend = Device.default.backend.name
    // CPU time next to wall time: their ratio is the number of cores a run kept busy.
    let config = Benchmark.Configuration(metrics: [.wallClock, .cpuTotal], maxDuration: .seconds(3), maxIterations: 200)
    let whole = Random.normal(keys[7], shape: [8, 256, 256])
    let baseline = jit(vmap(work))
    _ = baseline(whole).blockUntilReady()
    Benchmark("pmap baseline: jit(vmap) 8x(256^2 matmul chain) on 1 device [\(backend), \(threads)]", configuration: config) { benchmark in
        for _ in benchmark.scaledIterations { baseline(whole).blockUntilReady() }
    }
    for count in Set([1, cpuDevices.count]).sorted() {
        let devs = Array(cpuDevices.prefix(count))
        let per = 8 / count
        let mapped = pmap({ (block: Tensor) in vmap(work)(block) }, devices: devs)
        let input = whole.reshaped([count, per, 256, 256])
        _ = mapped(input).blockUntilReady()
        Benchmark("pmap 8x(256^2 matmul chain) over \(count) device(s) [\(backend), \(threads)]", configuration: config) { benchmark in
            for _ in benchmark.scaledIterations { mapped(input).blockUntilReady() }
        }
    }
    // The ceiling pmap can reach: the same jitted program enqueued by hand on every device.
    if cpuDevices.count > 1 {
        let count = cpuDevices.count
        let shards = (0..<count).map { d in whole[(d * 8 / count)..<((d + 1) * 8 / count)].to(cpuDevices[d]) }
        for s in shards { _ = baseline(s).blockUntilReady() }
        Benchmark("pmap peer: jit(vmap) enqueued by hand on \(count) devices [\(backend), \(threads)]", configuration: config) { benchmark in
            for _ in benchmark.scaledIterations {
                let outs = shards.map { baseline($0) }
                for o in outs { o.blockUntilReady() }
            }
        }
    }
}
