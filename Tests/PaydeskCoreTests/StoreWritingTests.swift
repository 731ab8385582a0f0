import Foundation
import Testing
@testable import PaydeskCore

extension PaydeskTests {
@Suite struct StoreAppenderTests {
    let dir = TemporaryDirectory()

    private func bytes(_ lines: [String]) -> [[UInt8]] { lines.map { Array($0.utf8) } }

    @Test func createsAPrivateFileInAPrivateFolderAndEndsEveryLine() throws {
        let path = dir.file("data/TEST/payouts.jsonl")
        try StoreAppender.append(bytes([payoutLine(1), payoutLine(2)]), to: path)
        #expect(dir.read("data/TEST/payouts.jsonl") == payoutLine(1) + "\n" + payoutLine(2) + "\n")
        let file = try FileManager.default.attributesOfItem(atPath: path)
        let folder = try FileManager.default.attributesOfItem(atPath: dir.file("data/TEST"))
        #expect((file[.posixPermissions] as? Int) == 0o600)
        #expect((folder[.posixPermissions] as? Int) == 0o700)
    }

    @Test func aTornLastLineDoesNotSwallowTheNextRecord() throws {
        let path = dir.write("payouts.jsonl", payoutLine(1) + "\n" + #"{"trace_id":2,"requ"#)
        try StoreAppender.append(bytes([payoutLine(3)]), to: path)
        let store = try StoreSnapshot<PayoutKind>.load(path: path)
        #expect(store.records.map(\.key) == [1, 3])
        #expect(store.problemCount == 1, "the torn fragment stays, reported as a bad line")
        #expect(store.problems.first?.line == 2)
        #expect(dir.read("payouts.jsonl").hasPrefix(payoutLine(1) + "\n" + #"{"trace_id":2,"requ"# + "\n"))
    }

    @Test func concurrentAppendersUnderTheLockNeverInterleave() async throws {
        let path = dir.file("payouts.jsonl")
        let writers = 8, batches = 25, perBatch = 20
        // A long line makes a torn or interleaved write visible as a bad line.
        let padding = String(repeating: "x", count: 3000)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<writers {
                group.addTask {
                    // On threads of their own: waiting for the lock blocks, and must not starve other tests' simulators.
                    try await offThePool {
                        for b in 0..<batches {
                            let lines = (0..<perBatch).map { k in
                                payoutLine(Int64(w * 100_000 + b * 1000 + k + 1), extra: #","pad":"\#(padding)""#)
                            }
                            try StoreAppender.append(lines.map { Array($0.utf8) }, to: path)
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let store = try StoreSnapshot<PayoutKind>.load(path: path)
        #expect(store.problemCount == 0)
        #expect(store.records.count == writers * batches * perBatch)
        #expect(store.lineCount == writers * batches * perBatch)
    }

    @Test func aWriterThatHoldsTheLockMakesAppendsWaitNotInterleave() async throws {
        let path = dir.write("payouts.jsonl", payoutLine(1) + "\n")
        let holder = try LockedFile.open(path, create: false, wait: .no)
        let line = bytes([payoutLine(2)])
        let error = await #expect(throws: PaydeskError.self) {
            try await offThePool { try StoreAppender.append(line, to: path, lockWait: 0.2) }
        }
        #expect(error?.description.contains("locked by another process") == true)
        withExtendedLifetime(holder) {}
        #expect(dir.read("payouts.jsonl") == payoutLine(1) + "\n", "nothing was written while the lock was held")
    }

    @Test func anAppendWaitingOnACompactedFileGoesToTheNewFile() async throws {
        let path = dir.write("payouts.jsonl", payoutLine(1) + "\n" + payoutLine(1, status: "approved") + "\n")
        // Hold the lock as compaction does, swap the file, and release: the waiting append must follow the name.
        let holder = try LockedFile.open(path, create: false, wait: .no)
        let appended = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var appendError: Error?
        Thread.detachNewThread {
            do { try StoreAppender.append([Array(payoutLine(2).utf8)], to: path, lockWait: 5) } catch { appendError = error }
            appended.signal()
        }
        // Swap the file only once the appender has it open and is waiting for the lock.
        let deadline = Date().addingTimeInterval(5)
        while openDescriptors(to: path) < 2, Date() < deadline { try await Task.sleep(nanoseconds: 2_000_000) }
        #expect(openDescriptors(to: path) == 2)
        let replacement = dir.write("payouts.new", payoutLine(1, status: "approved") + "\n")
        #expect(rename(replacement, path) == 0)
        _ = consume holder   // releases the lock
        #expect(try await offThePool { appended.wait(timeout: .now() + 5) } == .success)
        #expect(appendError == nil)
        let store = try StoreSnapshot<PayoutKind>.load(path: path)
        #expect(store.records.map(\.key) == [1, 2])
    }

    @Test func aFailedAppendLeavesNoHalfLine() async throws {
        // A real short write on a regular file: the import runs with a 1 KiB file-size limit (SIGXFSZ ignored,
        // so write fails with EFBIG part-way through the batch), and must cut the file back to what it was.
        let home = TemporaryDirectory("paydesk-full")
        let before = (1...5).map { payoutLine(Int64($0)) }.joined(separator: "\n") + "\n"
        home.write("data/TEST/payouts.jsonl", before)
        let batch = home.write("batch.jsonl", (100...120).map { payoutLine(Int64($0)) }.joined(separator: "\n"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "trap '' XFSZ; ulimit -f 2; exec \"$0\" import payouts \"$1\" --home \"$2\"", paydeskBinary, batch, home.path]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = Pipe()
        try process.run()
        try await process.exited()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 1, "\(message)")
        #expect(message.contains("nothing was added"))
        #expect(home.read("data/TEST/payouts.jsonl") == before, "the partial write was cut back")
    }
}
}

extension PaydeskTests {
@Suite struct StoreCompactorTests {
    let dir = TemporaryDirectory()

    @Test func keepsTheLatestOfEveryRecordAndTheOldFileBesideIt() async throws {
        let original = [payoutLine(1), payoutLine(2), "a bad line", payoutLine(1, status: "approved"), payoutLine(3),
                        payoutLine(2, status: "cancelled", extra: #","note":"by phone""#)].joined(separator: "\n") + "\n"
        let path = dir.write("payouts.jsonl", original)
        let before = try StoreSnapshot<PayoutKind>.load(path: path)

        let report = try await offThePool { try StoreCompactor.compact(PayoutKind.self, path: path) }

        let after = try StoreSnapshot<PayoutKind>.load(path: path)
        #expect(after.problemCount == 0)
        #expect(after.lineCount == 3)
        #expect(Set(after.records.map(\.key)) == Set(before.records.map(\.key)))
        for record in before.records {
            let compacted = try #require(after.record(for: record.key))
            #expect(Array(after.lineBytes(of: compacted)) == Array(before.lineBytes(of: record)), "record \(record.key) kept its latest line exactly")
        }
        #expect(report.records == 3)
        #expect(report.linesBefore == 6)
        #expect(report.badLinesLeft == 1)
        let kept = try #require(report.keptOldFile)
        #expect(try String(contentsOfFile: kept, encoding: .utf8) == original, "the old file is kept whole, bad line included")
        #expect(kept.hasPrefix(path + "."))
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).count == 2, "no temporary file is left behind")
    }

    @Test func keepsEveryOldFileWhenRunTwice() async throws {
        let path = dir.write("payouts.jsonl", payoutLine(1) + "\n" + payoutLine(1, status: "approved") + "\n")
        let first = try await offThePool { try StoreCompactor.compact(PayoutKind.self, path: path) }
        try StoreAppender.append([Array(payoutLine(2).utf8), Array(payoutLine(2, status: "cancelled").utf8)], to: path)
        let second = try await offThePool { try StoreCompactor.compact(PayoutKind.self, path: path) }
        let firstOld = try #require(first.keptOldFile), secondOld = try #require(second.keptOldFile)
        #expect(firstOld != secondOld)
        #expect(FileManager.default.fileExists(atPath: firstOld))
        #expect(FileManager.default.fileExists(atPath: secondOld))
        #expect(try StoreSnapshot<PayoutKind>.load(path: path).records.count == 2)
    }

    @Test func refusesWhileAnotherProcessHoldsTheLock() throws {
        let text = payoutLine(1) + "\n" + payoutLine(1, status: "approved") + "\n"
        let path = dir.write("payouts.jsonl", text)
        let holder = try LockedFile.open(path, create: false, wait: .no)
        #expect(throws: PaydeskError.self) { try StoreCompactor.compact(PayoutKind.self, path: path) }
        withExtendedLifetime(holder) {}
        #expect(dir.read("payouts.jsonl") == text)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["payouts.jsonl"])
    }

    @Test func aMissingFileHasNothingToCompact() throws {
        let report = try StoreCompactor.compact(SessionKind.self, path: dir.file("sessions.jsonl"))
        #expect(report.keptOldFile == nil)
        #expect(!FileManager.default.fileExists(atPath: dir.file("sessions.jsonl")))
    }
}
}

extension PaydeskTests {
@Suite struct ImporterTests {
    let dir = TemporaryDirectory()

    @Test func importsEveryValidJSONLine() throws {
        let file = dir.write("in.jsonl", "\u{FEFF}" + payoutLine(1) + "\r\n\n" + payoutLine(2, extra: #","x":1"#) + "\r\n" + payoutLine(3))
        let prepared = try Importer.prepare(PayoutKind.self, file: file, format: .jsonl)
        #expect(prepared.problems.isEmpty)
        #expect(prepared.lines.map { String(decoding: $0, as: UTF8.self) } == [payoutLine(1), payoutLine(2, extra: #","x":1"#), payoutLine(3)])
    }

    @Test func listsEveryBadRecordWithItsLineNumber() throws {
        let file = dir.write("in.jsonl", [payoutLine(1), "{", payoutLine(2), #"{"trace_id":-4,"requested_at":"2026-11-21T09:00:00Z"}"#, #"{"trace_id":5}"#].joined(separator: "\n"))
        let prepared = try Importer.prepare(PayoutKind.self, file: file, format: .jsonl)
        #expect(prepared.problems.map(\.line) == [2, 4, 5])
        #expect(prepared.problems.allSatisfy { $0.path == file })
    }

    @Test func readsCSVWithAHeaderOfTheStoresFieldNames() throws {
        let csv = [
            "trace_id,requested_at,amount,currency,customer_id,status,note",
            #"12,2026-11-21T09:00:00Z,1250,EUR,"Rossi, Mario",pending,"said ""call me""""#,
            "13,2026-11-21T09:05:00Z,,,C-2,,\"two\nlines\"",
            "",
        ].joined(separator: "\r\n")
        let prepared = try Importer.prepare(PayoutKind.self, file: dir.write("in.csv", csv), format: .csv)
        #expect(prepared.problems.isEmpty, "\(prepared.problems)")
        let first = try JSONValue.parse(prepared.lines[0])
        #expect(first["trace_id"] == .number("12"))
        #expect(first["amount"] == .number("1250"))
        #expect(first["customer_id"] == .string("Rossi, Mario"))
        #expect(first["note"] == .string("said \"call me\""))
        let second = try JSONValue.parse(prepared.lines[1])
        #expect(second["amount"] == nil, "an empty cell is an absent field")
        #expect(second["note"] == .string("two\nlines"))
    }

    @Test(arguments: [
        ("requested_at,amount\n2026-11-21T09:00:00Z,5\n", 1, "must name trace_id"),
        ("trace_id,requested_at,trace_id\n1,2026-11-21T09:00:00Z,1\n", 1, "names trace_id twice"),
        ("trace_id,requested_at\n1,2026-11-21T09:00:00Z,extra\n", 2, "has 3 fields but the header has 2"),
        ("trace_id,requested_at,amount\n1,2026-11-21T09:00:00Z,12.50\n", 2, "amount must be a whole number"),
        ("trace_id,requested_at\nabc,2026-11-21T09:00:00Z\n", 2, "trace_id must be a positive whole number"),
        ("trace_id,requested_at\n1,\"2026-11-21T09:00:00Z\n", 2, "not closed"),
        ("trace_id,requested_at\n1,2026\"x\n", 2, "quote inside an unquoted field"),
    ])
    func reportsBadCSV(_ csv: String, _ line: Int, _ expected: String) throws {
        let prepared = try Importer.prepare(PayoutKind.self, file: dir.write("in.csv", csv), format: .csv)
        let problem = try #require(prepared.problems.first)
        #expect(problem.line == line)
        #expect(problem.message.contains(expected), "\(problem.message)")
    }

    @Test func guessesTheFormatFromTheName() {
        #expect(Importer.Format.guess(path: "x.CSV") == .csv)
        #expect(Importer.Format.guess(path: "x.jsonl") == .jsonl)
        #expect(Importer.Format.guess(path: "x") == .jsonl)
    }
}
}

extension PaydeskTests {
@Suite struct StoreCompactorNoOpTests {
    let dir = TemporaryDirectory()

    @Test func leavesAFileWithOneLinePerRecordAlone() throws {
        let path = dir.write("payouts.jsonl", payoutLine(1) + "\n" + payoutLine(2) + "\n")
        let report = try StoreCompactor.compact(PayoutKind.self, path: path)
        #expect(report.keptOldFile == nil)
        #expect(report.records == 2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["payouts.jsonl"])
    }

    @Test func stillCompactsAFileWhoseOnlyFaultIsATornLastLine() async throws {
        let path = dir.write("payouts.jsonl", payoutLine(1) + "\n" + #"{"trace_id":2"#)
        let report = try await offThePool { try StoreCompactor.compact(PayoutKind.self, path: path) }
        #expect(report.keptOldFile != nil)
        #expect(report.badLinesLeft == 1)
        #expect(dir.read("payouts.jsonl") == payoutLine(1) + "\n")
    }
}
}

extension PaydeskTests {
@Suite struct CompactionRaceTests {
    let dir = TemporaryDirectory()

    /// Compacts `path` while another system that follows "open with O_APPEND, flock, write" but does not re-check
    /// the file after the lock waits on the old file's lock; once it has it, `late` runs on its thread with the
    /// old file's descriptor.
    static func compactWithAStaleWriter(_ path: String, late: @escaping @Sendable (Int32) -> Void) async throws -> StoreCompactor.Report {
        let compactor = try LockedFile.open(path, create: false, wait: .no)
        let written = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            let fd = open(path, O_WRONLY | O_APPEND)
            flock(fd, LOCK_EX)   // waits for the compaction
            late(fd)
            close(fd)
            written.signal()
        }
        let deadline = Date().addingTimeInterval(5)
        while openDescriptors(to: path) < 2, Date() < deadline { try await Task.sleep(nanoseconds: 2_000_000) }
        try await Task.sleep(nanoseconds: 20_000_000)
        let report = try await offThePool { try StoreCompactor.compact(PayoutKind.self, path: path, holding: compactor, now: Date()) }
        #expect(try await offThePool { written.wait(timeout: .now() + 5) } == .success)
        return report
    }

    @Test func aWriterWaitingOnTheOldFilesLockLosesNothing() async throws {
        let path = dir.write("payouts.jsonl", payoutLine(1) + "\n" + payoutLine(1, status: "approved") + "\n")
        let report = try await Self.compactWithAStaleWriter(path) { fd in
            let line = Array((payoutLine(2) + "\n").utf8)
            _ = write(fd, line, line.count)
        }
        #expect(report.lateLinesMoved == 1)
        #expect(report.lateBytesInOldFile == 0)
        let store = try StoreSnapshot<PayoutKind>.load(path: path)
        #expect(store.records.map(\.key) == [1, 2], "the late line was carried into the new file")
    }

    @Test func aLateLineNeverWinsOverANewerOne() async throws {
        let path = dir.write("payouts.jsonl", payoutLine(1) + "\n" + payoutLine(1, status: "approved") + "\n" + payoutLine(2) + "\n")
        let report = try await Self.compactWithAStaleWriter(path) { fd in
            // Meanwhile a writer that takes no lock at all has put a newer line for payout 2 into the new file...
            let newer = open(path, O_WRONLY | O_APPEND)
            let line = Array((payoutLine(2, status: "rejected") + "\n").utf8)
            _ = write(newer, line, line.count)
            close(newer)
            // ...and the stale writer's older line for it, and one for a record nobody else touched, land in the old file.
            let late = Array((payoutLine(2, status: "pending", extra: #","note":"stale""#) + "\n" + payoutLine(3) + "\n").utf8)
            _ = write(fd, late, late.count)
        }
        #expect(report.lateLinesMoved == 1)
        #expect(report.lateLinesNotCarried == 1)
        let store = try StoreSnapshot<PayoutKind>.load(path: path)
        #expect(store.records.map(\.key) == [1, 2, 3])
        let two = try #require(store.record(for: 2))
        #expect(store.effectiveState(of: two, now: .now) == "rejected", "the newer line still wins")
    }

    @Test func aCarefulWriterWaitsUntilTheLateLinesAreCarried() async throws {
        let path = dir.write("payouts.jsonl", payoutLine(1) + "\n" + payoutLine(1, status: "approved") + "\n" + payoutLine(2) + "\n")
        let appended = DispatchSemaphore(value: 0)
        let report = try await Self.compactWithAStaleWriter(path) { fd in
            // A writer that follows the rules opens the new file now: it must wait for the carried lines.
            Thread.detachNewThread {
                try? StoreAppender.append([Array(payoutLine(2, status: "rejected").utf8)], to: path)
                appended.signal()
            }
            usleep(50_000)
            let late = Array((payoutLine(2, status: "pending", extra: #","note":"stale""#) + "\n").utf8)
            _ = write(fd, late, late.count)
        }
        #expect(report.lateLinesMoved == 1)
        #expect(try await offThePool { appended.wait(timeout: .now() + 5) } == .success)
        let store = try StoreSnapshot<PayoutKind>.load(path: path)
        let two = try #require(store.record(for: 2))
        #expect(store.effectiveState(of: two, now: .now) == "rejected", "its line comes after the carried one, so it wins")
    }
}
}
