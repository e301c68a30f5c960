import Foundation
import Synchronization

/// Runs `f` on every device at once, splitting each argument's leading axis over the
/// devices; collectives (`psum`, `pmean`, `allGather`, ...) over `axisName` combine values
/// across them. The result's leading axis is the device axis.
///
/// The function is traced once per input signature and device list, its program is split
/// at the collectives and each segment compiled for every device; the devices run their
/// segments concurrently. With `devices: Device.all` the devices may belong to several
/// backends: collectives combine values on a device within each backend and through the
/// host across backends. Collectives may sit inside `cond`, `whileLoop`, `forLoop` and
/// `scan` bodies; the devices then step through the control flow together and must agree
/// on branches and loop exits (derive the predicate from a collective such as `pmax`).
/// pmap is the outermost transformation: `pmap(grad(f))`, `pmap(vmap(f))`, not `jit(pmap(f))`.
/// More CPU devices: `TESSERA_CPU_DEVICES=4` or `Tessera.configure(cpuDevices: 4)`.
/// ```swift
/// let total = pmap({ x in psum(x, axisName: "i") }, axisName: "i")(xs)   // xs: [nDevices, ...]
/// ```
public func pmap<A: TensorTree, R: TensorTree>(_ f: @escaping @Sendable (A) -> R, axisName: String = "i",
                                               devices: [Device]? = nil, name: String = "f") -> @Sendable (A) -> R {
    let engine = PmapEngine(name: name, axisName: axisName, devices: devices)
    return { a in
        engine.call([a.tensors]) { leaves in f(a.replacingTensors(leaves[0])) }
    }
}

/// `pmap` of a two-argument function; both arguments are split over the devices.
///
/// ```swift
/// let convolvePmap = pmap({ convolve($0, $1) })
/// ```
public func pmap<A: TensorTree, B: TensorTree, R: TensorTree>(_ f: @escaping @Sendable (A, B) -> R,
                                                              axisName: String = "i", devices: [Device]? = nil,
                                                              name: String = "f") -> @Sendable (A, B) -> R {
    let engine = PmapEngine(name: name, axisName: axisName, devices: devices)
    return { a, b in
        engine.call([a.tensors, b.tensors]) { l in f(a.replacingTensors(l[0]), b.replacingTensors(l[1])) }
    }
}

/// `pmap` of a three-argument function; every argument is split over the devices.
public func pmap<A: TensorTree, B: TensorTree, C: TensorTree, R: TensorTree>(
    _ f: @escaping @Sendable (A, B, C) -> R, axisName: String = "i", devices: [Device]? = nil, name: String = "f"
) -> @Sendable (A, B, C) -> R {
    let engine = PmapEngine(name: name, axisName: axisName, devices: devices)
    return { a, b, c in
        engine.call([a.tensors, b.tensors, c.tensors]) { l in
            f(a.replacingTensors(l[0]), b.replacingTensors(l[1]), c.replacingTensors(l[2]))
        }
    }
}

/// The state of one pmapped function: its devices and its programs per signature.
final class PmapEngine: Sendable {
    let name: String
    let axisName: String
    let requestedDevices: [Device]?
    private let cache = Mutex<[ProgramKey: PmapProgram]>([:])

    /// A program is traced per argument signature and device list.
    private struct ProgramKey: Hashable {
        var types: [ShapedType]
        var devices: [Device]
    }

    init(name: String, axisName: String, devices: [Device]?) {
        self.name = name
        self.axisName = axisName
        self.requestedDevices = devices
    }

    /// The devices to run on: those given, else every device of the default backend.
    var devices: [Device] {
        if let d = requestedDevices {
            if d.isEmpty { usageError("pmap(\(name)): the device list is empty") }
            return d
        }
        return Device.default.backend.devices
    }

    /// Splits the argument leaves over the devices, runs the program, stacks the results.
    func call<R: TensorTree>(_ args: [[Tensor]], _ body: ([[Tensor]]) -> R) -> R {
        if !TraceStack.current.traces.isEmpty || args.joined().contains(where: { $0.base is Tracer }) {
            usageError("pmap(\(name)) was called inside another transformation (jit, grad or vmap), which traces one program for one device; pmap is supported only as the outermost transformation. Apply the others inside it instead: pmap(grad(f)), pmap(vmap(f)); pmap already compiles the per-device program as jit would, so pmap(f) needs no jit around it")
        }
        let devices = self.devices
        let n = devices.count
        let flat = Array(args.joined())
        for (k, leaf) in flat.enumerated() where leaf.rank == 0 || leaf.shape[0] != n {
            let size = leaf.rank == 0 ? "a scalar (no leading axis)" : "leading axis of size \(leaf.shape[0])"
            usageError("pmap(\(name)): argument leaf \(k) has \(size), but pmap runs on \(n) device(s) (\(devices.map(\.id).joined(separator: ", "))); the leading axis must equal the number of devices")
        }
        let perDeviceTypes = flat.map { ShapedType(Array($0.shape.dropFirst()), $0.dtype, weak: $0.isWeaklyTyped) }
        let program = cache.withLock { cache -> PmapProgram in
            let key = ProgramKey(types: perDeviceTypes, devices: devices)
            if let p = cache[key] { return p }
            TesseraLog.logger.info("pmap(\(name)): tracing for \(perDeviceTypes) over \(n) device(s)")
            var template: R?
            let closed = NamedAxes.with(name: axisName, size: n) {
                traceToJaxpr(name: "pmap(\(name))", inTypes: perDeviceTypes) { leaves in
                    var grouped: [[Tensor]] = []
                    var i = 0
                    for a in args {
                        grouped.append(Array(leaves[i..<(i + a.count)]))
                        i += a.count
                    }
                    let r = body(grouped)
                    template = r
                    return r.tensors
                }
            }
            let p = PmapProgram(closed: closed, devices: devices, name: name, outputTemplate: template!)
            cache[key] = p
            return p
        }
        let perDevice: [[Tensor]] = devices.enumerated().map { d, device in
            flat.map { Lax.indexInDim($0, axis: 0, index: d).to(device) }
        }
        let outs = program.run(perDevice)
        let root = devices[0]
        let template = program.outputTemplate as! R
        let count = outs.first?.count ?? 0
        let stacked = (0..<count).map { k in Lax.stack(outs.map { $0[k].to(root) }, axis: 0) }
        return template.replacingTensors(stacked)
    }
}
