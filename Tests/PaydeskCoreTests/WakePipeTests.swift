import CLibcExtras
import Foundation
import Testing
@testable import PaydeskCore
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
        #expect(wakePipe.waitForInput(on: quiet[0], timeoutMilliseconds: 20_000) == .quiet, "woken, with no key")
        #expect(Date().timeIntervalSince(started) < 10, "the wake-up ended the wait, not its 20 s timeout")
        #expect(wakePipe.waitForInput(on: quiet[0], timeoutMilliseconds: 20) == .quiet, "the wake-up was taken: the next wait runs out")
        for _ in 0..<70_000 { wakePipe.wake() }   // more than the pipe holds (64 KiB): a wake-up never blocks its thread
        #expect(wakePipe.waitForInput(on: quiet[0], timeoutMilliseconds: 20) == .quiet)
        #expect(wakePipe.waitForInput(on: quiet[0], timeoutMilliseconds: 20) == .quiet, "all of them were taken at once")
        var key: UInt8 = 0x6A
        #expect(write(quiet[1], &key, 1) == 1)
        #expect(wakePipe.waitForInput(on: quiet[0], timeoutMilliseconds: 20_000) == .input, "a key ends the wait as input")
    }

    /// A signal (SIGWINCH, on a resize) breaks the wait: the wait says so, so ncurses is asked at once rather
    /// than waited on for the whole timeout again.
    @Test func aSignalThatBreaksTheWaitIsToldApart() throws {
        let wakePipe = try #require(WakePipe())
        var quiet: [Int32] = [-1, -1]
        #expect(pipe(&quiet) == 0)
        defer { quiet.forEach { close($0) } }
        // A handler that does nothing: the signal only breaks the poll (as ncurses' own SIGWINCH handler does).
        let previous = signal(SIGUSR1) { _ in }
        defer { signal(SIGUSR1, previous) }
        let waiter = ResultSlots<pthread_t>(count: 1), ended = ResultSlots<WakePipe.Wait>(count: 1)
        let done = DispatchSemaphore(value: 0)
        let fd = quiet[0]
        Thread {
            // Test threads come from a pool that blocks signals: this one takes SIGUSR1, as the console's loop takes SIGWINCH.
            var only = sigset_t()
            sigemptyset(&only)
            sigaddset(&only, SIGUSR1)
            pthread_sigmask(SIG_UNBLOCK, &only, nil)
            waiter[0] = pthread_self()
            ended[0] = wakePipe.waitForInput(on: fd, timeoutMilliseconds: 20_000)
            done.signal()
        }.start()
        let started = Date()
        while waiter[0] == nil { usleep(1000) }
        // Sent until the wait ends: one sent before the thread is in its poll would only run the handler.
        var finished = false
        for _ in 0..<1500 where !finished {
            pthread_kill(waiter[0]!, SIGUSR1)
            finished = done.wait(timeout: .now() + 0.01) == .success
        }
        #expect(finished)
        #expect(ended[0] == .interrupted)
        #expect(Date().timeIntervalSince(started) < 10, "at once, not after the timeout")
    }

    /// A terminal whose other end closed (an ssh session dropped) says so at every poll: the wait must call it
    /// hung up, not input, or the loop asks ncurses, gets nothing, and polls again at once, forever.
    @Test func aTerminalThatHungUpIsToldApartFromInput() throws {
        let wakePipe = try #require(WakePipe())
        var (master, terminal) = try Self.pseudoTerminal()
        defer {
            close(terminal)
            if master >= 0 { close(master) }
        }
        #expect(wakePipe.waitForInput(on: terminal, timeoutMilliseconds: 20) == .quiet, "an open terminal nothing is typed into")
        // A line: the terminal is in line mode, and a read waits for the line's end.
        var line: [UInt8] = [0x6A, 0x0A]
        #expect(write(master, &line, 2) == 2)
        #expect(wakePipe.waitForInput(on: terminal, timeoutMilliseconds: 20_000) == .input)
        #expect(read(terminal, &line, 2) == 2)
        close(master)
        master = -1
        let started = Date()
        #expect(wakePipe.waitForInput(on: terminal, timeoutMilliseconds: 20_000) == .hungUp)
        #expect(Date().timeIntervalSince(started) < 10, "at once, not after the timeout")

        // Hung up with a line still unread: gone all the same (no one is there to have typed more).
        let (other, unread) = try Self.pseudoTerminal()
        defer { close(unread) }
        #expect(write(other, &line, 2) == 2)
        close(other)
        #expect(wakePipe.waitForInput(on: unread, timeoutMilliseconds: 20_000) == .hungUp)
        #expect(wakePipe.waitForInput(on: -1, timeoutMilliseconds: 20) == .quiet, "without the terminal, the wait is for a wake-up only")
    }

    /// A pseudo-terminal's two ends: the one a terminal program holds, and the one a console would read.
    static func pseudoTerminal() throws -> (master: Int32, terminal: Int32) {
        let master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC)
        try #require(master >= 0)
        guard grantpt(master) == 0, unlockpt(master) == 0, case let terminal = open(String(cString: ptsname(master)), O_RDWR | O_NOCTTY | O_CLOEXEC),
              terminal >= 0 else {
            close(master)
            throw POSIXError(.EIO)
        }
        return (master, terminal)
    }
}
}
