import Console
import Foundation
import PaydeskCore

/// Reads a profile's store and audit trail into what the console shows, and tells when they changed.
struct ConsoleDataLoader {
    let dataDirectory: String
    private var lastSeen: [FileStamp?] = []

    init(dataDirectory: String) { self.dataDirectory = dataDirectory }

    private var watched: [String] {
        [SessionKind.fileName, PayoutKind.fileName, "audit.jsonl"].map { dataDirectory + "/" + $0 }
    }

    /// Whether a watched file changed since the last `load` (cheap: three stat calls).
    func hasChanged() -> Bool { watched.map(FileStamp.init(path:)) != lastSeen }

    mutating func load() -> ConsoleData {
        lastSeen = watched.map(FileStamp.init(path:))
        var data = ConsoleData()
        data.sessions = rows(SessionKind.self, problems: &data.problems)
        data.payouts = rows(PayoutKind.self, problems: &data.problems)
        do {
            let (attempts, problems) = try AttemptHistory.load(directory: dataDirectory)
            data.attempts = attempts
            if let first = problems.first {
                data.problems.append("\(problems.count) bad line(s) in the audit trail, first \(first); `paydesk audit verify` checks it")
            }
        } catch {
            data.problems.append("Cannot read the audit trail: \(error)")
        }
        return data
    }

    /// Records whose line says open (sessions) or pending (payouts): the screen drops sessions as they expire.
    /// A store that cannot be read, or its bad lines, are added to `problems`.
    private func rows<Kind: CancellableKind>(_ kind: Kind.Type, problems: inout [String]) -> [TargetRow] {
        let store: StoreSnapshot<Kind>
        do {
            store = try StoreSnapshot<Kind>.load(path: dataDirectory + "/" + Kind.fileName)
        } catch {
            problems.append("Cannot read the \(Kind.noun)s store: \(error)")
            return []
        }
        problems += self.problems(store)
        return store.records.filter { $0.state == 0 }.map { record in
            let fields = store.recordFields(of: record)
            return TargetRow(id: TargetID(gateway: Kind.gatewayName, key: String(describing: record.key)), time: record.time,
                             fields: fields, unknownFields: fields.unknown(Kind.self))
        }
    }

    private func problems<Kind: RecordKind>(_ store: StoreSnapshot<Kind>) -> [String] {
        guard store.problemCount > 0, let first = store.problems.first else { return [] }
        return ["\(store.problemCount) bad line(s) skipped in \(store.path) (the file is unchanged), first at line \(first.line): "
                + "\(first.message). `paydesk store check` lists them."]
    }
}

/// Enough of a file's identity to notice a change: inode, size and modification time.
struct FileStamp: Equatable {
    let inode: UInt64
    let size: Int64
    let modified: Int64

    init?(path: String) {
        var s = stat()
        guard stat(path, &s) == 0 else { return nil }
        inode = UInt64(s.st_ino)
        size = Int64(s.st_size)
        modified = Int64(s.st_mtim.tv_sec) * 1_000_000_000 + Int64(s.st_mtim.tv_nsec)
    }
}
