import CLibcExtras

/// Makes freed memory go back to the system, for a console that stays open all day over a large store.
/// glibc otherwise raises its mmap threshold after each large free, so the 8 MiB pieces a store is read in are
/// then served from its heap and stay resident once freed (16 MB at a million lines, in tmux). Below 2 MiB,
/// blocks come from the heap and are reused: the arrays of each piece's rows, a mebibyte or two, cost a tenth of
/// the console's start in page faults when every one was mapped afresh.
public enum MemoryReturn {
    public static func configure() {
        #if os(Linux)
        _ = mallopt(PAYDESK_M_MMAP_THRESHOLD, 2 << 20)   // fixed: blocks of 2 MiB or more are unmapped when freed
        #endif
    }
}
