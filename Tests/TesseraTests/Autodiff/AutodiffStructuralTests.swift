import Testing
@testable import Tessera

/// Finite-difference and JVP/VJP-agreement checks of the shape, indexing, reduction,
/// scan, sort and contraction primitives.
@Suite("Autodiff: structural rules")
struct AutodiffStructuralTests {
    @Test func shapeAndMovement() {
        var rng = TestRandom(seed: 11)
        let x = rng.tensor([2, 3]), v = rng.tensor([3, 1])
        GradientCheck.check("broadcast_in_dim new axes", inputs: [x]) { Lax.broadcastInDim($0[0], shape: [4, 2, 5, 3], dims: [1, 3]) }
        GradientCheck.check("broadcast_in_dim size-1 axis", inputs: [v]) { Lax.broadcastInDim($0[0], shape: [2, 3, 4], dims: [1, 2]) }
        GradientCheck.check("reshape", inputs: [x]) { Lax.reshape($0[0], [3, 2, 1]) }
        let t = rng.tensor([2, 3, 4])
        GradientCheck.check("transpose", inputs: [t]) { Lax.transpose($0[0], [2, 0, 1]) }
        GradientCheck.check("rev", inputs: [t]) { Lax.rev($0[0], axes: [0, 2]) }
        let s = rng.tensor([7, 5])
        GradientCheck.check("slice", inputs: [s]) { Lax.slice($0[0], start: [1, 0], limit: [6, 4]) }
        GradientCheck.check("slice strided", inputs: [s]) { Lax.slice($0[0], start: [1, 1], limit: [7, 5], strides: [2, 3]) }
        GradientCheck.check("slice empty", inputs: [s]) { Lax.binary(.add, Lax.reduce(.sum, Lax.slice($0[0], start: [2, 0], limit: [2, 5]), axes: [0, 1]), Lax.reduce(.sum, $0[0], axes: [0, 1])) }
        GradientCheck.check("pad", inputs: [x, Tensor([0.5] as [Double], shape: [])]) {
            Lax.pad($0[0], $0[1], [PadConfig(low: 1, high: 2, interior: 1), PadConfig(low: 0, high: 1, interior: 2)])
        }
        GradientCheck.check("pad negative", inputs: [s, Tensor([1.5] as [Double], shape: [])]) {
            Lax.pad($0[0], $0[1], [PadConfig(low: -2, high: 1, interior: 1), PadConfig(low: 1, high: -3, interior: 0)])
        }
        let a = rng.tensor([2, 3]), b = rng.tensor([2, 1]), c = rng.tensor([2, 4])
        GradientCheck.check("concatenate", inputs: [a, b, c]) { Lax.concatenate($0, axis: 1) }
    }

    @Test func dynamicSlicing() {
        var rng = TestRandom(seed: 12)
        let x = rng.tensor([5, 4]), u = rng.tensor([2, 3])
        for (i, j) in [(1, 0), (4, 3)] {   // (4, 3) is clamped into bounds
            let starts = [Tensor(Int32(i)), Tensor(Int32(j))]
            GradientCheck.check("dynamic_slice \(i),\(j)", inputs: [x]) { Lax.dynamicSlice($0[0], starts: starts, sizes: [2, 3]) }
            GradientCheck.check("dynamic_update_slice \(i),\(j)", inputs: [x, u]) { Lax.dynamicUpdateSlice($0[0], $0[1], starts: starts) }
        }
    }

    @Test func gatherAndScatter() {
        var rng = TestRandom(seed: 13)
        let x = rng.tensor([5, 3])
        // x[[3, 0, 3]] (rows, with a duplicate), and a clamped out-of-bounds start.
        let rows = Tensor([3, 0, 3, 7] as [Int32], shape: [4, 1])
        let dn = GatherDimensionNumbers(offsetDims: [1], collapsedSliceDims: [0], startIndexMap: [0])
        GradientCheck.check("gather rows", inputs: [x]) { Lax.gather($0[0], rows, dn, sliceSizes: [1, 3]) }
        // Element gather with two index components and windows of 2x2.
        let points = Tensor([0, 1, 3, 0, 2, 1] as [Int32], shape: [3, 2])
        let dn2 = GatherDimensionNumbers(offsetDims: [1, 2], collapsedSliceDims: [], startIndexMap: [0, 1])
        GradientCheck.check("gather windows", inputs: [x]) { Lax.gather($0[0], points, dn2, sliceSizes: [2, 2]) }

        let sdn = ScatterDimensionNumbers(updateWindowDims: [1], insertedWindowDims: [0], scatterDimsToOperandDims: [0])
        let unique = Tensor([4, 1, 2] as [Int32], shape: [3, 1])
        let dup = Tensor([4, 1, 4] as [Int32], shape: [3, 1])
        let u = rng.tensor([3, 3], 0.5, 2)
        for mode in ScatterMode.allCases {
            GradientCheck.check("scatter-\(mode) unique", inputs: [rng.tensor([5, 3], 0.5, 2), u]) {
                Lax.scatter($0[0], unique, $0[1], sdn, mode: mode)
            }
            GradientCheck.check("scatter-\(mode) duplicates", inputs: [rng.tensor([5, 3], 0.5, 2), u]) {
                Lax.scatter($0[0], dup, $0[1], sdn, mode: mode)
            }
        }
    }

    /// scatter-mul with duplicate indices (JAX raises NotImplementedError for these): each
    /// update's derivative is the operand times the other updates at its element, also when
    /// some updates are zero (one zero, two zeros at one element) and for 2-D windows.
    @Test func scatterMulDuplicateIndices() {
        var rng = TestRandom(seed: 19)
        let sdn = ScatterDimensionNumbers(updateWindowDims: [], insertedWindowDims: [0], scatterDimsToOperandDims: [0])
        let idx = Tensor([2, 0, 2, 2, 4, 0, 1] as [Int32], shape: [7, 1])
        let x = rng.tensor([5], 0.5, 2)
        let cases: [(String, [Double])] = [
            ("nonzero", rng.doubles(7, 0.5, 2)),
            ("one zero", [0.7, -1.2, 0, 1.5, 0.9, 0.8, -0.6]),
            ("two zeros at one element", [0, 1.3, 0, 1.1, -0.4, 0, 2]),
        ]
        for (name, values) in cases {
            let u = Tensor(values, shape: [7])
            GradientCheck.check("scatter-mul duplicates, \(name)", inputs: [x, u]) { Lax.scatter($0[0], idx, $0[1], sdn, mode: .mul) }
            // The cotangent of update j is ct[i_j] * x[i_j] * (product of the other updates at i_j).
            let (_, pb) = vjp({ (a: [Tensor]) in Lax.scatter(a[0], idx, a[1], sdn, mode: .mul) }, [x, u])
            let ct = rng.doubles(5, -1, 1)
            let got = pb(Tensor(ct, shape: [5]))[1].doubles
            let i = idx.asArray(Int32.self).map(Int.init), xv = x.doubles
            let want = (0..<7).map { j in
                ct[i[j]] * xv[i[j]] * (0..<7).filter { $0 != j && i[$0] == i[j] }.reduce(1.0) { $0 * values[$1] }
            }
            expectClose(got, want, rtol: 1e-12, atol: 1e-14, "scatter-mul duplicates, \(name): update cotangents")
            // The same under jit, and per example under vmap (a batch of cotangent weights).
            let weights = Tensor(ct, shape: [5])
            let loss: @Sendable (Tensor, Tensor) -> Tensor = { u, w in (Lax.scatter(x, idx, u, sdn, mode: .mul) * w).sum() }
            expectClose(jit(grad(loss))(u, weights).doubles, want, rtol: 1e-12, atol: 1e-14, "scatter-mul duplicates, \(name): jit(grad)")
            let batch = Lax.stack([weights, weights * 2])
            let perExample = vmap(grad(loss), inAxes: [nil, 0])(u, batch).doubles
            expectClose(perExample, want + want.map { $0 * 2 }, rtol: 1e-12, atol: 1e-14, "scatter-mul duplicates, \(name): vmap(grad)")
        }
        // Row windows with a duplicated row index.
        let rowsDN = ScatterDimensionNumbers(updateWindowDims: [1], insertedWindowDims: [0], scatterDimsToOperandDims: [0])
        let rows = Tensor([1, 3, 1] as [Int32], shape: [3, 1])
        let ux = Tensor([0.5, 0, 1.5, -1.1, 0.4, 0.3, 1.2, 0, 0], shape: [3, 3])
        GradientCheck.check("scatter-mul duplicate rows", inputs: [rng.tensor([4, 3], 0.5, 2), ux]) {
            Lax.scatter($0[0], rows, $0[1], rowsDN, mode: .mul)
        }
    }

    @Test func outOfBoundsGatherAndScatter() {
        var rng = TestRandom(seed: 18)
        let x = rng.tensor([4, 3])
        // Row 9 is out of bounds: fill mode reads NaN there, and its derivative is zero.
        let rows = Tensor([1, 9, 2] as [Int32], shape: [3, 1])
        let dn = GatherDimensionNumbers(offsetDims: [1], collapsedSliceDims: [0], startIndexMap: [0])
        let (_, t) = jvp({ Lax.gather($0, rows, dn, sliceSizes: [1, 3], mode: .fill) }, primals: x, tangents: x)
        let tv = t.doubles, xv = x.doubles
        #expect(Array(tv[0..<3]) == Array(xv[3..<6]) && Array(tv[3..<6]) == [0, 0, 0] && Array(tv[6..<9]) == Array(xv[6..<9]))
        let (_, pb) = vjp({ Lax.gather($0, rows, dn, sliceSizes: [1, 3], mode: .fill) }, x)
        let ct = pb(Tensor([Double](repeating: 1, count: 9), shape: [3, 3])).doubles
        #expect(ct == [0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0])
        // A dropped out-of-bounds scatter update gets a zero cotangent.
        let sdn = ScatterDimensionNumbers(updateWindowDims: [1], insertedWindowDims: [0], scatterDimsToOperandDims: [0])
        let u = rng.tensor([3, 3])
        for mode in ScatterMode.allCases {
            GradientCheck.check("scatter-\(mode) out of bounds", inputs: [x, u]) { Lax.scatter($0[0], rows, $0[1], sdn, mode: mode) }
            let (_, pbs) = vjp({ (a: [Tensor]) in Lax.scatter(a[0], rows, a[1], sdn, mode: mode) }, [x, u])
            let cu = pbs(Tensor([Double](repeating: 1, count: 12), shape: [4, 3]))[1].doubles
            #expect(Array(cu[3..<6]) == [0, 0, 0], "scatter-\(mode)")
        }
    }

    @Test func scatterMinMaxSplitTies() {
        // Operand and update equal at the target: each receives half the cotangent.
        let x = Tensor([1, 5] as [Double], shape: [2])
        let u = Tensor([5] as [Double], shape: [1])
        let sdn = ScatterDimensionNumbers(updateWindowDims: [], insertedWindowDims: [0], scatterDimsToOperandDims: [0])
        let idx = Tensor([1] as [Int32], shape: [1, 1])
        let (_, pb) = vjp({ (xs: [Tensor]) in Lax.scatter(xs[0], idx, xs[1], sdn, mode: .max) }, [x, u])
        let cts = pb(Tensor([1, 1] as [Double], shape: [2]))
        #expect(cts[0].doubles == [1, 0.5])
        #expect(cts[1].doubles == [0.5])
    }

    @Test func reductions() {
        var rng = TestRandom(seed: 14)
        let x = rng.tensor([3, 4, 2], 0.5, 2)
        for op in [ReduceOp.sum, .prod, .max, .min] {
            for axes in [[1], [0, 2], [0, 1, 2]] {
                GradientCheck.check("reduce_\(op) \(axes)", inputs: [x]) { Lax.reduce(op, $0[0], axes: axes) }
            }
        }
        let withZero = Tensor([2, 0, 3, 4, 0, 0] as [Double], shape: [2, 3])
        GradientCheck.check("reduce_prod with zeros", inputs: [withZero]) { Lax.reduce(.prod, $0[0], axes: [1]) }
    }

    @Test func maxReductionSplitsTies() {
        let x = Tensor([3, 1, 3, 2] as [Double], shape: [4])
        let g = grad({ (x: Tensor) in Lax.reduce(.max, x, axes: [0]) })(x)
        #expect(g.doubles == [0.5, 0, 0.5, 0])
        // and/or reductions and argmax are not differentiable.
        let h = grad({ (x: Tensor) in
            let any = Lax.convert(Lax.reduce(.or, Lax.compare(.gt, x, Lax.full(2, shape: [4], dtype: .float64)), axes: [0]), to: .float64)
            let all = Lax.convert(Lax.reduce(.and, Lax.compare(.gt, x, Lax.full(0, shape: [4], dtype: .float64)), axes: [0]), to: .float64)
            let arg = Lax.convert(Lax.argReduce(.argmin, x, axis: 0), to: .float64)
            return Lax.binary(.mul, Lax.binary(.add, Lax.binary(.add, any, all), arg), Lax.reduce(.sum, x, axes: [0]))
        })(x)
        #expect(h.doubles == [3, 3, 3, 3])
    }

    @Test func cumulativeScans() {
        var rng = TestRandom(seed: 15)
        let x = rng.tensor([3, 5], 0.5, 2)
        for op in CumulativeOp.allCases {
            for reverse in [false, true] {
                for axis in [0, 1] {
                    GradientCheck.check("\(op) axis \(axis) reverse \(reverse)", inputs: [x]) {
                        Lax.cumulative(op, $0[0], axis: axis, reverse: reverse)
                    }
                }
            }
        }
        let withZero = Tensor([2, 0, 3, 4, 0.5] as [Double], shape: [5])
        GradientCheck.check("cumprod with a zero", inputs: [withZero]) { Lax.cumulative(.cumprod, $0[0], axis: 0) }
    }

    @Test func sorting() {
        var rng = TestRandom(seed: 16)
        let keys = rng.tensor([3, 6]), values = rng.tensor([3, 6])
        for dim in [0, 1] {
            GradientCheck.check("sort dim \(dim)", inputs: [keys]) { Lax.sort([$0[0]], dimension: dim)[0] }
            GradientCheck.check("sort two operands dim \(dim)", inputs: [keys, values]) { xs in
                let s = Lax.sort([xs[0], xs[1]], dimension: dim, numKeys: 1)
                return Lax.binary(.mul, s[0], s[1])
            }
        }
        let intKeys = Tensor([3, 1, 2] as [Int32], shape: [3])
        GradientCheck.check("sort values by integer keys", inputs: [intKeys, rng.tensor([3])]) { xs in
            Lax.sort([xs[0], xs[1]], dimension: 0, numKeys: 1)[1]
        }
    }

    @Test func dotGeneral() {
        var rng = TestRandom(seed: 17)
        let cases: [([Int], [Int], DotDimensionNumbers)] = [
            ([3, 4], [4, 5], DotDimensionNumbers(lhsContracting: [1], rhsContracting: [0])),
            ([4], [4], DotDimensionNumbers(lhsContracting: [0], rhsContracting: [0])),
            ([4, 3], [5, 4], DotDimensionNumbers(lhsContracting: [0], rhsContracting: [1])),
            ([2, 3, 4], [2, 4, 5], DotDimensionNumbers(lhsContracting: [2], rhsContracting: [1], lhsBatch: [0], rhsBatch: [0])),
            ([3, 2, 4, 5], [5, 4, 2, 6], DotDimensionNumbers(lhsContracting: [2, 3], rhsContracting: [1, 0], lhsBatch: [1], rhsBatch: [2])),
            ([3], [2], DotDimensionNumbers(lhsContracting: [], rhsContracting: [])),
        ]
        for (ls, rs, dn) in cases {
            GradientCheck.check("dot_general \(ls) \(rs)", inputs: [rng.tensor(ls), rng.tensor(rs)]) { Lax.dotGeneral($0[0], $0[1], dn) }
        }
        let a32 = rng.tensor([2, 3]), b32 = rng.tensor([3, 2])
        GradientCheck.check("dot_general preferred f64 from f32", inputs: [a32, b32], eps: 1e-2, rtol: 1e-3, atol: 1e-4, agreement: 1e-5) { xs in
            Lax.dotGeneral(Lax.convert(xs[0], to: .float32), Lax.convert(xs[1], to: .float32),
                           DotDimensionNumbers(lhsContracting: [1], rhsContracting: [0]), preferred: .float64)
        }
    }
}
