import Foundation
import Testing
@testable import PaydeskCore

/// The copy of every audit entry a syslog daemon keeps, and what comparing the trail with it catches: above all
/// a trail rewritten so consistently (re-chained, head rewritten) that `audit verify` alone passes it.
extension PaydeskTests {
@Suite struct AuditCopyTests {
    let dir = TemporaryDirectory()
    var log: AuditLog { AuditLog(directory: dir.path) }
    static let at = Timestamp(milliseconds: 1_795_253_400_250)   // 2026-11-21T09:30:00.250Z

    private func entry(_ target: String, _ event: AuditEntry.Event = .intent, attempt: String = "a1", profile: String = "TEST",
                       verdict: CheckVerdict? = nil, outcome: AttemptOutcome? = nil) -> AuditEntry {
        AuditEntry(at: Self.at, operatorName: "m.rossi", profile: profile, gateway: "praxis", target: target, event: event,
                   attemptId: attempt, reason: "customer called", verdict: verdict, outcome: outcome)
    }

    /// An intent, its outcome, a check, and so on: `count` entries of every kind.
    private func entries(_ count: Int, profile: String = "TEST") -> [AuditEntry] {
        (1...count).map { k in
            switch k % 3 {
            case 1: entry(String(k), attempt: "a\(k)", profile: profile)
            case 2: entry(String(k - 1), .outcome, attempt: "a\(k - 1)", profile: profile,
                          outcome: AttemptOutcome(result: .cancelled, httpStatus: 200, description: "cancelled"))
            default: entry(String(k - 2), .check, attempt: "c\(k)", profile: profile, verdict: .cancelled,
                           outcome: AttemptOutcome(result: .cancelled, description: "the gateway shows it cancelled"))
            }
        }
    }

    private var lines: [String] { dir.read("audit.jsonl").split(separator: "\n").map(String.init) }

    /// Appends each entry and sends the appended one with its line as `audit.jsonl` holds it.
    private func appendAndCopy(_ entries: [AuditEntry], to log: AuditLog, over copy: AuditCopy) throws {
        for e in entries {
            let appended = try log.append(e)
            let written = try String(contentsOfFile: log.path, encoding: .utf8).split(separator: "\n").last.map(String.init)
            try copy.send(appended.entry, line: try #require(written), hostname: "desk-7", pid: getpid())
        }
    }

    /// The copy as read from the daemon's file: every line is in, each entry once.
    private func copies(in file: String, profile: String = "TEST") throws -> [AuditCopyCheck.Copied] {
        try AuditCopyCheck.read(file: file, profile: profile)
    }

    /// The copy a perfect daemon would hold of these lines, one per file line.
    private func copy(of lines: [String]) throws -> [AuditCopyCheck.Copied] {
        try lines.enumerated().map { index, line in
            let e = try AuditEntry.parse(Array(line.utf8)).get()
            return AuditCopyCheck.Copied(seq: e.seq, profile: e.profile, attemptId: e.attemptId, event: e.event.rawValue,
                                         sha256: Digest.sha256Hex(Array(line.utf8)), fileLine: index + 1)
        }
    }

    /// What someone covering their tracks does: changes entries, re-chains every line after and rewrites the head.
    private func rewriteConsistently(_ change: (inout [AuditEntry]) -> Void) throws {
        var rewritten = try lines.map { try AuditEntry.parse(Array($0.utf8)).get() }
        change(&rewritten)
        var out: [String] = []
        for var e in rewritten {
            e.prev = out.last.map { Digest.sha256Hex(Array($0.utf8)) } ?? AuditEntry.firstPrev
            out.append(e.line)
        }
        dir.write("audit.jsonl", out.joined(separator: "\n") + "\n")
        let last = try #require(rewritten.last)
        dir.write("audit.head", #"{"seq":\#(last.seq),"sha256":"\#(Digest.sha256Hex(Array(out.last!.utf8)))"}"# + "\n")
    }

    // MARK: The message

    @Test func theMessageIsRFC5424WithTheEntryInStructuredDataAndMSG() throws {
        var e = entry("S-1", .outcome, attempt: #"a"1\2]"#, profile: #"EU "live" \ ]"#,
                      outcome: AttemptOutcome(result: .rejected, httpStatus: 400, description: "not found"))
        e.seq = 7
        let line = e.line
        let message = AuditCopy.message(e, line: line, hostname: "desk 7", pid: 4242)
        let hash = Digest.sha256Hex(Array(line.utf8))
        #expect(message == #"<109>1 2026-11-21T09:30:00.250Z desk7 paydesk 4242 outcome [paydesk@32473 profile="EU \"live\" \\ \]" seq="7" attempt="a\"1\\2\]" event="outcome" result="rejected" sha256=""#
            + hash + "\"] \u{FEFF}" + line)
        #expect(!message.contains("\n"))

        // The structured data reads back as it was, escapes undone.
        let copied = try #require(AuditCopyCheck.copied(Array(message.utf8)[...], fileLine: 3))
        #expect(copied == AuditCopyCheck.Copied(seq: 7, profile: #"EU "live" \ ]"#, attemptId: #"a"1\2]"#, event: "outcome", sha256: hash, fileLine: 3))
    }

    @Test func eachEventIsTheMSGIDAndResultIsThereOnlyWhenTheEntryHasOne() {
        let intent = AuditCopy.message(entry("1"), line: entry("1").line, hostname: "h", pid: 1)
        #expect(intent.hasPrefix("<109>1 2026-11-21T09:30:00.250Z h paydesk 1 intent [paydesk@32473 "))
        #expect(!intent.contains("result="))
        let check = entry("1", .check, verdict: .open, outcome: AttemptOutcome(result: .rejected, description: "still open"))
        let checked = AuditCopy.message(check, line: check.line, hostname: "h", pid: 1)
        #expect(checked.contains(" check [paydesk@32473 ") && checked.contains(#" result="open" "#), "a check's result is its verdict")
        let acknowledge = AuditEntry(at: Self.at, operatorName: "m", profile: "TEST", gateway: "", target: "", event: .acknowledge,
                                     attemptId: "k1", acknowledges: "line 3", trailSHA256: String(repeating: "a", count: 64))
        let acknowledged = AuditCopy.message(acknowledge, line: acknowledge.line, hostname: "", pid: 1)
        #expect(acknowledged.hasPrefix("<109>1 2026-11-21T09:30:00.250Z - paydesk 1 acknowledge [paydesk@32473 "), "no hostname is the nil value")
        #expect(!acknowledged.contains("result="))
    }

    // MARK: The address

    @Test func takesTheThreeFormsOfAddress() throws {
        #expect(try AuditCopy("unix:/dev/log").transport == .unix("/dev/log"))
        #expect(try AuditCopy("udp://logs.example.com:514").transport == .udp(host: "logs.example.com", port: 514))
        #expect(try AuditCopy("tcp://10.0.0.7:6514").transport == .tcp(host: "10.0.0.7", port: 6514))
        #expect(try AuditCopy("tcp://[::1]:514").transport == .tcp(host: "::1", port: 514))
    }

    @Test func refusesAnythingElseSayingWhatToWrite() {
        let bad = ["", "/dev/log", "unix:", "unix:dev/log", "syslog://h:514", "udp://h", "udp://:514", "tcp://h:0",
                   "tcp://h:65536", "tcp://h:51x", "tcp://ho st:514", "tcp://[::1]514", "unix:/" + String(repeating: "x", count: 200)]
        for text in bad {
            let error = #expect(throws: PaydeskError.self, "\(text)") { try AuditCopy(text) }
            guard case .config(let message)? = error else { Issue.record("\(text): \(String(describing: error)) is no config error"); continue }
            #expect(message.hasPrefix("audit copy \"\(text)\" "), "\(message)")
            #expect(message.hasSuffix("write unix:/dev/log (a datagram socket), udp://HOST:PORT or tcp://HOST:PORT"), "\(message)")
        }
        #expect(throws: PaydeskError.config(#"audit copy "udp://h" needs a port (syslog's is 514): write unix:/dev/log (a datagram socket), udp://HOST:PORT or tcp://HOST:PORT"#)) {
            try AuditCopy("udp://h")
        }
    }

    // MARK: Sending when nobody listens

    @Test func aSocketThatIsNotThereFailsAtOnceAndSaysSo() throws {
        let copy = try AuditCopy("unix:" + dir.file("nothing.sock"))
        let started = Date()
        #expect(throws: PaydeskError.io("cannot send the audit copy to unix:\(dir.file("nothing.sock")): there is no socket at \(dir.file("nothing.sock")) (is the syslog daemon running?)")) {
            try copy.send(entry("1"), line: entry("1").line, hostname: "h", pid: 1)
        }
        #expect(Date().timeIntervalSince(started) < 1)
    }

    @Test func aPortNobodyListensOnIsRefused() throws {
        let port = try RsyslogDaemon.freePort(stream: true)
        let copy = try AuditCopy("tcp://127.0.0.1:\(port)")
        #expect(throws: PaydeskError.io("cannot send the audit copy to tcp://127.0.0.1:\(port): refused (is the syslog daemon listening?)")) {
            try copy.send(entry("1"), line: entry("1").line, hostname: "h", pid: 1)
        }
        #expect(throws: PaydeskError.self) { try AuditCopy("udp://no-such-host.invalid:514").send(entry("1"), line: entry("1").line, hostname: "h", pid: 1) }
    }

    @Test func aDaemonThatStopsReadingHoldsASendUpForAtMostTwoSeconds() async throws {
        // A datagram socket bound but never read: once its queue is full, a send waits for room.
        let path = dir.file("stuck.sock")
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: path.utf8) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        try #require(bound == 0)
        let copy = try AuditCopy("unix:" + path)
        let e = entry("1")
        let outcome: (error: PaydeskError?, seconds: Double) = try await offThePool {
            for _ in 0..<5000 {
                let started = Date()
                do {
                    try copy.send(e, line: e.line, hostname: "h", pid: 1)
                } catch let error as PaydeskError {
                    return (error, Date().timeIntervalSince(started))
                }
            }
            return (nil, 0)
        }
        let error = try #require(outcome.error, "5000 datagrams went into a socket nobody reads")
        #expect(error.description.contains("timed out after 2 s"), "\(error)")
        #expect(outcome.seconds >= 1.5 && outcome.seconds < 3, "\(outcome.seconds) s")
    }

    // MARK: Comparing the trail with the copy

    @Test func aTrailAndItsCopyAgree() throws {
        for e in entries(5) { try log.append(e) }
        #expect(AuditCopyCheck.firstDisagreement(trail: lines, copy: try copy(of: lines)) == nil)
        #expect(AuditCopyCheck.firstDisagreement(trail: [], copy: []) == nil)
    }

    @Test func anEditedEntryIsNamedWithTheCopysFileLine() throws {
        for e in entries(5) { try log.append(e) }
        let copy = try copy(of: lines)
        var edited = lines
        edited[2] = edited[2].replacingOccurrences(of: "customer called", with: "fraud team asked")
        #expect(AuditCopyCheck.firstDisagreement(trail: edited, copy: copy) == "entry 3 differs from the syslog copy (file line 3)")
    }

    @Test func aDeletedEntryIsNamedAsMissingFromTheTrail() throws {
        for e in entries(5) { try log.append(e) }
        var trail = lines
        let copy = try copy(of: trail)
        trail.remove(at: 3)
        #expect(AuditCopyCheck.firstDisagreement(trail: trail, copy: copy) == "the syslog copy holds entry 4, which the trail does not (file line 4)")
        // Cut from the end, the same.
        #expect(AuditCopyCheck.firstDisagreement(trail: Array(lines.prefix(3)), copy: copy)
            == "the syslog copy holds entry 4, which the trail does not (file line 4)")
    }

    @Test func anEntryTheCopyLacksIsNamedAsMissing() throws {
        for e in entries(5) { try log.append(e) }
        var copy = try copy(of: lines)
        copy.remove(at: 1)
        #expect(AuditCopyCheck.firstDisagreement(trail: lines, copy: copy) == "entry 2 is missing from the syslog copy")
    }

    @Test func anExtraEntryInTheTrailIsNamed() throws {
        for e in entries(5) { try log.append(e) }
        let copy = try copy(of: Array(lines.prefix(4)))
        #expect(AuditCopyCheck.firstDisagreement(trail: lines, copy: copy) == "entry 5 is missing from the syslog copy")
    }

    @Test func aResentMessageCountsOnceButASecondVersionOfAnEntryDoesNot() throws {
        for e in entries(3) { try log.append(e) }
        let copy = try copy(of: lines)
        let resent = AuditCopyCheck.Copied(seq: 2, profile: "TEST", attemptId: copy[1].attemptId, event: copy[1].event, sha256: copy[1].sha256, fileLine: 9)
        #expect(AuditCopyCheck.firstDisagreement(trail: lines, copy: copy + [resent]) == nil)
        // Someone sent a rewritten entry 2 after the real one: the copy holds both, and says so.
        let forged = AuditCopyCheck.Copied(seq: 2, profile: "TEST", attemptId: copy[1].attemptId, event: copy[1].event,
                                           sha256: String(repeating: "f", count: 64), fileLine: 10)
        #expect(AuditCopyCheck.firstDisagreement(trail: lines, copy: copy + [forged]) == "entry 2 differs from the syslog copy (file line 10)")
    }

    @Test func aLineOfTheTrailThatIsNoEntryIsNamed() throws {
        for e in entries(3) { try log.append(e) }
        var trail = lines
        let copy = try copy(of: trail)
        trail[1] = "garbage"
        #expect(AuditCopyCheck.firstDisagreement(trail: trail, copy: copy)
            == "line 2 of the trail is not an audit entry, so it cannot be compared with the syslog copy")
    }

    @Test func aConsistentlyRewrittenTrailPassesVerifyButNotTheCopy() throws {
        for e in entries(6) { try log.append(e) }
        let copy = try copy(of: lines)
        try rewriteConsistently { $0[3].reason = "fraud team asked" }
        #expect(try log.verify().broken == nil, "the rewrite is consistent: the chain and the head alone pass it")
        #expect(AuditCopyCheck.firstDisagreement(trail: lines, copy: copy) == "entry 4 differs from the syslog copy (file line 4)")

        // An entry dropped and the rest renumbered: the first renumbered one differs.
        try rewriteConsistently { entries in
            entries.remove(at: 1)
            for k in entries.indices { entries[k].seq = k + 1 }
        }
        #expect(try log.verify().broken == nil)
        #expect(AuditCopyCheck.firstDisagreement(trail: lines, copy: copy) == "entry 2 differs from the syslog copy (file line 2)")
    }

    // MARK: Reading the daemon's file

    @Test func readsEveryFormAndIgnoresWhatIsNotAPaydeskEntryOfTheProfile() throws {
        let all = entries(6) + [entry("9", attempt: "z9", profile: "LIVE")]
        var written: [AuditEntry] = []
        for (k, e) in all.enumerated() {
            var e = e
            e.seq = k + 1
            written.append(e)
        }
        let l = written.map(\.line)
        let bom = "\u{FEFF}"
        let file = [
            "Nov 21 09:30:00 desk-7 rsyslogd: [origin software=\"rsyslogd\"] start",
            // Traditional (RSYSLOG_TraditionalFileFormat), as rsyslog writes an RFC 5424 message's tag.
            "Nov 21 09:30:00 desk-7 paydesk[4242] \(bom)\(l[0])",
            // Raw RFC 5424 (RSYSLOG_SyslogProtocol23Format).
            AuditCopy.message(written[1], line: l[1], hostname: "desk-7", pid: 4242),
            // RSYSLOG_FileFormat: an RFC 3339 timestamp.
            "2026-11-21T09:30:00.250+00:00 desk-7 paydesk[4242] \(bom)\(l[2])",
            // RFC 3164 tag with its colon, no byte order mark.
            "Nov  1 09:30:00 desk-7 paydesk[4242]: \(l[3])",
            // imuxsock's special parser took the RFC 5424 message for a traditional one: the version became the tag.
            "Nov 21 09:30:00 desk-7 1 " + String(AuditCopy.message(written[4], line: l[4], hostname: "desk-7", pid: 4242).drop { $0 != " " }.dropFirst()),
            // Another program quoting paydesk, another program's RFC 5424, paydesk text that is no entry, another profile.
            "Nov 21 09:30:00 desk-7 cron[12]: paydesk[4242] \(l[5])",
            "<13>1 2026-11-21T09:30:00.250Z desk-7 cron 12 - [paydesk@32473 profile=\"TEST\" seq=\"6\" attempt=\"a\" event=\"intent\" sha256=\"\(String(repeating: "0", count: 64))\"] x",
            "Nov 21 09:30:00 desk-7 paydesk[4242] \(bom)not an entry",
            "<109>1 2026-11-21T09:30:00.250Z desk-7 paydesk 4242 intent - \(bom)\(l[5])",
            "Nov 21 09:30:00 desk-7 paydesk[4242] \(bom)\(l[6])",
            "",
            "<109>1 broken",
        ].joined(separator: "\n") + "\n"
        let path = dir.write("syslog", file)
        let found = try AuditCopyCheck.read(file: path, profile: "TEST")
        #expect(found.map(\.seq) == [1, 2, 3, 4, 5])
        #expect(found.map(\.fileLine) == [2, 3, 4, 5, 6])
        #expect(found.map(\.sha256) == l.prefix(5).map { Digest.sha256Hex(Array($0.utf8)) })
        #expect(found.map(\.event) == ["intent", "outcome", "check", "intent", "outcome"])
        #expect(found.map(\.attemptId) == written.prefix(5).map(\.attemptId))
        #expect(try AuditCopyCheck.read(file: path, profile: "LIVE").map(\.fileLine) == [11])
        #expect(throws: PaydeskError.io("the syslog copy \(dir.file("none")) does not exist")) {
            try AuditCopyCheck.read(file: dir.file("none"), profile: "TEST")
        }
    }

    // MARK: A real rsyslogd

    @Test(.enabled(if: RsyslogDaemon.isInstalled, "rsyslogd is not installed at /usr/sbin/rsyslogd"))
    func rsyslogdKeepsACopyOfEveryEntrySentOverItsUnixSocket() async throws {
        let daemon = try await RsyslogDaemon.start()
        defer { daemon.stop() }
        try appendAndCopy(entries(6), to: log, over: try AuditCopy(daemon.unixAddress))
        #expect(try await daemon.waitForPaydeskLines(6), "\(daemon.messages)\n\(daemon.output)")

        let found = try copies(in: daemon.messagesPath)
        #expect(found.map(\.seq) == [1, 2, 3, 4, 5, 6])
        #expect(found.map(\.sha256) == lines.map { Digest.sha256Hex(Array($0.utf8)) })
        #expect(AuditCopyCheck.firstDisagreement(trail: lines, copy: found) == nil)
        // The raw RFC 5424 file holds the same, from the structured data.
        #expect(try copies(in: daemon.rawPath).map(\.sha256) == found.map(\.sha256))

        // rsyslog's traditional line: the tag, one space, the byte order mark kept as it is, the entry's line.
        let first = try #require(daemon.messages.split(separator: "\n").first { $0.contains(" paydesk[") })
        // (The timestamp is the time of receipt: imuxsock's UseSysTimeStamp, on by default.)
        #expect(first.contains(" desk-7 paydesk[\(getpid())] \u{FEFF}{\"seq\":1,"), "\(first)")
        #expect(first.hasSuffix(lines[0]))
    }

    @Test(.enabled(if: RsyslogDaemon.isInstalled, "rsyslogd is not installed at /usr/sbin/rsyslogd"))
    func rsyslogdKeepsACopyOfEntriesSentOverUDPAndTCP() async throws {
        let daemon = try await RsyslogDaemon.start()
        defer { daemon.stop() }
        let udp = try AuditCopy(daemon.udpAddress), tcp = try AuditCopy(daemon.tcpAddress)
        for (k, e) in entries(6).enumerated() { try appendAndCopy([e], to: log, over: k % 2 == 0 ? udp : tcp) }
        #expect(try await daemon.waitForPaydeskLines(6), "\(daemon.messages)\n\(daemon.output)")
        let found = try copies(in: daemon.messagesPath)
        #expect(Set(found.map(\.seq)) == [1, 2, 3, 4, 5, 6])
        #expect(AuditCopyCheck.firstDisagreement(trail: lines, copy: found) == nil)
    }

    @Test(.enabled(if: RsyslogDaemon.isInstalled, "rsyslogd is not installed at /usr/sbin/rsyslogd"))
    func rsyslogdsCopyCatchesATrailRewrittenConsistently() async throws {
        let daemon = try await RsyslogDaemon.start()
        defer { daemon.stop() }
        try appendAndCopy(entries(5), to: log, over: try AuditCopy(daemon.unixAddress))
        #expect(try await daemon.waitForPaydeskLines(5), "\(daemon.messages)\n\(daemon.output)")

        try rewriteConsistently { $0[2].reason = "fraud team asked" }
        #expect(try log.verify().broken == nil, "the rewrite is consistent: the chain and the head alone pass it")
        let found = try copies(in: daemon.messagesPath)
        let third = try #require(found.first { $0.seq == 3 })
        #expect(third.fileLine > 3, "rsyslogd's own lines and the readiness markers come first")
        #expect(AuditCopyCheck.firstDisagreement(trail: lines, copy: found) == "entry 3 differs from the syslog copy (file line \(third.fileLine))")
    }

    @Test(.enabled(if: RsyslogDaemon.isInstalled, "rsyslogd is not installed at /usr/sbin/rsyslogd"))
    func otherProgramsAndOtherProfilesInRsyslogdsFileAreIgnored() async throws {
        let daemon = try await RsyslogDaemon.start()
        defer { daemon.stop() }
        let copy = try AuditCopy(daemon.unixAddress)
        let live = TemporaryDirectory()
        let liveLog = AuditLog(directory: live.path)
        try appendAndCopy(entries(2), to: log, over: copy)
        try appendAndCopy(entries(3, profile: "LIVE"), to: liveLog, over: copy)
        try appendAndCopy([entry("9", attempt: "a9")], to: log, over: copy)
        // Another program that logs an audit line of its own, and one that quotes paydesk's tag.
        try RsyslogDaemon.sendRaw("<13>1 2026-11-21T09:30:00Z desk-7 cron 12 - - \u{FEFF}\(lines[0])", to: copy.transport)
        try RsyslogDaemon.sendRaw("<13>Nov 21 09:30:00 desk-7 cron[12]: paydesk[1] \(lines[1])", to: copy.transport)
        // Six of paydesk's and the quote, sent last over the same socket: everything is in.
        #expect(try await daemon.waitForPaydeskLines(7), "\(daemon.messages)\n\(daemon.output)")

        #expect(daemon.messages.contains("cron[12]: paydesk[1] "), "\(daemon.messages)")
        let test = try copies(in: daemon.messagesPath)
        #expect(test.map(\.seq) == [1, 2, 3])
        #expect(AuditCopyCheck.firstDisagreement(trail: lines, copy: test) == nil)
        let liveLines = live.read("audit.jsonl").split(separator: "\n").map(String.init)
        let liveCopy = try copies(in: daemon.messagesPath, profile: "LIVE")
        #expect(liveCopy.map(\.seq) == [1, 2, 3])
        #expect(AuditCopyCheck.firstDisagreement(trail: liveLines, copy: liveCopy) == nil)
    }
}
}
