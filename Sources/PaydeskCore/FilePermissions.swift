import Foundation

/// Files that hold secrets, or decide where money moves, must be private to their owner.
/// Like OpenSSH with a private key, paydesk refuses them otherwise, and says the command that fixes it.
enum FilePermissions {
    /// Throws a config error naming the file and the `chmod` that fixes it when group or others can read or write it.
    static func requirePrivate(_ path: String, what: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw PaydeskError.config("cannot read \(what) \(path): \(systemMessage())")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw PaydeskError.config(RegularFile.notRegular(path, RegularFile.kind(info.st_mode), what))
        }
        let mode = info.st_mode & 0o777
        if mode & 0o077 != 0 {
            throw PaydeskError.config("\(what) \(path) can be read or written by group or others (mode \(String(mode, radix: 8))); "
                + "paydesk refuses it. Fix: chmod 600 \(path)")
        }
    }
}
