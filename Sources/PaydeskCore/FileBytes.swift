#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file's bytes as they were when read: read once with `pread`, never changed.
/// (Not `mmap`: another system truncating the file would then crash us with SIGBUS.)
final class FileBytes: @unchecked Sendable {
    let base: UnsafeMutablePointer<UInt8>
    /// Set once, when the read ends (a file that shrank while read is shorter than its size said).
    private(set) var count: Int

    private init(base: UnsafeMutablePointer<UInt8>, count: Int) {
        self.base = base
        self.count = count
    }

    deinit { LargeBuffer.release(base) }

    static let empty = FileBytes(base: LargeBuffer.allocate(1), count: 0)

    /// The whole file, or `empty` if it does not exist yet. Only a regular file, never through a link.
    /// `progress` gets the bytes read so far after each piece: a caller may start on them while the rest is read,
    /// holding the `FileBytes` so its memory stays even when the read fails.
    static func read(path: String, progress: (FileBytes, UnsafeBufferPointer<UInt8>) -> Void = { _, _ in }) throws -> FileBytes {
        guard let fd = try RegularFile.open(path, flags: O_RDONLY, followLinks: false, what: "store file") else { return empty }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw PaydeskError.io("cannot stat \(path): \(systemMessage())") }
        let size = Int(info.st_size)
        let bytes = FileBytes(base: LargeBuffer.allocate(size), count: 0)
        var done = 0
        while done < size {
            let n = pread(fd, bytes.base + done, min(size - done, 4 << 20), off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                throw PaydeskError.io("cannot read \(path): \(systemMessage())")
            }
            if n == 0 { break }   // shrank under us: keep what we have
            done += n
            progress(bytes, UnsafeBufferPointer(start: bytes.base, count: done))
        }
        bytes.count = done
        return bytes
    }
}

/// The text of the current `errno`.
func systemMessage(_ code: Int32 = errno) -> String {
    String(cString: strerror(code))
}
