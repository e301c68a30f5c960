import Benchmark
import Tessera

/// jit, grad, vmap and pmap costs (issues 3, 4, 5, 9) on every available device.
///
/// Run: `swift package --package-path Benchmarks benchmark --target Transformations`
/// (`TESSERA_CPU_DEVICES=2` for the pmap scaling pair on the BLAS backend).
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock], maxDuration: .seconds(2), maxIterations: 1000)

    @Sendable func f(_ x: Tensor) -> Tensor { -4 * x * x * x + 9 * x * x + 6 * x - 3 }

    for device in Device.all {
        let id = device.id
        let scalar = Tensor([Float(1.5)], shape: [], dtype: .float32, on: device)
        let one = Tensor([Float(1.5)], shape: [1], dtype: .float32, on: device)
        let million = Tensor([Float](repeating: 0.25, count: 1_000_000), shape: [1_000_000], dtype: .float32, on: device)

        Benchmark("jit trace+compile polynomial [\(id)]") { benchmark in
            for _ in benchmark.scaledIterations { blackHole(jit(f).lower(one)) }
        }
        let fast = jit(f)
        _ = fast(one).blockUntilReady()
        Benchmark("jit call 1 element [\(id)]", configuration: .init(scalingFactor: .kilo)) { benchmark in
            for _ in benchmark.scaledIterations { blackHole(fast(one)) }
            fast(one).blockUntilReady()
        }
        _ = fast(million).blockUntilReady()
        Benchmark("jit polynomial 1e6 f32 [\(id)]") { benchmark in
            for _ in benchmark.scaledIterations { fast(million).blockUntilReady() }
        }
        Benchmark("eager polynomial 1e6 f32 [\(id)]") { benchmark in
            for _ in benchmark.scaledIterations { f(million).blockUntilReady() }
        }
        let df = grad(f)
        Benchmark("eager grad polynomial scalar [\(id)]") { benchmark in
            for _ in benchmark.scaledIterations { df(scalar).blockUntilReady() }
        }
    }

    // MLP 784-512-512-10, batch 256, float32 on the default device: forward vs grad.
    struct MLP: TensorTree {
        var w1: Tensor, b1: Tensor, w2: Tensor, b2: Tensor, w3: Tensor, b3: Tensor
        func mapTensors(_ g: (Tensor) throws -> Tensor) rethrows -> MLP {
            MLP(w1: try g(w1), b1: try g(b1), w2: try g(w2), b2: try g(b2), w3: try g(w3), b3: try g(b3))
        }
    }
    @Sendable func loss(_ p: MLP, _ x: Tensor, _ y: Tensor) -> Tensor {
        let h1 = tanh(matmul(x, p.w1) + p.b1)
        let h2 = tanh(matmul(h1, p.w2) + p.b2)
        let logits = matmul(h2, p.w3) + p.b3
        return -(NN.logSoftmax(logits, axis: -1) * y).sum(axes: [1]).mean()
    }
    let key = PRNGKey(0)
    let keys = (0..<8).map { Random.foldIn(key, $0) }
    let params = MLP(w1: Random.normal(keys[0], shape: [784, 512]) * 0.03, b1: Tensor.zeros([512]),
                     w2: Random.normal(keys[1], shape: [512, 512]) * 0.04, b2: Tensor.zeros([512]),
                     w3: Random.normal(keys[2], shape: [512, 10]) * 0.04, b3: Tensor.zeros([10]))
    let x = Random.normal(keys[3], shape: [256, 784])
    let y = NN.oneHot(Random.randint(keys[4], shape: [256], minval: 0, maxval: 10), numClasses: 10)
    let forward = jit(loss)
    let backward = jit(grad(loss))
    _ = forward(params, x, y).blockUntilReady()
    _ = backward(params, x, y).tensors.map { $0.blockUntilReady() }
    Benchmark("MLP 784-512-512-10 b256 forward (jit) [\(Device.default.id)]") { benchmark in
        for _ in benchmark.scaledIterations { forward(params, x, y).blockUntilReady() }
    }
    Benchmark("MLP 784-512-512-10 b256 grad (jit) [\(Device.default.id)]") { benchmark in
        for _ in benchmark.scaledIterations { _ = backward(params, x, y).tensors.map { $0.blockUntilReady() } }
    }

    // Per-example gradients: jit(vmap(grad)) vs a loop of jitted per-example grads.
    let perExample = jit(vmap({ (p: MLP, xi: Tensor, yi: Tensor) in grad(loss)(p, xi.reshaped([1, 784]), yi.reshaped([1, 10])) },
                              inAxes: [nil, 0, 0]))
    let single = jit({ (p: MLP, xi: Tensor, yi: Tensor) in grad(loss)(p, xi.reshaped([1, 784]), yi.reshaped([1, 10])) })
    _ = perExample(params, x, y).tensors.map { $0.blockUntilReady() }
    Benchmark("per-example grads jit(vmap(grad)) b256 [\(Device.default.id)]") { benchmark in
        for _ in benchmark.scaledIterations { _ = perExample(params, x, y).tensors.map { $0.blockUntilReady() } }
    }
    let rows = (0..<256).map { x[$0] }, labels = (0..<256).map { y[$0] }
    _ = single(params, rows[0], labels[0]).tensors.map { $0.blockUntilReady() }
    Benchmark("per-example grads loop of jit(grad) b256 [\(Device.default.id)]") { benchmark in
        for _ in benchmark.scaledIterations {
            var last: MLP?
            for i in 0..<256 { last = single(params, rows[i], labels[i]) }
            _ = last!.tensors.map { $0.blockUntilReady() }
        }
    }

    // vmapped matrix-vector product vs the equivalent matmul.
    let m = Random.normal(keys[5], shape: [1024, 1024]), vs = Random.normal(keys[6], shape: [256, 1024])
    let matvec = jit(vmap({ (v: Tensor) in matmul(m, v) }))
    let asMatmul = jit({ (v: Tensor) in matmul(v, m.T) })
    _ = matvec(vs).blockUntilReady(); _ = asMatmul(vs).blockUntilReady()
    Benchmark("vmap matvec 1024 x b256 [\(Device.default.id)]") { benchmark in
        for _ in benchmark.scaledIterations { matvec(vs).blockUntilReady() }
    }
    Benchmark("matmul equivalent 1024 x b256 [\(Device.default.id)]") { benchmark in
        for _ in benchmark.scaledIterations { asMatmul(vs).blockUntilReady() }
    }

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
