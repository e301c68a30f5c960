import Testing
@testable import Tessera

/// Reductions, statistics, argmax/argmin, cumulative ops, sorting and matrix products
/// against JAX (api_reductions.json: every dtype, axes including negative ones, keepDims,
/// scalars, zero-size axes, NaN/Inf, ties, batched and broadcast matmul).
@Suite struct ReductionConformanceTests {
    static func apply(_ c: APICase) -> [Tensor]? {
        let x = c.args[0]
        let axes = c.optionalInts("axes"), keep = c.bool("keepDims")
        let axis = c.params["axis"] as? Int
        switch c.op {
        case "sum": return [x.sum(axes: axes, keepDims: keep)]
        case "prod": return [x.prod(axes: axes, keepDims: keep)]
        case "max": return [x.max(axes: axes, keepDims: keep)]
        case "min": return [x.min(axes: axes, keepDims: keep)]
        case "all": return [x.all(axes: axes, keepDims: keep)]
        case "any": return [x.any(axes: axes, keepDims: keep)]
        case "mean": return [x.mean(axes: axes, keepDims: keep)]
        case "variance": return [x.variance(axes: axes, ddof: c.int("ddof"), keepDims: keep)]
        case "std": return [x.std(axes: axes, ddof: c.int("ddof"), keepDims: keep)]
        case "argmax": return [axis.map { x.argmax(axis: $0) } ?? x.argmax()]
        case "argmin": return [axis.map { x.argmin(axis: $0) } ?? x.argmin()]
        case "cumsum": return [x.cumsum(axis: axis)]
        case "cumprod": return [x.cumprod(axis: axis)]
        case "sort": return [sort(x, axis: axis!)]
        case "argsort": return [argsort(x, axis: axis!)]
        case "matmul": return [matmul(x, c.args[1])]
        case "dot": return [dot(x, c.args[1])]
        default: return nil
        }
    }

    @Test func casesMatchJAX() {
        APICase.runAll("api_reductions.json", Self.apply)
    }

    @Test func staticSpellings() {
        let a = Tensor([[1, 2], [3, 4]] as [[Float]])
        let b = Tensor([[5, 6], [7, 8]] as [[Float]])
        #expect(Tensor.matmul(a, b).asArray(Float.self) == [19, 22, 43, 50])
        #expect(Tensor.dot(a, b).asArray(Float.self) == [19, 22, 43, 50])
        #expect(a.sorted(axis: 0).asArray(Float.self) == [1, 2, 3, 4])
    }
}
