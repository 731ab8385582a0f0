import Foundation

/// Held, beside the target's attempt lock, while a check of the target with its gateway is on its way: other
/// paydesks and `history` then say `checking`, not `in-flight`. The file goes when the check ends, so it is never
/// read as evidence of an attempt (those are the `.lock` files).
final class CheckLock: @unchecked Sendable {
    private let file: LockedFile

    private init(file: LockedFile) { self.file = file }

    /// Unlinked still held: whoever looks next finds no file, so nothing is checking.
    deinit { unlink(file.path) }

    static func path(directory: String, gateway: String, target: String) -> String {
        String(AttemptLock.path(directory: directory, gateway: gateway, target: target).dropLast(".lock".count)) + ".checking"
    }

    /// Taken after the attempt lock, which already keeps a second check out: nil only if that failed to.
    static func take(directory: String, gateway: String, target: String, sharing: FileSharing) -> CheckLock? {
        (try? LockedFile.open(path(directory: directory, gateway: gateway, target: target), create: true, sharing: sharing, wait: .no))
            .map(CheckLock.init)
    }

    public static func isHeld(directory: String, gateway: String, target: String) -> Bool {
        LockedFile.isHeld(path(directory: directory, gateway: gateway, target: target))
    }
}
