#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file's bytes as they were when read: read once with `pread`, never changed.
/// (Not `mmap`: another system truncating the file would then crash us with SIGBUS.)
final class FileBytes: @unchecked Sendable {
    let base: UnsafeMutablePointer<UInt8>
    let count: Int

    private init(base: UnsafeMutablePointer<UInt8>, count: Int) {
        self.base = base
        self.count = count
    }

    deinit { base.deallocate() }

    static let empty = FileBytes(base: .allocate(capacity: 1), count: 0)

    /// The whole file, or `empty` if it does not exist yet. Only a regular file, never through a link.
    static func read(path: String) throws -> FileBytes {
        guard let fd = try RegularFile.open(path, flags: O_RDONLY, followLinks: false, what: "store file") else { return empty }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw PaydeskError.io("cannot stat \(path): \(systemMessage())") }
        let size = Int(info.st_size)
        let base = UnsafeMutablePointer<UInt8>.allocate(capacity: max(size, 1))
        var done = 0
        while done < size {
            let n = pread(fd, base + done, size - done, off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                base.deallocate()
                throw PaydeskError.io("cannot read \(path): \(systemMessage())")
            }
            if n == 0 { break }   // shrank under us: keep what we have
            done += n
        }
        return FileBytes(base: base, count: done)
    }
}

/// The text of the current `errno`.
func systemMessage(_ code: Int32 = errno) -> String {
    String(cString: strerror(code))
}
