import ArgumentParser
import Foundation
import PaydeskCore

/// Measures what the issue promises: a million-line store loads in well under a second.
/// Run release builds: `swift run -c release paydesk-bench`.
@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "paydesk-bench",
        abstract: "Generate store files and measure how fast paydesk loads them.",
        subcommands: [Run.self, Generate.self, Load.self, ConsoleFrames.self, CommandLine.self, TerminalRun.self, CancelCost.self],
        defaultSubcommand: Run.self
    )
}

enum StoreKindArgument: String, ExpressibleByArgument, CaseIterable {
    case sessions, payouts
}

extension Bench {
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Generate a store in a temporary folder, load it several times, report.")
        @Option(help: "Lines to generate.") var lines = 1_000_000
        @Option(help: "Timed loads.") var runs = 5

        func run() throws {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("paydesk-bench-\(getpid())").path
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let path = dir + "/payouts.jsonl"
            let generator = StoreGenerator(seed: 42)
            try generator.writePayouts(lines: lines, to: path)
            try measureLoad(PayoutKind.self, path: path, runs: runs)
        }
    }

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write a store file to measure against (or to try paydesk on).")
        @Argument(help: "sessions or payouts") var kind: StoreKindArgument
        @Option(help: "Lines to write.") var lines = 1_000_000
        @Option(help: "Seed: the same seed writes the same file.") var seed: UInt64 = 42
        @Option(help: "Where to write.") var out: String

        func run() throws {
            let generator = StoreGenerator(seed: seed)
            switch kind {
            case .payouts: try generator.writePayouts(lines: lines, to: out)
            case .sessions: try generator.writeSessions(lines: lines, to: out, now: .now)
            }
            let size = (try? FileManager.default.attributesOfItem(atPath: out)[.size] as? Int) ?? 0
            print("wrote \(lines) \(kind.rawValue) lines, \(megabytes(size)) MB, to \(out)")
        }
    }

    struct Load: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Load a store file several times and report time, rate and peak memory.")
        @Argument(help: "sessions or payouts") var kind: StoreKindArgument
        @Argument(help: "The store file.") var path: String
        @Option(help: "Timed loads.") var runs = 5

        func run() throws {
            switch kind {
            case .payouts: try measureLoad(PayoutKind.self, path: path, runs: runs)
            case .sessions: try measureLoad(SessionKind.self, path: path, runs: runs)
            }
        }
    }
}

func measureLoad<Kind: RecordKind>(_ kind: Kind.Type, path: String, runs: Int) throws {
    var times: [Double] = []
    var last: StoreSnapshot<Kind>?
    for _ in 0..<max(runs, 1) {
        last = nil   // free the previous load first, so peak memory is one load's
        let start = DispatchTime.now().uptimeNanoseconds
        last = try StoreSnapshot<Kind>.load(path: path)
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    guard let store = last else { return }
    let now = Timestamp.now
    let actionable = store.records.reduce(0) { $0 + (store.isActionable($1, now: now) ? 1 : 0) }
    let sorted = times.sorted()
    let median = sorted[sorted.count / 2]
    let size = store.completeLength
    print("file:        \(path) (\(megabytes(size)) MB, \(store.lineCount) lines)")
    print("records:     \(store.records.count) (\(actionable) \(Kind.states[0])), \(store.problemCount) bad lines")
    print("load time:   best \(ms(sorted[0])) ms, median \(ms(median)) ms over \(times.count) runs on \(usableCores) cores")
    print("rate:        \(Int(Double(store.lineCount) / median)) lines/s, \(Int(Double(size) / median / 1e6)) MB/s (median)")
    print("peak memory: \(peakResidentMegabytes()) MB resident")
}

private func ms(_ seconds: Double) -> String { String(format: "%.0f", seconds * 1000) }
private func megabytes(_ bytes: Int) -> String { String(format: "%.1f", Double(bytes) / 1e6) }

/// Peak resident set size of this process (Linux reports ru_maxrss in kilobytes).
func peakResidentMegabytes() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss / 1024
}

/// Puts the store just copied or written on disk before anything is timed: the kernel writing 200 MB back in the
/// middle of a measure took CPU from what was measured.
func settleWrites() {
    sync()
}
