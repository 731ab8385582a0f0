import Foundation
import Testing
@testable import PaydeskCore
@testable import paydesk

/// `list` and `history` on a terminal: the widest column is cut with `…` so each row stays one line, as gh does;
/// into a pipe every line stays whole.
extension PaydeskTests {
@Suite struct TableFitTests {
    private func lineWidth(_ widths: [Int]) -> Int { widths.reduce(0, +) + 2 * (widths.count - 1) }

    @Test func theWidestColumnIsCutFirst() {
        #expect(TextTable.fitted([10, 40, 6], into: 40) == [10, 20, 6], "only the widest gives")
        #expect(TextTable.fitted([10, 40, 6], into: 100) == [10, 40, 6], "what fits is left alone")
        #expect(TextTable.fitted([30, 30, 5], into: 40) == [15, 15, 5], "two as wide share the cut")
        let cascaded = TextTable.fitted([50, 20, 10], into: 30)
        #expect(lineWidth(cascaded) <= 30 && cascaded.allSatisfy { $0 >= 4 })
        #expect(cascaded.max()! - cascaded.min()! <= 1, "down to the next widest, then both, then all")
        #expect(TextTable.fitted([4, 4, 4], into: 5) == [4, 4, 4], "never below the minimum, even if it cannot fit")
        for width in stride(from: 44, through: 200, by: 7) {   // 44: six columns of the minimum 4, and the gaps
            let widths = [8, 14, 9, 13, 120, 6]
            let fitted = TextTable.fitted(widths, into: width)
            #expect(lineWidth(fitted) <= width && zip(fitted, widths).allSatisfy { $0 <= $1 }, "\(width)")
        }
    }

    @Test func aTerminalGetsOneLinePerRowAndAPipeGetsThemWhole() async throws {
        let home = TemporaryDirectory("paydesk-home")
        let long = String(repeating: "lorem ipsum ", count: 20)
        home.write("data/TEST/payouts.jsonl", payoutLine(7, extra: #","note":"\#(long)""#) + "\n" + payoutLine(8) + "\n")
        let piped = try await runPaydesk(["list", "payouts", "--home", home.path], environment: ["COLUMNS": "100"])
        #expect(piped.status == 0)
        #expect(piped.stdout.contains(long.trimmingCharacters(in: .whitespaces)) && !piped.stdout.contains("…"), "a pipe gets it whole")

        let tmux = try TmuxTerminal("\(paydeskBinary) list payouts --home \(home.path)", width: 100, height: 20)
        defer { tmux.stop() }
        let screen = await tmux.waitFor("paydesk exited") ?? ""
        let lines = screen.split(separator: "\n")
        let row = lines.first { $0.contains("O-7") }
        #expect(row?.hasSuffix("…") == true && row?.contains("12.50 EUR") == true, "cut at the end of the widest column:\n\(screen)")
        #expect(lines.allSatisfy { displayWidth(String($0)) <= 100 })
        #expect(lines.contains { $0.hasPrefix("TRACE ID") && $0.contains("OTHER FIELDS") })
        #expect(lines.filter { $0.contains("lorem") }.count == 1, "one line, not wrapped")
        #expect(tmux.exitStatus == "exited with 0")
    }
}
}
