import Foundation
import GatewaySimulator
import PaydeskCore

/// The demo's folder: a fresh temporary one, or one the caller names, which must be empty or a previous demo's.
/// The demo writes a config.toml of its own there, so any other folder could be someone's real paydesk home.
struct DemoHome {
    let path: String
    /// Made by `prepare` under the temporary directory (no folder was named).
    let isThrowaway: Bool
    let lock: Lock

    static let lockFileName = "demo.lock"

    /// The folder to use, locked for this demo. Refuses, touching nothing, a folder holding anything but a previous
    /// demo, and one another running demo holds.
    static func prepare(_ home: String?) throws -> DemoHome {
        guard let home else {
            var template = Array((NSTemporaryDirectory() as NSString).appendingPathComponent("paydesk-demo-XXXXXX").utf8CString)
            guard mkdtemp(&template) != nil else {
                throw PaydeskError.io("cannot create a folder for the demo in \(NSTemporaryDirectory()): \(String(cString: strerror(errno)))")
            }
            let path = (String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) as NSString).standardizingPath
            do {
                return DemoHome(path: path, isThrowaway: true, lock: try Lock.take(path + "/" + lockFileName))
            } catch {
                try? FileManager.default.removeItem(atPath: path)
                throw error
            }
        }
        let root = try PaydeskPaths.resolve(home: home, environment: ProcessInfo.processInfo.environment).configDirectory
        let files = FileManager.default
        var isDirectory: ObjCBool = false
        if !files.fileExists(atPath: root, isDirectory: &isDirectory) {
            do {
                try files.createDirectory(atPath: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw PaydeskError.io("cannot create the demo's folder \(root): \(error.localizedDescription)")
            }
        } else if !isDirectory.boolValue {
            throw PaydeskError.usage("\(root) is not a folder")
        } else if files.fileExists(atPath: root + "/config.toml") {
            guard isDemoConfig(root + "/config.toml") else {
                throw PaydeskError.usage("\(root) holds a config.toml that paydesk demo did not write; the demo would replace it. "
                    + "Run the demo without --home (a throwaway folder), or with --home naming a new or empty folder")
            }
        } else if let entries = try? files.contentsOfDirectory(atPath: root), !entries.isEmpty {
            throw PaydeskError.usage("\(root) is not empty and is not a previous demo's folder (it has no config.toml written by "
                + "paydesk demo); the demo would write its own config.toml there. Run it without --home, or with --home naming "
                + "a new or empty folder")
        }
        return DemoHome(path: root, isThrowaway: false, lock: try Lock.take(root + "/" + lockFileName))
    }

    /// Whether the file starts with the demo's marker line. Reads only the first bytes.
    static func isDemoConfig(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let marker = DemoWorld.configMarker.utf8
        return ((try? handle.read(upToCount: marker.count)) ?? Data()).elementsEqual(marker)
    }

    /// An exclusive `flock` on the folder's lock file, held while the demo runs (closing the file releases it).
    final class Lock: @unchecked Sendable {
        private let mutex = NSLock()
        private var fd: Int32
        private var releasing = false

        private init(fd: Int32) { self.fd = fd }

        static func take(_ path: String) throws -> Lock {
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw PaydeskError.io("cannot open \(path): \(String(cString: strerror(errno)))") }
            while flock(fd, LOCK_EX | LOCK_NB) != 0 {
                let code = errno
                if code == EINTR { continue }
                close(fd)
                if code == EWOULDBLOCK {
                    throw PaydeskError.failed("another paydesk demo is running in \((path as NSString).deletingLastPathComponent); "
                        + "stop it first, or give this one another --home")
                }
                throw PaydeskError.io("cannot lock \(path): \(String(cString: strerror(code)))")
            }
            return Lock(fd: fd)
        }

        /// True the first time only: whoever gets it does the stopping.
        func beginRelease() -> Bool {
            mutex.withLock {
                defer { releasing = true }
                return !releasing
            }
        }

        func release() {
            mutex.withLock {
                releasing = true
                if fd >= 0 { close(fd) }
                fd = -1
            }
        }

        deinit { if fd >= 0 { close(fd) } }
    }

    /// Writes `text` to `path` with mode 600 from the start (never readable by others, not even for a moment),
    /// synced, then renamed into place.
    static func writePrivateFile(_ path: String, _ text: String) throws {
        let temporary = path + ".demo-\(getpid())"
        unlink(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw PaydeskError.io("cannot write \(path): \(String(cString: strerror(errno)))") }
        var failure: Int32 = 0
        if fchmod(fd, 0o600) != 0 { failure = errno }
        if failure == 0 { failure = Array(text.utf8).withUnsafeBytes { writeAll(fd, $0) } ?? 0 }
        if failure == 0, fsync(fd) != 0 { failure = errno }
        close(fd)
        if failure == 0, rename(temporary, path) != 0 { failure = errno }
        if failure != 0 {
            unlink(temporary)
            throw PaydeskError.io("cannot write \(path): \(String(cString: strerror(failure)))")
        }
    }
}
