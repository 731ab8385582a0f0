import Foundation

/// One block of bytes, freed with the last value holding it: the console's copies of open store lines, the
/// table's cells. Filled once, then only read, so readers on any thread may share it.
/// Its pages are what costs: touched 4 KiB at a time, half a million lines cost more in page faults than in
/// copying them. A block the caller writes whole at once is mapped with its pages already there; a growing one
/// is asked for in huge pages where the system gives them, and what is never written costs nothing.
public final class ByteBlock: @unchecked Sendable {
    public let base: UnsafeMutablePointer<UInt8>
    public let count: Int
    /// The length of its own mapping, or 0 when it came from malloc.
    private let mappedLength: Int
    private static let hugePage = 2 << 20
    /// Pages present at once where the system can (Linux); elsewhere they come as they are written.
    #if os(Linux)
    private static let populate = MAP_POPULATE
    #else
    private static let populate: Int32 = 0
    #endif

    public init(capacity: Int, writtenWhole: Bool = false) {
        count = capacity
        var memory: UnsafeMutableRawPointer?
        if writtenWhole, capacity >= 1 << 18,
           let pages = mmap(nil, capacity, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | Self.populate, -1, 0), pages != MAP_FAILED {
            mappedLength = capacity
            base = pages.bindMemory(to: UInt8.self, capacity: capacity)
            return
        }
        mappedLength = 0
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

    deinit {
        if mappedLength > 0 { munmap(base, mappedLength) } else { free(base) }
    }
}
