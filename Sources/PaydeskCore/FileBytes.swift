import CMappedFile
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file's first bytes, never changed by us.
/// Mapped, not copied: copying a 200 MB store into fresh memory cost more than indexing it. A mapping shows the
/// file as it is, not as it was: stores are only appended to (a compaction makes a new file), but if another
/// program cuts the file short meanwhile, the lost bytes read as zeros (the mapping is guarded against SIGBUS,
/// see `mapped_file.h`) and `wasCutShort` turns true, so readers refuse what they read.
final class FileBytes: @unchecked Sendable {
    let base: UnsafePointer<UInt8>
    /// Set once, when the read ends (a file that shrank while read is shorter than its size said).
    private(set) var count: Int
    /// The guarded mapping's slot and a descriptor of the file, or nil when the bytes were read into memory of our own.
    private let mapping: (slot: Int32, fd: Int32)?

    private init(base: UnsafePointer<UInt8>, count: Int, mapping: (slot: Int32, fd: Int32)?) {
        self.base = base
        self.count = count
        self.mapping = mapping
    }

    deinit {
        if let mapping {
            paydesk_unmap_file(mapping.slot)
            if mapping.fd >= 0 { close(mapping.fd) }
        } else {
            free(UnsafeMutableRawPointer(mutating: base))
        }
    }

    static let empty = FileBytes(base: UnsafePointer(malloc(1)!.assumingMemoryBound(to: UInt8.self)), count: 0, mapping: nil)

    /// Whether the file is now shorter than what was mapped: touched, the lost bytes read as zeros (the guard saw
    /// that), and written out from the mapping they fail. What was read is then not the file.
    var wasCutShort: Bool {
        guard let mapping else { return false }
        if paydesk_mapping_was_cut(mapping.slot) { return true }
        var info = stat()
        return mapping.fd >= 0 && fstat(mapping.fd, &info) == 0 && Int(info.st_size) < count
    }

    /// Lets the pages wholly inside `range` go from this process's memory once they were read: a search over a
    /// mapped 200 MB store then holds a piece at a time, not the file. Read again, they come back from the file.
    func letGo(_ range: Range<Int>) {
        guard mapping != nil else { return }
        let page = Int(getpagesize())
        let first = (range.lowerBound + page - 1) / page * page, last = range.upperBound / page * page
        if last > first { _ = madvise(UnsafeMutableRawPointer(mutating: base + first), last - first, MADV_DONTNEED) }
    }

    /// Throws if the file was cut short under the mapping (see `wasCutShort`).
    func checkIntact(path: String) throws {
        guard wasCutShort else { return }
        throw PaydeskError.io("\(path) was cut short by another program while paydesk read it, so what was read is not the file; "
            + "nothing was changed. Run the command again.")
    }

    /// The whole file, or `empty` if it does not exist yet. Only a regular file, never through a link.
    /// `progress` gets the bytes so far, 4 MiB more each time: a caller may start on them while the rest is
    /// handed over, holding the `FileBytes` so its memory stays even when the read fails.
    static func read(path: String, progress: (FileBytes, UnsafeBufferPointer<UInt8>) -> Void = { _, _ in }) throws -> FileBytes {
        guard let fd = try RegularFile.open(path, flags: O_RDONLY, followLinks: false, what: "store file") else { return empty }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw PaydeskError.io("cannot stat \(path): \(systemMessage())") }
        return try read(fd: fd, size: Int(info.st_size), path: path, progress: progress)
    }

    /// The first `size` bytes of the open file `fd` (named `path` in messages).
    static func read(fd: Int32, size: Int, path: String, progress: (FileBytes, UnsafeBufferPointer<UInt8>) -> Void = { _, _ in }) throws -> FileBytes {
        guard size > 0 else { return empty }
        let step = 4 << 20
        var mapped: UnsafePointer<UInt8>?
        let slot = paydesk_map_file(fd, size, &mapped)
        if slot >= 0, let mapped {
            let bytes = FileBytes(base: mapped, count: 0, mapping: (slot, dup(fd)))   // fd is the caller's to close
            var done = 0
            while done < size {
                done = min(size, done + step)
                progress(bytes, UnsafeBufferPointer(start: mapped, count: done))
            }
            bytes.count = size
            return bytes
        }
        // A file system that cannot map files, or every slot taken: read it instead.
        guard let memory = malloc(size)?.assumingMemoryBound(to: UInt8.self) else {
            throw PaydeskError.io("cannot read \(path): not enough memory for \(size) bytes")
        }
        let bytes = FileBytes(base: memory, count: 0, mapping: nil)
        var done = 0
        while done < size {
            let n = pread(fd, memory + done, min(size - done, step), off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                throw PaydeskError.io("cannot read \(path): \(systemMessage())")
            }
            if n == 0 { break }   // shrank under us: keep what we have
            done += n
            progress(bytes, UnsafeBufferPointer(start: memory, count: done))
        }
        bytes.count = done
        return bytes
    }
}

/// The text of the current `errno`.
func systemMessage(_ code: Int32 = errno) -> String {
    String(cString: strerror(code))
}
