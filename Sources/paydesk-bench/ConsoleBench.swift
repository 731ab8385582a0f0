import ArgumentParser
import Console
import Foundation
import PaydeskCore

extension Bench {
    /// The console as it runs, without a terminal: a follower reads the store as the console's feed does, the
    /// real `update` and `ConsoleView.render` answer keys, and a writer appends lines while keys are pressed.
    struct ConsoleFrames: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "console",
            abstract: "Time the console on a large payouts store: start, keys, filter keystrokes, a live feed, idle cost, memory.")
        @Option(help: "Payout lines to generate (ignored with --store).") var lines = 1_000_000
        @Option(help: "An existing payouts.jsonl to read instead.") var store: String?
        @Option(help: "Add one line with a field this many MB long (and generate only 10 others).") var hugeFieldMb = 0
        @Option(help: "Keys timed per measure.") var keys = 200
        @Option(help: "Seconds of live feed (100 new lines a second).") var feedSeconds = 10
        @Option(help: "Text typed into the filter, a key at a time.") var filter = "c-10"
        @Option(help: "Times the start is measured (the figures are the median and the best; the rest runs on the last).")
        var startRuns = 1
        @Flag(help: "Stop after the start (and leave out jq).") var startOnly = false

        func run() throws {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("paydesk-bench-console-\(getpid())").path
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let generator = StoreGenerator(seed: 42)
            // The live feed appends to the file: a store given is copied first, never written to.
            let path = dir + "/payouts.jsonl"
            var generated = lines
            if let store {
                try FileManager.default.copyItem(atPath: store, toPath: path)
            } else {
                generated = hugeFieldMb > 0 ? 10 : lines
                try generator.writePayouts(lines: generated, to: path)
                if hugeFieldMb > 0 {
                    let huge = #"{"trace_id":9,"requested_at":"2026-11-21T09:00:00Z","status":"pending","description":""#
                        + String(repeating: "abcdefghij", count: hugeFieldMb * 100_000) + "\"}\n"
                    try Data(huge.utf8).append(toFile: path)
                }
            }
            settleWrites()
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            print("store: \(path), \(size / 1_000_000) MB")
            if !startOnly, let jq = timeJQ(path) { print(String(format: "jq select(.status==\"pending\") on the same file:  %8.0f ms", jq * 1000)) }

            MemoryReturn.configure()   // as the console does
            // Only the last start's state is kept: each holds every row.
            var times: [Double] = [], processorTimes: [Double] = [], firstRows: [(time: Double, count: Int)?] = []
            var last: Start?
            for _ in 0..<max(startRuns, 1) {
                last = nil
                last = try start(path)
                times.append(last!.time)
                processorTimes.append(last!.processorTime)
                firstRows.append(last!.firstRows)
            }
            var state = last!.state
            let follower = last!.follower
            last = nil
            func figures(_ values: [Double]) -> String {
                let sorted = values.sorted()
                return sorted.count == 1 ? String(format: "%8.0f ms", sorted[0] * 1000)
                    : String(format: "%8.0f ms median, %.0f best of %d", sorted[sorted.count / 2] * 1000, sorted[0] * 1000, sorted.count)
            }
            if firstRows.allSatisfy({ $0 != nil }) {
                print("start until the first rows are drawn:  \(figures(firstRows.map { $0!.time }))  (\(firstRows.last!!.count) rows, the file still being read)")
            }
            print("start until every row is read, counted and drawn:  \(figures(times))  (\(state.count(.payouts)) pending listed)")
            print("  CPU time meanwhile, all threads:  \(figures(processorTimes))")
            print("memory after start: \(residentMegabytes()) MB resident")
            if startOnly { return }

            var frames: [Double] = []
            for i in 0..<keys {
                frames.append(time {
                    _ = state.update(.key(i % 50 < 25 ? .down : .up))
                    _ = ConsoleView.render(state)
                })
            }
            report("Down/Up, key to frame", frames)

            // A long list is searched in the background: the key's frame comes first, the rows when the search ends.
            var keyFrames: [Double] = []
            var results: [Double] = []
            func press(_ key: Key) {
                var jobs: [FilterJob] = []
                let frame = time {
                    jobs = state.update(.key(key)).compactMap { if case .filter(let job) = $0 { job } else { nil } }
                    _ = ConsoleView.render(state)
                }
                keyFrames.append(frame)
                let search = time {
                    for job in jobs { _ = state.update(.filtered(job.run())) }
                    _ = ConsoleView.render(state)
                }
                results.append(frame + search)
            }
            _ = state.update(.key(.character("/")))
            for c in filter { press(.character(c)) }
            let matched = state.shownCount(.payouts)
            for _ in filter { press(.backspace) }
            _ = state.update(.key(.escape))
            report("filter keystroke \"\(filter)\" typed and erased, key to frame", keyFrames)
            report("filter keystroke \"\(filter)\" typed and erased, key to filtered rows drawn", results)
            print("  (\"\(filter)\" keeps \(matched) of \(state.count(.payouts)) rows)")

            if hugeFieldMb == 0 { try liveFeed(&state, follower, path: path, generator: generator, firstIndex: generated) }

            // Idle: the clock ticks once a second and the feed looks at the files four times a second.
            var idle: [Double] = []
            for k in 0..<20 {
                idle.append(time {
                    _ = state.update(.tick(.now + Int64(k)))
                    _ = ConsoleView.render(state)
                    for _ in 0..<4 { try? follower.catchUp(); _ = follower.takeChange() }
                })
            }
            let perSecond = idle.sorted()[idle.count / 2]
            print(String(format: "idle, work per second (a tick, a frame, four looks at the file):  %6.2f ms = %.2f%% of a core",
                         perSecond * 1000, perSecond * 100))
            print("peak memory: \(peakResidentMegabytes()) MB resident")
        }

        /// What a start left: the console's state with every row, the follower, and the times it took.
        private struct Start {
            var state: ConsoleState
            let follower: StoreFollower<PayoutKind>
            let time: Double
            let processorTime: Double
            let firstRows: (time: Double, count: Int)?
        }

        /// Start as the console does: a feed thread reads the file a piece at a time and posts each piece's rows;
        /// the loop, woken by each post, takes in what was posted and draws. The count is final once the last
        /// piece's rows are drawn.
        private func start(_ path: String) throws -> Start {
            let started = now(), processorBefore = processorSeconds()
            let follower = StoreFollower<PayoutKind>(path: path)
            let profile = Profile(name: "BENCH", production: false, xpayURL: "http://127.0.0.1:1/x", praxisURL: "http://127.0.0.1:1")
            var state = ConsoleState(profile: profile, profiles: [profile], operatorName: "bench", themeNames: ["default"],
                                     themeName: "default", now: .now, width: 120, height: 40)
            _ = state.update(.changed(ConsoleDataChange(sessions: RowChange(isFresh: true), attempts: [])))
            _ = state.update(.key(.character("2")))
            let posted = PostedChanges()
            let feed = Thread {
                do {
                    try follower.catchUp { partial in posted.post(RowChange(partial, path: path)) }
                    if let change = follower.takeChange() { posted.post(RowChange(change, path: path)) }
                    posted.finish(nil)
                } catch {
                    posted.finish(error)
                }
            }
            feed.start()
            var firstRows: (time: Double, count: Int)?
            while let changes = posted.take() {
                for change in changes { _ = state.update(.changed(ConsoleDataChange(payouts: change))) }
                _ = ConsoleView.render(state)
                if firstRows == nil, state.count(.payouts) > 0 { firstRows = (now() - started, state.count(.payouts)) }
            }
            if let error = posted.error { throw error }
            return Start(state: state, follower: follower, time: now() - started, processorTime: processorSeconds() - processorBefore,
                         firstRows: firstRows)
        }

        /// A writer appends 100 lines a second; the loop presses keys and takes in what the feed reads 4 times a second.
        private func liveFeed(_ state: inout ConsoleState, _ follower: StoreFollower<PayoutKind>, path: String,
                              generator: StoreGenerator, firstIndex: Int) throws {
            let writer = FeedWriter(path: path, generator: generator, firstIndex: firstIndex, seconds: feedSeconds)
            writer.start()
            var frames: [Double] = []
            var batches: [Double] = []
            var lags: [Double] = []
            var lastLook = now()
            let end = now() + Double(feedSeconds)
            var k = 0
            while now() < end || !writer.done {
                if now() - lastLook >= 0.25 {
                    lastLook = now()
                    let start = now()
                    try? follower.catchUp()
                    if let change = follower.takeChange() {
                        _ = state.update(.changed(ConsoleDataChange(payouts: RowChange(change, path: path))))
                    }
                    _ = ConsoleView.render(state)
                    batches.append(now() - start)
                    let seen = now()
                    for written in writer.take(whereShown: { state.data.payouts[String($0)] != nil }) { lags.append(seen - written) }
                }
                let start = now()
                _ = state.update(.key(k % 60 < 30 ? .down : .up))
                _ = ConsoleView.render(state)
                frames.append(now() - start)
                k += 1
                Thread.sleep(forTimeInterval: 0.03)
            }
            report("with 100 new lines a second: Down/Up, key to frame", frames)
            report("with 100 new lines a second: taking in a feed batch + frame", batches)
            report("with 100 new lines a second: line written until its row is listed", lags)
        }

        private func report(_ what: String, _ values: [Double]) {
            guard !values.isEmpty else { return }
            let sorted = values.sorted()
            print(String(format: "%@:  median %7.2f ms, p95 %7.2f ms, max %7.2f ms (%d)", what, sorted[sorted.count / 2] * 1000,
                         sorted[min(sorted.count - 1, sorted.count * 95 / 100)] * 1000, sorted.last! * 1000, sorted.count))
        }
    }
}

/// Appends new pending payouts at 100 a second (10 every 100 ms), remembering when each batch was written.
private final class FeedWriter: @unchecked Sendable {
    private let path: String
    private let generator: StoreGenerator
    private let seconds: Int
    private var next: Int
    private let lock = NSLock()
    private var written: [(trace: Int64, at: Double)] = []
    private var finished = false

    init(path: String, generator: StoreGenerator, firstIndex: Int, seconds: Int) {
        self.path = path
        self.generator = generator
        self.seconds = seconds
        next = firstIndex + 10_000_000
    }

    var done: Bool { lock.withLock { finished && written.isEmpty } }

    func start() {
        Thread { [self] in
            let handle = FileHandle(forWritingAtPath: path)!
            handle.seekToEndOfFile()
            for _ in 0..<(seconds * 10) {
                var text = ""
                for _ in 0..<10 {
                    text += generator.payoutLine(next, updateOf: nil).replacingOccurrences(of: #""status":"approved""#, with: #""status":"pending""#)
                        .replacingOccurrences(of: #""status":"rejected""#, with: #""status":"pending""#)
                        .replacingOccurrences(of: #""status":"cancelled""#, with: #""status":"pending""#) + "\n"
                    next += 1
                }
                handle.write(Data(text.utf8))
                lock.withLock { written.append((Int64(1_000_000 + next - 1), now())) }
                Thread.sleep(forTimeInterval: 0.1)
            }
            handle.closeFile()
            lock.withLock { finished = true }
        }.start()
    }

    /// The write times of the batches whose last row is now listed.
    func take(whereShown shown: (Int64) -> Bool) -> [Double] {
        lock.withLock {
            let ready = written.filter { shown($0.trace) }
            written.removeAll { shown($0.trace) }
            return ready.map(\.at)
        }
    }
}

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

func time(_ body: () -> Void) -> Double {
    let start = now()
    body()
    return now() - start
}

/// jq's time for the same selection, when jq is installed.
func timeJQ(_ path: String) -> Double? {
    guard let jq = ["/usr/bin/jq", "/usr/local/bin/jq"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: jq)
    process.arguments = ["-c", #"select(.status=="pending")"#, path]
    process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
    let start = now()
    guard (try? process.run()) != nil else { return nil }
    process.waitUntilExit()
    return now() - start
}

extension Data {
    func append(toFile path: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        handle.seekToEndOfFile()
        handle.write(self)
        handle.closeFile()
    }
}


/// What the feed thread posts for the loop, as `ConsoleFeed` does: `take` waits for a post (the console's loop is
/// woken by one) and gives every change posted since, or nil once the feed finished and all were taken.
final class PostedChanges: @unchecked Sendable {
    private let condition = NSCondition()
    private var changes: [RowChange] = []
    private var finished = false
    private(set) var error: Error?

    func post(_ change: RowChange) {
        condition.withLock {
            changes.append(change)
            condition.signal()
        }
    }

    func finish(_ error: Error?) {
        condition.withLock {
            finished = true
            self.error = error
            condition.signal()
        }
    }

    func take() -> [RowChange]? {
        condition.withLock {
            while changes.isEmpty, !finished { condition.wait() }
            defer { changes = [] }
            return changes.isEmpty ? nil : changes
        }
    }
}

/// CPU time this process used so far, all threads, user and system: steadier than the clock on a shared machine.
func processorSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

func residentMegabytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let pages = Int(text.split(separator: " ")[1]) ?? 0
    return pages * 4096 / 1_000_000
}
