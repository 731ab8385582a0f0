import CLibcExtras

/// Makes freed memory go back to the system, for a console that stays open all day over a large store.
/// glibc otherwise raises its mmap threshold after each large free, so the megabyte-sized pieces a store is read
/// and scanned in are then served from its heap and stay resident once freed (16 MB at a million lines, in tmux).
public enum MemoryReturn {
    public static func configure() {
        #if os(Linux)
        _ = mallopt(PAYDESK_M_MMAP_THRESHOLD, 1 << 20)   // fixed: blocks of a mebibyte or more are unmapped when freed
        #endif
    }
}
