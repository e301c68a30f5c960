/// Carries out collectives between the devices of a pmap.
///
/// Devices are grouped by backend. Within a group, values meet on the group's first device
/// by the backend's device-to-device path when it has one (`Backend.copy`; the BLAS
/// virtual devices share their buffers), so the reduction runs on a device and nothing
/// waits on the host. Across groups, each group's partial result goes through the host
/// once to the first device, is combined there, and comes back the same way.
enum CollectiveExecution {
    /// The devices' results of `op` on `values` (`values[d]` on device `d`; nil for
    /// `axisIndex`, which has no operand).
    static func run(_ op: CollectiveOp, _ values: [Tensor?], outType: ShapedType, devices: [Device]) -> [Tensor] {
        switch op {
        case .psum, .pmax, .pmin:
            let combine: BinaryOp = op == .psum ? .add : (op == .pmax ? .max : .min)
            func reduce(_ xs: [Tensor]) -> Tensor { xs.dropFirst().reduce(xs[0]) { Lax.binary(combine, $0, $1) } }
            let groups = backendGroups(devices)
            let partials = groups.map { g in reduce(g.map { values[$0]!.to(devices[g[0]]) }) }
            let root = devices[groups[0][0]]
            return broadcast(reduce(partials.map { $0.to(root) }), groups: groups, devices: devices)
        case .allGather(let axis):
            let root = devices[0]
            return broadcast(Lax.stack(values.map { $0!.to(root) }, axis: axis), groups: backendGroups(devices), devices: devices)
        case .ppermute(let pairs):
            return devices.enumerated().map { d, device in
                if let p = pairs.first(where: { $0.target == d }) { return values[p.source]!.to(device) }
                return Tensor(bytes: [UInt8](repeating: 0, count: outType.byteCount), type: outType.strong, on: device)
            }
        case .axisIndex:
            return devices.enumerated().map { d, device in
                Tensor([Int32(d)], shape: [], dtype: .int32, on: device)
            }
        }
    }

    /// Device indices grouped by backend, in order of first appearance.
    static func backendGroups(_ devices: [Device]) -> [[Int]] {
        var groups: [[Int]] = []
        for (d, device) in devices.enumerated() {
            if let g = groups.firstIndex(where: { devices[$0[0]].backend === device.backend }) {
                groups[g].append(d)
            } else {
                groups.append([d])
            }
        }
        return groups
    }

    /// `total` on every device: once to each group's first device, then within the group.
    private static func broadcast(_ total: Tensor, groups: [[Int]], devices: [Device]) -> [Tensor] {
        var out = [Tensor?](repeating: nil, count: devices.count)
        for g in groups {
            let head = total.to(devices[g[0]])
            for d in g { out[d] = head.to(devices[d]) }
        }
        return out.map { $0! }
    }
}
