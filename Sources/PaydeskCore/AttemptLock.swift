import Foundation

/// Held for as long as one attempt on one target is in flight. A second paydesk cannot take it, so it
/// cannot cancel the same target at the same time; and an intent with no outcome whose lock is free
/// belongs to a process that died mid-call: the attempt is in doubt. Its file stays once the attempt wrote
/// its intent, so lock files are also evidence that attempts were made (see `AuditEvidence`).
public final class AttemptLock: @unchecked Sendable {
    private let file: LockedFile
    /// The file was there before this lock was taken: an earlier attempt left it.
    private let preexisting: Bool

    private init(file: LockedFile, preexisting: Bool) {
        self.file = file
        self.preexisting = preexisting
        if preexisting { Self.heldOld.withLock { _ = $0.insert(file.path) } }
    }

    deinit {
        if preexisting { Self.heldOld.withLock { _ = $0.remove(file.path) } }
    }

    /// Old lock files this process holds: still evidence, though held.
    private static let heldOld = LockedValue(Set<String>())

    static func path(directory: String, gateway: String, target: String) -> String {
        // Hashed: a session id may hold characters a file name cannot.
        "\(directory)/locks/\(gateway)-\(Digest.sha256Hex(Array(target.utf8)).prefix(32)).lock"
    }

    /// Takes the lock, or nil if another process holds it. The short wait rides out a `history` that is
    /// only looking (`isHeld` takes the lock for an instant). A lock file or folder it makes gets `sharing`'s mode:
    /// on a shared desk every member must be able to take every lock.
    static func take(directory: String, gateway: String, target: String, sharing: FileSharing = .ownerOnly,
                     wait: Double = 0.3) throws -> AttemptLock? {
        let path = path(directory: directory, gateway: gateway, target: target)
        let folder = (path as NSString).deletingLastPathComponent
        var info = stat()
        if lstat(folder, &info) == 0, info.st_mode & S_IFMT == S_IFLNK {
            throw PaydeskError.io("\(folder) is a symbolic link: a profile's lock files stay in its own folder. Replace it with a real folder")
        }
        try sharing.makeFolder(folder)
        let preexisting = lstat(path, &info) == 0
        do {
            return AttemptLock(file: try LockedFile.open(path, create: true, sharing: sharing, wait: .upTo(wait)), preexisting: preexisting)
        } catch PaydeskError.failed {
            return nil
        }
    }

    /// Whether some process holds the lock right now (an attempt is in flight). Never creates the file.
    public static func isHeld(directory: String, gateway: String, target: String) -> Bool {
        LockedFile.isHeld(path(directory: directory, gateway: gateway, target: target))
    }

    /// Whether the lock file at `path` shows that an attempt was made: nobody holds it, or this process holds
    /// one an earlier attempt left.
    static func isEvidence(_ path: String) -> Bool {
        !LockedFile.isHeld(path) || heldOld.withLock { $0.contains(path) }
    }

    /// For an attempt that ended before its intent was written: removes the lock file it created, still
    /// holding it (a waiter finds the file gone and opens anew), so it is never read as evidence.
    func discardIfNew() {
        if !preexisting { unlink(file.path) }
    }
}

/// A value behind a lock, for the little shared state a process keeps.
final class LockedValue<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    init(_ value: Value) { self.value = value }
    func withLock<T>(_ body: (inout Value) -> T) -> T { lock.withLock { body(&value) } }
}
