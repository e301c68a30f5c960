import TesseraCore

/// Index arithmetic of a kernel: the coordinates of a point, and the element each load
/// reads (`offset + Σ strides[k] * i[k]`, strides may be 0 or negative).
///
/// In literal mode sizes and strides are numbers in the source; in parametric mode they
/// are scalar arguments (`d0`, `l3o`, `l3s1`, ...) whose values `shapeArguments` lists.
/// Loads that read the index space in row-major order (offset 0, contiguous strides)
/// read element `p`, the point's row-major position, in both modes.
enum IndexArithmetic {
    /// Whether `map` reads the index space `shape` in row-major order.
    static func isContiguous(_ map: KernelIndexMap, _ shape: [Int]) -> Bool {
        guard map.offset == 0 else { return false }
        let strides = contiguousStrides(shape)
        for k in shape.indices where shape[k] != 1 && strides[k] != map.strides[k] { return false }
        return true
    }

    /// Whether the row-major position of a point is at hand: always for pointwise kernels
    /// (`p`), and for reductions over the trailing axes (`m * R + r`).
    static func positionAvailable(_ kernel: Kernel) -> Bool {
        guard let r = kernel.reduction else { return true }
        let rank = kernel.indexSpace.count
        return r.axes == Array((rank - r.axes.count)..<rank)
    }

    /// The loads rendered with offset and strides (all but the contiguous ones that can
    /// use the point's position): (instruction number, map).
    static func stridedLoads(_ kernel: Kernel) -> [(Int, KernelIndexMap)] {
        let available = positionAvailable(kernel)
        return kernel.body.enumerated().compactMap { n, inst in
            if case .load(_, let map) = inst.op, !(available && isContiguous(map, kernel.indexSpace)) { return (n, map) }
            return nil
        }
    }

    /// The largest index magnitude the kernel computes (decides int32 or int64 indices).
    static func indexType(_ kernel: Kernel) -> DType {
        var largest = kernel.pointCount
        for input in kernel.inputs { largest = Swift.max(largest, input.count) }
        for (_, map) in stridedLoads(kernel) {
            var extent = Swift.abs(map.offset)
            for (k, s) in map.strides.enumerated() { extent += Swift.abs(s) * Swift.max(kernel.indexSpace[k] - 1, 0) }
            largest = Swift.max(largest, extent)
        }
        return largest < Int(Int32.max) / 2 ? .int32 : .int64
    }

    /// Shape scalars of a pointwise kernel: `n, d0.., (l<n>o, l<n>s0..)` per strided load.
    static func pointwiseArguments(_ kernel: Kernel) -> [Int] {
        var args = [kernel.pointCount] + kernel.indexSpace
        for (_, map) in stridedLoads(kernel) { args += [map.offset] + map.strides }
        return args
    }

    /// Shape scalars of a reduction kernel: `M, R, kept dims.., reduced dims.., loads..`.
    static func reductionArguments(_ kernel: Kernel, _ reduction: KernelReduction) -> [Int] {
        let shape = kernel.indexSpace
        let kept = shape.indices.filter { !reduction.axes.contains($0) }
        let m = kept.map { shape[$0] }.reduce(1, *)
        let r = reduction.axes.map { shape[$0] }.reduce(1, *)
        var args = [m, r] + kept.map { shape[$0] } + reduction.axes.map { shape[$0] }
        for (_, map) in stridedLoads(kernel) { args += [map.offset] + map.strides }
        return args
    }

    /// Names of the shape scalars, in `pointwiseArguments` / `reductionArguments` order.
    static func argumentNames(_ kernel: Kernel) -> [String] {
        let rank = kernel.indexSpace.count
        var names: [String]
        if let r = kernel.reduction {
            let kept = (0..<rank).filter { !r.axes.contains($0) }
            names = ["M", "R"] + kept.map { "d\($0)" } + r.axes.map { "d\($0)" }
        } else {
            names = ["n"] + (0..<rank).map { "d\($0)" }
        }
        for (n, _) in stridedLoads(kernel) { names += ["l\(n)o"] + (0..<rank).map { "l\(n)s\($0)" } }
        return names
    }

    /// Statements defining `i<k>` for the dimensions in `needed`, from the row-major
    /// position `position` over dimensions `dims` (in order), with sizes `size(k)`.
    static func decompose(_ position: String, dims: [Int], needed: Set<Int>, size: (Int) -> String,
                          indexType: String, prefix: String) -> [String] {
        guard let first = dims.firstIndex(where: needed.contains) else { return [] }
        var lines = ["\(indexType) \(prefix)q = \(position);"]
        for j in stride(from: dims.count - 1, through: first, by: -1) {
            let k = dims[j]
            if j == 0 {
                lines.append("const \(indexType) i\(k) = \(prefix)q;")
            } else {
                lines.append("const \(indexType) i\(k) = \(prefix)q % \(size(k)); \(prefix)q = \(prefix)q / \(size(k));")
            }
        }
        return lines
    }

    /// The element index a load reads, as an expression.
    static func loadIndex(instruction n: Int, map: KernelIndexMap, kernel: Kernel, parametric: Bool,
                          contiguousPosition: String?) -> String {
        if let p = contiguousPosition, isContiguous(map, kernel.indexSpace) { return p }
        if parametric {
            let terms = ["l\(n)o"] + map.strides.indices.map { "l\(n)s\($0) * i\($0)" }
            return "(" + terms.joined(separator: " + ") + ")"
        }
        var terms = map.offset != 0 ? [String(map.offset)] : []
        for (k, s) in map.strides.enumerated() where s != 0 && kernel.indexSpace[k] != 1 {
            terms.append(s == 1 ? "i\(k)" : "(\(s)) * i\(k)")
        }
        if terms.count == 1 { return terms[0] }
        return terms.isEmpty ? "0" : "(" + terms.joined(separator: " + ") + ")"
    }

    /// The dimensions whose coordinates the body reads.
    static func neededDimensions(_ kernel: Kernel, parametric: Bool, contiguousAvailable: Bool) -> Set<Int> {
        var needed = Set<Int>()
        for inst in kernel.body {
            switch inst.op {
            case .index(let d): needed.insert(d)
            case .load(_, let map):
                if contiguousAvailable && isContiguous(map, kernel.indexSpace) { continue }
                for (k, s) in map.strides.enumerated() where parametric || (s != 0 && kernel.indexSpace[k] != 1) {
                    needed.insert(k)
                }
            case .literal, .unary, .binary, .compare, .select, .convert, .bitcast, .accumulator: continue
            }
        }
        return needed
    }
}
