import Foundation

/// Adds lines to a store file: under the lock, each ending with a newline, synced before returning.
public enum StoreAppender {
    /// Appends `lines` (each one JSON object, without its newline) all together or not at all. A file or folder it
    /// makes gets `sharing`'s mode.
    public static func append(_ lines: [[UInt8]], to path: String, sharing: FileSharing = .ownerOnly, lockWait: Double = 10) throws {
        guard !lines.isEmpty else { return }
        let directory = (path as NSString).deletingLastPathComponent
        let existed = FileManager.default.fileExists(atPath: path)
        if !existed { try sharing.makeFolder(directory) }
        let file = try LockedFile.open(path, create: true, sharing: sharing, wait: .upTo(lockWait))
        try append(lines, to: file)
        if !existed { syncDirectory(directory) }
    }

    /// Appends `lines` to a file whose lock the caller holds.
    static func append(_ lines: [[UInt8]], to file: LockedFile) throws {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(lines.reduce(1) { $0 + $1.count + 1 })
        // A torn last line (a crash mid-write) must not swallow our first record: end it first.
        if let last = file.lastByte, last != 0x0A { bytes.append(0x0A) }
        for line in lines {
            bytes.append(contentsOf: line)
            bytes.append(0x0A)
        }
        try file.appendAndSync(bytes)
    }
}
