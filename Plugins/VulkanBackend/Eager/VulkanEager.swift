import Foundation
import TesseraCore

/// Launches of the eager path, cached per (device, primitive, types).
final class EagerKernelCache: @unchecked Sendable {
    struct Key: Hashable {
        var device: ObjectIdentifier
        var primitive: Primitive
        var inputs: [ShapedType]
        var outputs: [ShapedType]
    }
    private let lock = NSLock()
    private var launches: [Key: VulkanLaunch] = [:]
    func launch(_ key: Key, make: () throws -> VulkanLaunch) throws -> VulkanLaunch {
        if let l = lock.withLock({ launches[key] }) { return l }
        let l = try make()
        lock.withLock { launches[key] = l }
        return l
    }
}

/// The eager path: every non-control-flow primitive as one (or a few) dispatches on the device.
struct VulkanEager {
    let backend: VulkanBackend
    let context: VulkanDeviceContext

    func execute(_ primitive: Primitive, inputs: [VulkanBuffer], inputTypes: [ShapedType],
                 outputTypes: [ShapedType], on device: Device) throws -> [any DeviceBuffer] {
        switch primitive {
        case .reshape, .stopGradient:
            return [inputs[0]]
        case .cond, .whileLoop, .scan, .collective:
            throw TesseraError(.invalidArgument, "vulkan: \(printedName(primitive)) reached a backend; the core runs control flow and collectives")
        case .convGeneralDilated:
            // im2col on the device (pads and strided slices) plus one grouped dot_general.
            return try ConvLowering.execute(primitive, inputs: inputs, inputTypes: inputTypes, on: device)
        case .linalg:
            // No device shaders yet: an explicit host round-trip, logged at info level.
            return try HostEvaluation.roundTrip(primitive, inputs: inputs, inputTypes: inputTypes, outputTypes: outputTypes,
                                                on: device)
        case .unary, .binary, .compare, .select, .convertElementType, .bitcastConvertType, .iota, .broadcastInDim,
             .transpose, .slice, .rev, .reduce, .dynamicSlice, .dynamicUpdateSlice, .pad, .concatenate, .gather,
             .scatter, .argReduce, .cumulative, .sort, .dotGeneral, .threefry2x32:
            break
        }
        let key = EagerKernelCache.Key(device: ObjectIdentifier(context), primitive: primitive, inputs: inputTypes.map(\.strong), outputs: outputTypes.map(\.strong))
        let launches = try backend.eagerCache.launch(key) { try self.launch(primitive, inputTypes, outputTypes) }
        let outs = try outputTypes.map { try context.makeBuffer(byteCount: $0.byteCount) }
        try context.dispatch(launches, inputs: inputs, outputs: outs)
        return outs
    }

    func launch(_ primitive: Primitive, _ ins: [ShapedType], _ outs: [ShapedType]) throws -> VulkanLaunch {
        let renderer = GLSLKernelRenderer(info: context.info, label: context.label)
        if let k = EagerKernels.kernel(primitive, ins, outs) {
            return try renderer.render(k)
        }
        return try DeviceShaders(renderer: renderer).launch(primitive, ins, outs)
    }
}
