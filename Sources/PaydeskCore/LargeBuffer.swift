#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Memory for a whole store file read at once (hundreds of megabytes), asked for in huge pages where the system
/// gives them: touched a 4 KiB page at a time, such a buffer spent a tenth of a load in page faults.
enum LargeBuffer {
    static let hugePage = 2 << 20

    /// At least one byte; give it back with `release`.
    static func allocate(_ count: Int) -> UnsafeMutablePointer<UInt8> {
        let size = max(count, 1)
        var memory: UnsafeMutableRawPointer?
        if size >= 2 * hugePage, posix_memalign(&memory, hugePage, size) == 0, let memory {
            #if os(Linux)
            _ = madvise(memory, (size / hugePage) * hugePage, MADV_HUGEPAGE)   // advice only: without it, small pages
            #endif
            return memory.bindMemory(to: UInt8.self, capacity: size)
        }
        guard let plain = malloc(size) else { fatalError("out of memory: \(size) bytes") }
        return plain.bindMemory(to: UInt8.self, capacity: size)
    }

    static func release(_ pointer: UnsafeMutablePointer<UInt8>) { free(pointer) }
}
