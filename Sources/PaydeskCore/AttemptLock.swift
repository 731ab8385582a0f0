import Foundation

/// Held for as long as one attempt on one target is in flight. A second paydesk cannot take it, so it
/// cannot cancel the same target at the same time; and an intent with no outcome whose lock is free
/// belongs to a process that died mid-call: the attempt is in doubt.
public final class AttemptLock: @unchecked Sendable {
    private let file: LockedFile

    private init(file: LockedFile) { self.file = file }

    static func path(directory: String, gateway: String, target: String) -> String {
        // Hashed: a session id may hold characters a file name cannot.
        "\(directory)/locks/\(gateway)-\(Digest.sha256Hex(Array(target.utf8)).prefix(32)).lock"
    }

    /// Takes the lock, or nil if another process holds it. The short wait rides out a `history` that is
    /// only looking (`isHeld` takes the lock for an instant).
    static func take(directory: String, gateway: String, target: String, wait: Double = 0.3) throws -> AttemptLock? {
        let path = path(directory: directory, gateway: gateway, target: target)
        try makePrivateDirectory((path as NSString).deletingLastPathComponent)
        do {
            return AttemptLock(file: try LockedFile.open(path, create: true, wait: .upTo(wait)))
        } catch PaydeskError.failed {
            return nil
        }
    }

    /// Whether some process holds the lock right now (an attempt is in flight).
    public static func isHeld(directory: String, gateway: String, target: String) -> Bool {
        let path = path(directory: directory, gateway: gateway, target: target)
        guard FileManager.default.fileExists(atPath: path) else { return false }
        return (try? take(directory: directory, gateway: gateway, target: target, wait: 0)) == nil
    }
}
