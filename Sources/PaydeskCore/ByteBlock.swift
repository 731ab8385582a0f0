import Foundation

/// One block of bytes, freed with the last value holding it: the console's copies of open store lines, the
/// table's cells. Filled once, then only read, so readers on any thread may share it. A big one is asked for in
/// huge pages where the system gives them: touched 4 KiB at a time, half a million lines cost more in page
/// faults than in copying them.
public final class ByteBlock: @unchecked Sendable {
    public let base: UnsafeMutablePointer<UInt8>
    public let count: Int
    private static let hugePage = 2 << 20

    public init(capacity: Int) {
        count = capacity
        var memory: UnsafeMutableRawPointer?
        if capacity >= 2 * Self.hugePage, posix_memalign(&memory, Self.hugePage, capacity) == 0, let memory {
            #if os(Linux)
            _ = madvise(memory, capacity / Self.hugePage * Self.hugePage, MADV_HUGEPAGE)   // advice only
            #endif
            base = memory.bindMemory(to: UInt8.self, capacity: capacity)
        } else {
            guard let memory = malloc(max(capacity, 1)) else { fatalError("out of memory: \(capacity) bytes") }
            base = memory.bindMemory(to: UInt8.self, capacity: capacity)
        }
    }

    deinit { free(base) }
}
