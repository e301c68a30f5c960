import Foundation
import Testing
@testable import Tessera

/// One `conv_general_dilated` case of Data/conv_cases.json (made by scripts/testdata/conv_cases.py with JAX).
private struct ConvCase {
    let name: String
    let lhs: [Double], lhsShape: [Int], rhs: [Double], rhsShape: [Int]
    let layouts: [String], strides: [Int], padding: ConvPaddingMode
    let lhsDilation: [Int], rhsDilation: [Int], featureGroups: Int, batchGroups: Int
    let out: [Double], outShape: [Int]

    static let all: [ConvCase] = (TestData.json("conv_cases.json") as! [[String: Any]]).map { c in
        let padding: ConvPaddingMode
        if let s = c["padding"] as? String { padding = s == "SAME" ? .same : .valid } else {
            padding = .explicit((c["padding"] as! [[Int]]).map { ConvPadding($0[0], $0[1]) })
        }
        return ConvCase(name: c["name"] as! String, lhs: TestData.doubles(c["lhs"]!), lhsShape: c["lhs_shape"] as! [Int],
                        rhs: TestData.doubles(c["rhs"]!), rhsShape: c["rhs_shape"] as! [Int],
                        layouts: c["layouts"] as! [String], strides: c["window_strides"] as! [Int], padding: padding,
                        lhsDilation: c["lhs_dilation"] as! [Int], rhsDilation: c["rhs_dilation"] as! [Int],
                        featureGroups: c["feature_group_count"] as! Int, batchGroups: c["batch_group_count"] as! Int,
                        out: TestData.doubles(c["out"]!), outShape: c["out_shape"] as! [Int])
    }

    func run(_ lhs: Tensor, _ rhs: Tensor) -> Tensor {
        convGeneralDilated(lhs, rhs, windowStrides: strides, padding: padding, lhsDilation: lhsDilation,
                           rhsDilation: rhsDilation, layouts: (layouts[0], layouts[1], layouts[2]),
                           featureGroupCount: featureGroups, batchGroupCount: batchGroups)
    }
}

@Suite("Convolution: conv_general_dilated")
struct ConvolutionTests {
    @Test("matches jax.lax.conv_general_dilated on every backend (float64 and float32)", arguments: TestDevices.backendNames)
    func matchesJAX(_ backend: String) {
        guard let device = TestDevices.device(backend) else { return }
        for c in ConvCase.all {
            for dtype in [DType.float64, .float32] where device.supports(dtype) {
                let lhs = Tensor(c.lhs, shape: c.lhsShape).asType(dtype).to(device)
                let rhs = Tensor(c.rhs, shape: c.rhsShape).asType(dtype).to(device)
                let y = c.run(lhs, rhs)
                #expect(y.shape == c.outShape, "\(backend) \(c.name): shape \(y.shape) vs \(c.outShape)")
                #expect(y.dtype == dtype)
                let tol = dtype == .float64 ? 1e-12 : 1e-5
                expectClose(y.doubles, c.out, rtol: tol, atol: tol, "\(backend) \(c.name) \(dtype)")
                let jitted = jit({ (a: Tensor, b: Tensor) in c.run(a, b) })(lhs, rhs)
                expectClose(jitted.doubles, c.out, rtol: tol, atol: tol, "\(backend) \(c.name) \(dtype) under jit")
            }
        }
    }

    @Test("the im2col + dot_general lowering matches JAX, traced and run through each backend's execute",
          arguments: TestDevices.backendNames)
    func lowering(_ backend: String) throws {
        guard let device = TestDevices.device(backend) else { return }
        for c in ConvCase.all {
            for dtype in [DType.float64, .float32] where device.supports(dtype) {
                let tol = dtype == .float64 ? 1e-12 : 1e-5
                let lhs = Tensor(c.lhs, shape: c.lhsShape).asType(dtype).to(device)
                let rhs = Tensor(c.rhs, shape: c.rhsShape).asType(dtype).to(device)
                let eq = makeJaxpr({ (a: Tensor, b: Tensor) in c.run(a, b) })(lhs, rhs).equations.last!
                guard case .convGeneralDilated(let params) = eq.primitive else {
                    Issue.record("\(c.name): expected a conv_general_dilated equation")
                    continue
                }
                let traced = jit({ (a: Tensor, b: Tensor) in ConvLowering.lower(a, b, params, apply: bind) })(lhs, rhs)
                expectClose(traced.doubles, c.out, rtol: tol, atol: tol, "\(backend) \(c.name) \(dtype) lowered under jit")
                let buffers = try ConvLowering.execute(eq.primitive, inputs: [lhs, rhs].map { ($0.base as! DeviceArray).buffer },
                                                       inputTypes: [lhs.type, rhs.type], on: device)
                let eager = Tensor(base: DeviceArray(type: ShapedType(c.outShape, dtype), device: device, buffer: buffers[0]))
                expectClose(eager.doubles, c.out, rtol: tol, atol: tol, "\(backend) \(c.name) \(dtype) lowered eagerly")
            }
        }
    }

    @Test("gradients pass finite-difference checks (float64) for every case")
    func gradients() {
        for c in ConvCase.all {
            GradientCheck.check("conv \(c.name)", inputs: [Tensor(c.lhs, shape: c.lhsShape), Tensor(c.rhs, shape: c.rhsShape)],
                                rtol: 1e-6, atol: 1e-8) { c.run($0[0], $0[1]) }
        }
    }

    @Test("second-order gradients through a convolution (float64)")
    func secondOrder() {
        let c = ConvCase.all.first { $0.name == "groups" }!
        let x = Tensor(c.lhs, shape: c.lhsShape), w = Tensor(c.rhs, shape: c.rhsShape)
        GradientCheck.check("grad of conv loss wrt w", inputs: [w], rtol: 1e-6, atol: 1e-8) { ws in
            grad({ (x: Tensor) in (tanh(c.run(x, ws[0])) * c.run(x, ws[0])).sum() })(x)
        }
    }

    @Test("vmap over lhs, rhs or both equals the loop over examples")
    func vmapEqualsLoop() {
        var rng = TestRandom(seed: 3)
        for c in ConvCase.all {
            let lhsBatch = rng.tensor([3] + c.lhsShape), rhsBatch = rng.tensor([3] + c.rhsShape)
            let lhs = Tensor(c.lhs, shape: c.lhsShape), rhs = Tensor(c.rhs, shape: c.rhsShape)
            func example(_ t: Tensor, _ i: Int) -> Tensor { t[i] }
            let both = vmap({ (a: Tensor, b: Tensor) in c.run(a, b) }, inAxes: [0, 0])(lhsBatch, rhsBatch)
            let left = vmap({ (a: Tensor, b: Tensor) in c.run(a, b) }, inAxes: [0, nil])(lhsBatch, rhs)
            let right = vmap({ (a: Tensor, b: Tensor) in c.run(a, b) }, inAxes: [nil, 0])(lhs, rhsBatch)
            let movedAxis = vmap({ (a: Tensor, b: Tensor) in c.run(a, b) }, inAxes: [1, nil], outAxes: 2)(
                lhsBatch.transposed([1, 0] + Array(2..<(c.lhsShape.count + 1))), rhs)
            for i in 0..<3 {
                expectClose(both[i].doubles, c.run(example(lhsBatch, i), example(rhsBatch, i)).doubles, rtol: 1e-12, atol: 1e-12, "\(c.name) both \(i)")
                expectClose(left[i].doubles, c.run(example(lhsBatch, i), rhs).doubles, rtol: 1e-12, atol: 1e-12, "\(c.name) lhs \(i)")
                expectClose(right[i].doubles, c.run(lhs, example(rhsBatch, i)).doubles, rtol: 1e-12, atol: 1e-12, "\(c.name) rhs \(i)")
                let moved = movedAxis.transposed([2] + (0..<(c.outShape.count + 1)).filter { $0 != 2 })
                expectClose(moved[i].doubles, c.run(example(lhsBatch, i), rhs).doubles, rtol: 1e-12, atol: 1e-12, "\(c.name) moved axes \(i)")
            }
        }
    }

    @Test("conv (NCHW/OIHW) with SAME padding keeps the spatial size and prints as conv_general_dilated")
    func convHelper() {
        let x = Tensor.ones([1, 2, 5, 5]), w = Tensor.ones([3, 2, 3, 3])
        let y = conv(x, w, padding: .same)
        #expect(y.shape == [1, 3, 5, 5])
        #expect(y.asArray(Float.self)[0] == 8)      // corner: 2 channels x 2x2 window
        #expect(y.asArray(Float.self)[6] == 18)     // interior: 2 channels x 3x3
        let jaxpr = makeJaxpr({ (a: Tensor, b: Tensor) in conv(a, b) })(x, w)
        #expect(jaxpr.description.contains("conv_general_dilated"))
    }
}
