import Foundation
import CLibcExtras
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The latest version of one record and where its line is.
public struct StoredRecord<Key: Sendable>: Sendable {
    public let key: Key
    public let time: Timestamp
    /// Where its line starts in the file, and its length: the file's order is the offsets' order.
    let offset: Int
    let length: Int
    /// Index into the kind's `states`, as the line says it. Last, where it packs: 40 bytes, not 48, a record.
    public let state: UInt8
}

extension StoredRecord: IndexedEntry where Key: IndexKey {
    public var indexedKey: Key { key }
}

/// A problem with one line of a store or import file: reported, counted, skipped.
public struct LineProblem: Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let line: Int
    public let column: Int?
    public let message: String

    public var description: String {
        "\(path):\(line)\(column.map { ":\($0)" } ?? ""): \(message)"
    }

    /// The last line without its newline: skipped, not refused, as the writer may still be on it.
    static func unfinishedLastLine(path: String, line: Int) -> LineProblem {
        LineProblem(path: path, line: line, column: nil, message:
            "the last line has no newline at its end (a write still in progress, or cut short by a crash); skipped until it is complete")
    }

    /// One JSON object, as `--json` prints problems.
    public var json: String {
        var o = JSONObjectWriter()
        o.add("file", path)
        o.add("line", line)
        o.add("column", column)
        o.add("error", message)
        return o.text
    }
}

/// One store file, read and indexed: the latest version of every record (a line is an upsert,
/// the last one for a key wins), and every line that could not be read, with its number.
/// Reading never writes: a bad line stays in the file exactly as it was.
public final class StoreSnapshot<Kind: RecordKind>: Sendable {
    public let path: String
    /// The latest version of each record, in the order each key first appeared.
    public let records: [StoredRecord<Kind.Key>]
    /// The first `maxProblemsKept` bad lines, in file order. `problemCount` counts them all.
    public let problems: [LineProblem]
    public let problemCount: Int
    /// Lines read, records and bad and blank ones alike.
    public let lineCount: Int
    /// Bytes up to the end of the last complete line: where the next append's record will start.
    public let completeLength: Int
    let bytes: FileBytes
    private let index: KeyIndex<StoredRecord<Kind.Key>>

    public static var maxProblemsKept: Int { 10_000 }

    /// Reads and indexes `path`. A missing file is an empty store.
    public static func load(path: String) throws -> StoreSnapshot<Kind> {
        try Kind.loadStore(path: path)
    }

    /// Only for the kinds' `loadStore`, which call it with a concrete kind so the optimizer specializes the hot loop.
    /// The file is scanned a few megabytes at a time on GCD's threads while the rest is read, and indexed here
    /// while later pieces are scanned.
    convenience init(path: String) throws {
        var scans: [StoreLineScan<Kind>.Started] = []
        var scanned = 0
        let bytes = try FileBytes.read(path: path) { bytes, data in
            guard data.count - scanned >= 4 << 20, let end = Self.completeLines(data, from: scanned) else { return }
            scans.append(StoreLineScan<Kind>.started(data, from: scanned, to: end, owner: bytes))
            scanned = end
        }
        self.init(path: path, bytes: bytes, scanned: scanned, scans: scans)
        try checkIntact()
    }

    /// Throws if another program cut the file short since it was read: its lines here are then not the file's.
    /// Commands that read lines after loading call it again before they trust or print what they read.
    public func checkIntact() throws {
        try bytes.checkIntact(path: path)
    }

    /// The end of the last complete line in `data` after `start`, if there is one.
    private static func completeLines(_ data: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        lastNewline(data, from: start, to: data.count).map { $0 + 1 }
    }

    /// `scans` cover the bytes up to `scanned`, in order; the rest is scanned here.
    private init(path: String, bytes: FileBytes, scanned: Int, scans: [StoreLineScan<Kind>.Started]) {
        self.path = path
        self.bytes = bytes
        let data = UnsafeBufferPointer(start: bytes.base, count: bytes.count)

        // Only complete lines are records; what follows the last newline is a write still in progress, or torn by a crash.
        let end = Self.completeLines(data, from: scanned) ?? scanned
        completeLength = end

        let rest = StoreLineScan<Kind>.started(data, from: scanned, to: end, owner: bytes)
        // About 200 bytes a line: rehashing a growing table costs more than sizing it once.
        var index = KeyIndex<StoredRecord<Kind.Key>>(expected: end / 200 + 1)
        var records: [StoredRecord<Kind.Key>] = []
        records.reserveCapacity(end / 200 + 1)
        var problems: [LineProblem] = []
        var problemCount = 0
        var lineBase = 0
        func take(_ chunk: StoreLineScan<Kind>) {
            index.reserve(index.count + chunk.records.count, in: records)
            let chunkRecords = chunk.records
            for (i, record) in chunkRecords.enumerated() {
                // The bucket a few records on is fetched now: the table is larger than the caches.
                if i + KeyIndex<StoredRecord<Kind.Key>>.lookAhead < chunkRecords.count {
                    index.prefetch(index.hash(chunkRecords[i + KeyIndex<StoredRecord<Kind.Key>>.lookAhead].key))
                }
                if let slot = index.find(record.key, hash: index.hash(record.key), orAdd: records.count, in: records) {
                    records[slot] = record
                } else {
                    records.append(record)
                }
            }
            for p in chunk.problems where problems.count < Self.maxProblemsKept {
                problems.append(LineProblem(path: path, line: p.line + lineBase, column: p.column, message: p.message))
            }
            problemCount += chunk.problemCount
            lineBase += chunk.lineCount
        }
        for started in scans + [rest] { take(started.wait()) }
        if data[end..<data.count].contains(where: { !Self.isWhitespace($0) }) {
            problemCount += 1
            if problems.count < Self.maxProblemsKept {
                problems.append(.unfinishedLastLine(path: path, line: lineBase + 1))
            }
            lineBase += 1
        }
        self.records = records
        self.index = index
        self.problems = problems
        self.problemCount = problemCount
        self.lineCount = lineBase
    }

    @inline(__always) static func isWhitespace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A }

    // MARK: Reading records

    public func record(for key: Kind.Key) -> StoredRecord<Kind.Key>? {
        index.find(key, in: records).map { records[$0] }
    }

    /// The record's line exactly as stored, without its newline and surrounding blanks.
    @_specialize(exported: true, where Kind == PayoutKind)
    @_specialize(exported: true, where Kind == SessionKind)
    public func lineBytes(of record: StoredRecord<Kind.Key>) -> UnsafeBufferPointer<UInt8> {
        trimmingBlanks(UnsafeBufferPointer(start: bytes.base + record.offset, count: record.length))
    }

    /// The record's line with the newline after it, when the line is exactly as stored (no blanks around it): the
    /// bytes may then be written out from where they are.
    @_specialize(exported: true, where Kind == PayoutKind)
    @_specialize(exported: true, where Kind == SessionKind)
    public func lineWithNewline(of record: StoredRecord<Kind.Key>) -> UnsafeBufferPointer<UInt8>? {
        let line = lineBytes(of: record)
        guard line.count == record.length, record.offset + record.length < completeLength,
              bytes.base[record.offset + record.length] == 0x0A else { return nil }
        return UnsafeBufferPointer(start: line.baseAddress, count: line.count + 1)
    }

    /// Every field of the record, unknown ones included, in the order of its line.
    public func fields(of record: StoredRecord<Kind.Key>) -> [(String, JSONValue)] {
        guard case .object(let members)? = try? JSONValue.parse(lineBytes(of: record)) else { return [] }
        return members
    }

    /// The state name that counts now (a session past its lifetime is `expired`, whatever its line says).
    public func effectiveState(of record: StoredRecord<Kind.Key>, now: Timestamp) -> String {
        Kind.states[Int(Kind.effectiveState(record.state, time: record.time, now: now))]
    }

    /// Open sessions, pending payouts: the records an operator can still act on.
    public func isActionable(_ record: StoredRecord<Kind.Key>, now: Timestamp) -> Bool {
        Kind.isActionable(record.state, time: record.time, now: now)
    }
}
