import Foundation

/// An open store file holding its `flock`. Every writer of a store (paydesk and, we ask, the other systems)
/// takes the exclusive lock for each append; compaction takes it to swap the file.
final class LockedFile: @unchecked Sendable {
    let fd: Int32
    let path: String

    private init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    deinit { close(fd) }   // closing releases the lock

    enum Wait {
        /// Fail at once if another process holds the lock.
        case no
        /// Retry for up to this many seconds.
        case upTo(Double)
    }

    /// Opens (creating if asked, with `sharing`'s mode) and locks `path`. If the file was replaced while we waited for
    /// the lock (a compaction renamed a new file into place), it reopens, so we never write into the replaced file.
    static func open(_ path: String, create: Bool, sharing: FileSharing = .ownerOnly, wait: Wait) throws -> LockedFile {
        let deadline = Date().addingTimeInterval({ if case .upTo(let s) = wait { s } else { 0 } }())
        while true {
            // O_APPEND: even a writer that ignores the lock cannot have its bytes overwritten by ours.
            guard let fd = try RegularFile.open(path, flags: (create ? O_RDWR | O_CREAT : O_RDWR) | O_APPEND, followLinks: false, what: "file") else {
                throw PaydeskError.failed("\(path) does not exist")
            }
            let file = LockedFile(fd: fd, path: path)
            if create { try sharing.applyMode(to: fd, path: path) }
            while flock(fd, LOCK_EX | LOCK_NB) != 0 {
                let code = errno
                guard code == EWOULDBLOCK || code == EINTR else { throw PaydeskError.io("cannot lock \(path): \(systemMessage(code))") }
                guard Date() < deadline else {
                    throw PaydeskError.failed("\(path) is locked by another process (a paydesk or another system writing to it); try again in a moment")
                }
                usleep(5_000)
            }
            if file.isStillAtPath { return file }
            // Replaced under us: drop this descriptor (and its lock) and open the new file.
        }
    }

    /// Whether another open file holds the lock on `path` right now (in this process or another).
    static func isHeld(_ path: String) -> Bool {
        guard let file = try? open(path, create: false, wait: .no) else {
            var info = stat()
            return lstat(path, &info) == 0
        }
        withExtendedLifetime(file) {}
        return false
    }

    /// Lets other writers in while keeping the file open.
    func unlock() { flock(fd, LOCK_UN) }

    /// Whether `path` still names the file we hold.
    var isStillAtPath: Bool {
        var mine = stat(), current = stat()
        return fstat(fd, &mine) == 0 && stat(path, &current) == 0 && mine.st_ino == current.st_ino && mine.st_dev == current.st_dev
    }

    var size: Int {
        var info = stat()
        return fstat(fd, &info) == 0 ? Int(info.st_size) : 0
    }

    /// Writes all of `bytes` at the end of the file and syncs it to disk. On failure the file is cut back
    /// to its old length, so a failed append leaves no half line behind.
    func appendAndSync(_ bytes: [UInt8]) throws {
        let before = size
        let failure = bytes.withUnsafeBytes { writeAll(fd, $0) } ?? (fsync(fd) == 0 ? nil : errno)
        if let code = failure {
            _ = ftruncate(fd, off_t(before))
            _ = fsync(fd)
            throw PaydeskError.io("cannot write to \(path): \(systemMessage(code)); nothing was added")
        }
    }

    /// The last byte of the file, if any.
    var lastByte: UInt8? {
        let n = size
        guard n > 0 else { return nil }
        var byte: UInt8 = 0
        return pread(fd, &byte, 1, off_t(n - 1)) == 1 ? byte : nil
    }
}

/// Makes a rename or a new file in `directory` survive a crash.
func syncDirectory(_ directory: String) {
    let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if fd >= 0 {
        fsync(fd)
        close(fd)
    }
}
