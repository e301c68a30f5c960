import COpenCL
import Foundation
import TesseraCore

/// A tensor's elements in an OpenCL buffer, with the event of the command that writes it.
///
/// Buffers are immutable once written; every command is enqueued on the device's in-order
/// queue, so a later command that reads the buffer runs after the writer. `wait()` blocks
/// on the writer's event and throws if the command failed.
final class OpenCLBuffer: DeviceBuffer, @unchecked Sendable {
    /// The memory object (at least one byte: OpenCL has no empty buffers).
    let mem: cl_mem
    /// Size in bytes of the tensor's elements.
    let byteCount: Int
    /// The device context that owns the buffer.
    let context: OpenCLDeviceContext
    private let lock = NSLock()
    private var event: cl_event?

    init(mem: cl_mem, byteCount: Int, context: OpenCLDeviceContext) {
        self.mem = mem
        self.byteCount = byteCount
        self.context = context
    }

    deinit {
        if let event { clReleaseEvent(event) }
        context.recycle(mem, byteCount: Swift.max(byteCount, 1))
    }

    /// Records the event of the command writing the buffer (retained).
    func setEvent(_ e: cl_event?) {
        guard let e else { return }
        clRetainEvent(e)
        lock.lock()
        let old = event
        event = e
        lock.unlock()
        if let old { clReleaseEvent(old) }
    }

    /// Waits for the writing command; throws a `TesseraError` naming the device if it failed.
    func wait() throws {
        lock.lock()
        let e = event
        if let e { clRetainEvent(e) }
        lock.unlock()
        guard let e else { return }
        defer { clReleaseEvent(e) }
        var ev: cl_event? = e
        let rc = clWaitForEvents(1, &ev)
        var status: cl_int = 0
        clGetEventInfo(e, cl_event_info(CL_EVENT_COMMAND_EXECUTION_STATUS), MemoryLayout<cl_int>.size, &status, nil)
        if rc != CL_SUCCESS || status < 0 {
            throw TesseraError(status == CL_OUT_OF_RESOURCES || status == CL_MEM_OBJECT_ALLOCATION_FAILURE ? .outOfMemory : .execution,
                               "opencl: a kernel writing this buffer failed on \(context.deviceDescription) with \(CL.errorName(status < 0 ? status : rc))")
        }
        lock.lock()
        if event == e { clReleaseEvent(e); event = nil }
        lock.unlock()
    }
}
