import Benchmark
import Tessera

/// pmap scaling over 1 and all devices of the default backend (issue 9).
func pmapBenchmarks() {
    let keys = (0..<8).map { Random.foldIn(PRNGKey(0), $0) }
    // pmap scaling of a compute-bound program over 1 and all devices of the default backend.
    let cpuDevices = Device.default.backend.devices
    let work: @Sendable (Tensor) -> Tensor = { a in
        var r = a
        for _ in 0..<4 { r = matmul(r, a) * 0.001 }
        return r
    }
    for count in Set([1, cpuDevices.count]).sorted() {
        let devs = Array(cpuDevices.prefix(count))
        let per = 8 / count
        let mapped = pmap({ (block: Tensor) in vmap(work)(block) }, devices: devs)
        let input = Random.normal(keys[7], shape: [count, per, 256, 256])
        _ = mapped(input).blockUntilReady()
        Benchmark("pmap 8x(256^2 matmul chain) over \(count) device(s) [\(Device.default.backend.name)]") { benchmark in
            for _ in benchmark.scaledIterations { mapped(input).blockUntilReady() }
        }
    }
}
