import Testing
@testable import OpenCLBackend
@testable import Tessera
@testable import TesseraCore

/// The BLAS backend's im2col + GEMM convolution and the OpenCL backend's direct kernel against
/// the reference backend's plain-Swift evaluation (itself checked against JAX in
/// ConvolutionTests) in the cases the JAX data does not reach: output layouts GEMM cannot write directly (scattered), patch matrices
/// larger than one chunk, and channels-last with strides, input dilation and batch groups.
@Suite("Convolution: BLAS im2col + GEMM")
struct ConvIm2colTests {
    struct Case {
        let name: String, lhs: [Int], rhs: [Int], layouts: (String, String, String)
        var strides: [Int]? = nil, padding: ConvPaddingMode = .same, lhsDilation: [Int]? = nil, rhsDilation: [Int]? = nil
        var featureGroups = 1, batchGroups = 1
    }

    static let cases: [Case] = [
        Case(name: "scattered output NHCW", lhs: [2, 3, 7, 6], rhs: [4, 3, 3, 2], layouts: ("NCHW", "OIHW", "NHCW"), strides: [2, 1]),
        Case(name: "scattered output WCHN, grouped", lhs: [2, 4, 5, 6], rhs: [3, 3, 3, 6], layouts: ("NHWC", "HWIO", "WCHN"),
             rhsDilation: [1, 2], featureGroups: 2),
        Case(name: "CNHW output (positions contiguous, features strided)", lhs: [3, 2, 5, 5], rhs: [4, 2, 3, 3], layouts: ("NCHW", "OIHW", "CNHW")),
        Case(name: "several chunks (5x5 window, 64 features, 64x64)", lhs: [1, 64, 64, 64], rhs: [3, 64, 5, 5], layouts: ("NCHW", "OIHW", "NCHW")),
        Case(name: "NHWC stride 2, input dilation", lhs: [2, 9, 8, 3], rhs: [3, 3, 3, 5], layouts: ("NHWC", "HWIO", "NHWC"), strides: [2, 2],
             padding: .explicit([ConvPadding(1, 2), ConvPadding(2, 0)]), lhsDilation: [2, 1]),
        Case(name: "NHWC batch groups", lhs: [4, 5, 4, 3], rhs: [2, 2, 3, 6], layouts: ("NHWC", "HWIO", "NHWC"), padding: .valid, batchGroups: 2),
        Case(name: "1x1 window, single output feature NHWC", lhs: [2, 4, 4, 5], rhs: [1, 1, 5, 1], layouts: ("NHWC", "HWIO", "NHWC")),
    ]

    @Test("BLAS im2col + GEMM and OpenCL equal the reference evaluation (float32 and float64)",
          arguments: ["blas", "opencl"])
    func matchesReference(_ backend: String) {
        guard let blas = TestDevices.device(backend) else { return }
        let reference = TestDevices.reference
        var rng = TestRandom(seed: 7)
        for c in Self.cases {
            let lhs = rng.tensor(c.lhs), rhs = rng.tensor(c.rhs)
            for dtype in [DType.float64, .float32] where blas.supports(dtype) {
                func run(_ device: Device) -> Tensor {
                    convGeneralDilated(lhs.asType(dtype).to(device), rhs.asType(dtype).to(device), windowStrides: c.strides, padding: c.padding,
                                       lhsDilation: c.lhsDilation, rhsDilation: c.rhsDilation, layouts: c.layouts,
                                       featureGroupCount: c.featureGroups, batchGroupCount: c.batchGroups)
                }
                let expected = run(reference), got = run(blas)
                #expect(got.shape == expected.shape, "\(backend) \(c.name)")
                let tol = dtype == .float64 ? 1e-11 : 2e-4
                expectClose(got.doubles, expected.doubles, rtol: tol, atol: tol, "\(backend) \(c.name) \(dtype)")
            }
        }
    }

    @Test("OpenCL's direct kernel (used for convolutions whose im2col patches are too large) equals the reference evaluation")
    func openCLDirectKernel() throws {
        guard let device = TestDevices.device("opencl") else { return }
        let backend = device.backend as! OpenCLBackend
        let kernel = DirectConvKernel(context: try backend.context(device))
        var rng = TestRandom(seed: 8)
        for c in Self.cases {
            let lhs = rng.tensor(c.lhs), rhs = rng.tensor(c.rhs)
            for dtype in [DType.float64, .float32] where device.supports(dtype) {
                let expected = convGeneralDilated(lhs.asType(dtype), rhs.asType(dtype), windowStrides: c.strides, padding: c.padding,
                                                  lhsDilation: c.lhsDilation, rhsDilation: c.rhsDilation, layouts: c.layouts,
                                                  featureGroupCount: c.featureGroups, batchGroupCount: c.batchGroups).to(TestDevices.reference)
                let eq = makeJaxpr({ (a: Tensor, b: Tensor) in
                    convGeneralDilated(a, b, windowStrides: c.strides, padding: c.padding, lhsDilation: c.lhsDilation,
                                       rhsDilation: c.rhsDilation, layouts: c.layouts, featureGroupCount: c.featureGroups,
                                       batchGroupCount: c.batchGroups)
                })(lhs.asType(dtype), rhs.asType(dtype)).equations.last!
                guard case .convGeneralDilated(let p) = eq.primitive else {
                    Issue.record("\(c.name): expected a conv_general_dilated equation")
                    continue
                }
                let l = lhs.asType(dtype).to(device), r = rhs.asType(dtype).to(device)
                let buffers = [l, r].map { ($0.base as! DeviceArray).buffer as! OpenCLBuffer }
                let out = try kernel.run(p, buffers[0], l.type, buffers[1], r.type, outType: expected.type)
                let got = Tensor(base: DeviceArray(type: expected.type, device: device, buffer: try #require(out)))
                let tol = dtype == .float64 ? 1e-11 : 2e-4
                expectClose(got.doubles, expected.doubles, rtol: tol, atol: tol, "opencl direct \(c.name) \(dtype)")
            }
        }
    }

    @Test("other dtypes (int32) still run on the BLAS backend, through the host path")
    func integerConvolution() {
        guard let blas = TestDevices.device("blas") else { return }
        let x = Tensor((0..<12).map { Int32($0) }, shape: [1, 1, 12]).to(blas)
        let w = Tensor([1, -1, 2] as [Int32], shape: [1, 1, 3]).to(blas)
        let y = convGeneralDilated(x, w)
        // y[p] = x[p] - x[p + 1] + 2 x[p + 2] = p - (p + 1) + 2 (p + 2) = 2p + 3
        #expect(y.asArray(Int32.self) == (0..<10).map { Int32(2 * $0 + 3) })
    }
}
