import Foundation

/// Records an import would make open or pending again although paydesk cancelled them: the audit trail holds a
/// cancel the gateway confirmed (or a check that found it cancelled), or the store's latest line is paydesk's
/// `cancelled` mark. A file exported before the cancellation would otherwise bring them back, and someone could
/// be asked to cancel them twice.
public enum ImportReopening {
    /// The keys of such records among `lines` (each key as its last line in the file leaves it), in order.
    public static func cancelledByPaydesk<Kind: CancellableKind>(_ kind: Kind.Type, lines: [[UInt8]], dataDirectory: String) throws -> [Kind.Key] {
        var reopened: [Kind.Key: Bool] = [:]
        for line in lines {
            if case .success(let summary) = Kind.summarize(line: line) { reopened[summary.key] = summary.state == 0 }
        }
        let candidates = Set(reopened.filter(\.value).keys)
        guard !candidates.isEmpty else { return [] }

        var cancelled = Set<Kind.Key>()
        if FileManager.default.fileExists(atPath: dataDirectory + "/audit.jsonl") {
            for entry in try AuditLog(directory: dataDirectory).entries().entries where entry.gateway == Kind.gatewayName {
                let confirmed = (entry.event == .outcome && entry.outcome?.result == .cancelled)
                    || (entry.event == .check && entry.verdict == .cancelled)
                if confirmed, let key = Kind.key(parsing: entry.target), candidates.contains(key) { cancelled.insert(key) }
            }
        }
        let store = dataDirectory + "/" + Kind.fileName
        if FileManager.default.fileExists(atPath: store), let cancelledState = Kind.states.firstIndex(of: "cancelled") {
            let snapshot = try StoreSnapshot<Kind>.load(path: store)
            for key in candidates where !cancelled.contains(key) {
                guard let record = snapshot.record(for: key), Int(record.state) == cancelledState else { continue }
                if snapshot.fields(of: record).contains(where: { $0.0 == "cancel_attempt_id" }) { cancelled.insert(key) }
            }
            try snapshot.checkIntact()
        }
        return cancelled.sorted()
    }
}
