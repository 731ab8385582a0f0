import Foundation

/// Opening the files paydesk keeps (store, audit trail, head, locks, config, secrets, themes) only when they
/// are regular files. A FIFO would block the open or the read forever, a device reads as empty or endless,
/// and a symbolic link in a profile's data folder could point into another profile's.
public enum RegularFile {
    /// Opens `path` and refuses anything but a regular file. O_NONBLOCK, so opening a FIFO cannot wait for a
    /// writer; it is cleared once the file is known to be regular. With `followLinks: false` a symbolic link is
    /// refused too. Returns nil when the file does not exist and `flags` has no O_CREAT.
    static func open(_ path: String, flags: Int32, followLinks: Bool, what: String,
                     error: (String) -> PaydeskError = PaydeskError.io) throws -> Int32? {
        let fd = Foundation.open(path, flags | O_NONBLOCK | O_CLOEXEC | (followLinks ? 0 : O_NOFOLLOW), 0o600)
        if fd < 0 {
            let code = errno
            if code == ENOENT, flags & O_CREAT == 0 { return nil }
            if code == ELOOP, !followLinks {
                throw error("\(what) \(path) is a symbolic link: files in a profile's data folder must be regular files there, "
                    + "so no profile can reach another's. Replace the link with the file itself")
            }
            if code == ENXIO { throw error(notRegular(path, "a FIFO or socket", what)) }
            throw error("cannot open \(what) \(path): \(systemMessage(code))")
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            throw error("cannot read \(what) \(path): \(systemMessage(code))")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            throw error(notRegular(path, kind(info.st_mode), what))
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        return fd
    }

    /// The whole file, or nil when it does not exist.
    public static func read(_ path: String, followLinks: Bool, what: String, error: (String) -> PaydeskError = PaydeskError.io) throws -> [UInt8]? {
        guard let fd = try open(path, flags: O_RDONLY, followLinks: followLinks, what: what, error: error) else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = Foundation.read(fd, &chunk, chunk.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw error("cannot read \(what) \(path): \(systemMessage())")
            }
            if n == 0 { return bytes }
            bytes += chunk[..<n]
        }
    }

    static func notRegular(_ path: String, _ kind: String, _ what: String) -> String {
        "\(what) \(path) is \(kind), not a regular file: paydesk refuses it rather than wait on it or read it as empty. "
            + "Move it away and put the real file there"
    }

    static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: "a FIFO (named pipe)"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFDIR: "a folder"
        case S_IFSOCK: "a socket"
        case S_IFLNK: "a symbolic link"
        default: "not a plain file"
        }
    }
}

extension Array where Element == UInt8 {
    /// The bytes without a UTF-8 byte order mark at the start (some editors write one); it is never part of the text.
    func droppingByteOrderMark() -> [UInt8] {
        starts(with: [0xEF, 0xBB, 0xBF]) ? Array(dropFirst(3)) : self
    }
}
