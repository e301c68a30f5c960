import TesseraCore

/// argmax/argmin, cumulative scans, sort and threefry (see `DeviceShaders`).
extension DeviceShaders {
    /// Thread per output: the first extremum along `axis`, a NaN beating every number.
    func argReduce(_ op: ArgReduceOp, _ axis: Int, _ ins: [ShapedType], _ outs: [ShapedType]) throws -> VulkanLaunch {
        let x = ins[0]
        let n = x.shape[axis]
        let inner = x.shape[(axis + 1)...].reduce(1, *)
        let t = ShaderProgram.glslType(x.dtype)
        let cmp = op == .argmax ? ">" : "<"
        let better: String
        if x.dtype.isFloatingPoint {
            better = "(!isnan(best) && (isnan(v) || v \(cmp) best))"
        } else if x.dtype == .bool {
            better = "(int(v) \(cmp) int(best))"
        } else {
            better = "(v \(cmp) best)"
        }
        let outD = outs[0].dtype
        let loop = """
        uint o = i / \(inner)u, r = i % \(inner)u;
                uint base = o * \(n * inner)u + r;
                \(t) best = \(Self.read(0, x.dtype, "base"));
                int bestIndex = 0;
                \(Self.loop("j", from: "1u", to: "\(n)u", "\(t) v = \(Self.read(0, x.dtype, "base + j * \(inner)u")); if (\(better)) { best = v; bestIndex = int(j); }"))
                b1[i] = \(ShaderProgram.glslType(outD))(bestIndex);
        """
        let count = n == 0 ? 0 : outs[0].count
        return try elementwise(op.rawValue, bindings: [x.dtype, outD], count: count, loop: loop)
    }

    /// Thread per line: a sequential inclusive scan (the reference's order of combination).
    func cumulative(_ op: CumulativeOp, _ axis: Int, _ reverse: Bool, _ ins: [ShapedType], _ outs: [ShapedType]) throws -> VulkanLaunch {
        let x = ins[0]
        let n = x.shape[axis]
        let inner = x.shape[(axis + 1)...].reduce(1, *)
        let lines = x.count / Swift.max(n, 1)
        let t = ShaderProgram.glslType(x.dtype)
        var ops = GLSLScalarOps(hasFloat64: info.shaderFloat64)
        let reduceOp: ReduceOp
        switch op {
        case .cumsum: reduceOp = .sum
        case .cumprod: reduceOp = .prod
        case .cummax: reduceOp = .max
        case .cummin: reduceOp = .min
        }
        let combined: String
        let identity: String
        // float16 sums and products accumulate in float32, as the reference backend does.
        let wideAccumulator = x.dtype == .float16 && (reduceOp == .sum || reduceOp == .prod)
        if wideAccumulator {
            combined = reduceOp == .sum ? "(acc + float(v))" : "(acc * float(v))"
            identity = reduceOp == .sum ? "0.0" : "1.0"
        } else if x.dtype == .bool {
            combined = (reduceOp == .sum || reduceOp == .max) ? "(acc || v)" : "(acc && v)"
            identity = (reduceOp == .sum || reduceOp == .max) ? "false" : "true"
        } else {
            let binary: BinaryOp = reduceOp == .sum ? .add : reduceOp == .prod ? .mul : reduceOp == .max ? .max : .min
            combined = try ops.binary(binary, x.dtype, "acc", "v")
            let id = GLSLKernelRenderer.identity(reduceOp, x.dtype)
            identity = x.dtype == .float16 ? "float16_t(\(id))" : id
        }
        let loop = """
        uint o = i / \(inner)u, r = i % \(inner)u;
                uint base = o * \(n * inner)u + r;
                \(wideAccumulator ? "float" : t) acc = \(identity);
                \(Self.loop("s", to: "\(n)u", "uint p = base + (\(reverse ? "\(n - 1)u - s" : "s")) * \(inner)u; \(t) v = \(Self.read(0, x.dtype, "p")); acc = \(combined); \(Self.write(1, x.dtype, "p", wideAccumulator ? "float16_t(acc)" : "acc"))"))
        """
        return try elementwise(op.rawValue, bindings: [x.dtype, x.dtype], count: n == 0 ? 0 : lines, loop: loop,
                               sections: ops.sections)
    }

    /// Thread per element: its stable rank among its line (lexicographic on the keys, NaN
    /// last), then every operand's element moves to that rank.
    func sort(_ dimension: Int, _ numKeys: Int, _ ins: [ShapedType], _ outs: [ShapedType]) throws -> VulkanLaunch {
        let shape = ins[0].shape
        let n = shape.isEmpty ? 1 : shape[dimension]
        let inner = shape.isEmpty ? 1 : shape[(dimension + 1)...].reduce(1, *)
        var functions: [String] = []
        var keyCompare: [String] = []
        for k in 0..<numKeys {
            let d = ins[k].dtype
            let t = ShaderProgram.glslType(d)
            let lt: String
            if d.isFloatingPoint {
                lt = "(isnan(a) || isnan(b)) ? (isnan(a) ? (isnan(b) ? 0 : 1) : -1) : (a < b ? -1 : (b < a ? 1 : 0))"
            } else if d == .bool {
                lt = "int(a) < int(b) ? -1 : (int(b) < int(a) ? 1 : 0)"
            } else {
                lt = "a < b ? -1 : (b < a ? 1 : 0)"
            }
            functions.append("int tz_cmp\(k)(uint p, uint q) { \(t) a = \(Self.read(k, d, "p")); \(t) b = \(Self.read(k, d, "q")); return \(lt); }")
            keyCompare.append("if (c == 0) c = tz_cmp\(k)(q, p);")
        }
        let m = ins.count
        let moves = (0..<m).map { "b\(m + $0)[dst] = b\($0)[p];" }.joined(separator: " ")
        let loop = """
        uint line = i / \(n)u, j = i % \(n)u;
                uint o = line / \(inner)u, r = line % \(inner)u;
                uint base = o * \(n * inner)u + r;
                uint p = base + j * \(inner)u;
                uint rank = 0u;
                \(Self.loop("s", to: "\(n)u", "if (s != j) { uint q = base + s * \(inner)u; int c = 0; \(keyCompare.joined(separator: " ")) if (c < 0 || (c == 0 && s < j)) rank++; }"))
                uint dst = base + rank * \(inner)u;
                \(moves)
        """
        return try elementwise("sort", bindings: ins.map(\.dtype) + outs.map(\.dtype), count: ins[0].count, loop: loop,
                               functions: functions.joined(separator: "\n"))
    }

    /// Threefry-2x32 (20 rounds), one block per element.
    func threefry(_ ins: [ShapedType], _ outs: [ShapedType]) throws -> VulkanLaunch {
        let functions = """
        uint tz_rotl(uint x, uint r) { return (x << r) | (x >> (32u - r)); }
        """
        let rotations = [[13, 15, 26, 6], [17, 29, 16, 24]]
        var rounds: [String] = []
        for group in 0..<5 {
            for r in rotations[group % 2] { rounds.append("a += b; b = tz_rotl(b, \(r)u); b ^= a;") }
            let s = group + 1
            rounds.append("a += ks[\(s % 3)]; b += ks[\((s + 1) % 3)] + \(s)u;")
        }
        let loop = """
        uint k0 = b0[i], k1 = b1[i];
                uint ks[3] = uint[3](k0, k1, k0 ^ k1 ^ 0x1BD11BDAu);
                uint a = b2[i] + ks[0], b = b3[i] + ks[1];
                \(rounds.joined(separator: "\n        "))
                b4[i] = a; b5[i] = b;
        """
        return try elementwise("threefry2x32", bindings: [.uint32, .uint32, .uint32, .uint32, .uint32, .uint32],
                               count: outs[0].count, loop: loop, functions: functions)
    }
}
