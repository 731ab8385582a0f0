import Foundation
import Testing
@testable import TerminalCurses

extension PaydeskTests {
/// How other threads end the console's wait for a key: the wait ends at once, and only once per wake-up.
@Suite struct WakePipeTests {
    @Test func aWakeUpEndsTheWaitForATerminalThatStaysQuiet() throws {
        let wakePipe = try #require(WakePipe())
        var quiet: [Int32] = [-1, -1]   // a terminal stand-in nothing is typed into
        #expect(pipe(&quiet) == 0)
        defer { quiet.forEach { close($0) } }
        let waker: @Sendable () -> Void = { wakePipe.wake() }
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.05) { waker() }
        let started = Date()
        #expect(!wakePipe.waitForInput(on: quiet[0], timeoutMilliseconds: 20_000), "woken, with no key")
        #expect(Date().timeIntervalSince(started) < 10, "the wake-up ended the wait, not its 20 s timeout")
        #expect(!wakePipe.waitForInput(on: quiet[0], timeoutMilliseconds: 20), "the wake-up was taken: the next wait runs out")
        for _ in 0..<70_000 { wakePipe.wake() }   // more than the pipe holds (64 KiB): a wake-up never blocks its thread
        #expect(!wakePipe.waitForInput(on: quiet[0], timeoutMilliseconds: 20))
        #expect(!wakePipe.waitForInput(on: quiet[0], timeoutMilliseconds: 20), "all of them were taken at once")
        var key: UInt8 = 0x6A
        #expect(write(quiet[1], &key, 1) == 1)
        #expect(wakePipe.waitForInput(on: quiet[0], timeoutMilliseconds: 20_000), "a key ends the wait as input")
    }
}
}
