import Foundation
import KernelSource
import TesseraCore

/// Compiled eager kernels of one device, by a shape-erased key: eager kernels are rendered
/// with shapes as arguments, so one program serves every shape with the same structure
/// (dtypes, rank, which loads are contiguous, index type).
final class EagerKernelCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [AnyHashable: AnyObject] = [:]
    private var exactEntries: [ExactKey: (kernel: Kernel, compiled: OpenCLCompiledKernel)] = [:]

    /// A primitive with its exact operand and result types.
    struct ExactKey: Hashable {
        var primitive: Primitive
        var inputTypes: [ShapedType]
        var outputTypes: [ShapedType]
    }

    /// The kernel and program of an exact request seen before.
    func exact(_ key: ExactKey) -> (kernel: Kernel, compiled: OpenCLCompiledKernel)? {
        lock.lock()
        defer { lock.unlock() }
        return exactEntries[key]
    }

    /// Remembers an exact request (the table is emptied when it reaches 4096 entries).
    func remember(_ key: ExactKey, kernel: Kernel, compiled: OpenCLCompiledKernel) {
        lock.lock()
        defer { lock.unlock() }
        if exactEntries.count >= 4096 { exactEntries.removeAll(keepingCapacity: true) }
        exactEntries[key] = (kernel, compiled)
    }

    /// The entry under `key`, made by `make` the first time.
    func value<T: AnyObject>(_ key: AnyHashable, _ make: () throws -> T) throws -> T {
        lock.lock()
        if let v = entries[key] as? T {
            lock.unlock()
            return v
        }
        lock.unlock()
        let v = try make()
        lock.lock()
        entries[key] = v
        lock.unlock()
        return v
    }

    /// The key of a kernel rendered in parametric mode: the kernel with shapes, offsets and
    /// strides zeroed, the contiguity of each load, and the index type.
    struct Key: Hashable {
        var skeleton: Kernel
        var contiguous: [Bool]
        var indexType: DType
    }

    static func key(_ kernel: Kernel) -> Key {
        var k = kernel
        k.name = "eager"
        k.inputs = kernel.inputs.map { ShapedType([], $0.dtype) }
        k.outputs = kernel.outputs.map { ShapedType([], $0.dtype) }
        k.indexSpace = kernel.indexSpace.map { _ in 0 }
        var contiguous: [Bool] = []
        k.body = kernel.body.map { inst in
            if case .load(let input, let map) = inst.op {
                let shape = kernel.indexSpace
                let c = map.offset == 0 && zip(zip(map.strides, contiguousStrides(shape)), shape).allSatisfy { $0.0 == $0.1 || $1 == 1 }
                contiguous.append(c)
                return KernelInstruction(.load(input: input, map: KernelIndexMap(offset: 0, strides: map.strides.map { _ in 0 })), inst.dtype)
            }
            return inst
        }
        return Key(skeleton: k, contiguous: contiguous, indexType: KernelSourceRenderer.indexType(of: kernel))
    }
}
