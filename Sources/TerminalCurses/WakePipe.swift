#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How other threads end the loop's wait for a key: a byte written to a pipe whose other end is polled with the
/// terminal. Closed when the last holder lets go, so a late wake-up never writes to a descriptor reused since.
final class WakePipe: Sendable {
    private let readEnd: Int32
    private let writeEnd: Int32

    init?() {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return nil }
        for end in ends {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)   // a full pipe already wakes: a wake-up never blocks
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        readEnd = ends[0]
        writeEnd = ends[1]
    }

    deinit {
        close(readEnd)
        close(writeEnd)
    }

    func wake() {
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }

    /// What ended a wait.
    enum Wait: Equatable {
        /// `fd` may have input: ncurses is asked, and waits a little for the rest of a key sent in pieces.
        case input
        /// A signal (a resize) broke the wait: ncurses is asked at once, for what the signal left it.
        case interrupted
        /// The timeout, or a wake-up.
        case quiet
        /// `fd` hung up (its terminal is gone) or is no longer usable: it will never have input again, and
        /// polling it again returns at once.
        case hungUp
    }

    /// Waits up to `timeoutMilliseconds` for input on `fd` or a wake-up (a negative `fd`: for a wake-up only). A
    /// wake-up is taken (the pipe emptied).
    func waitForInput(on fd: Int32, timeoutMilliseconds: Int) -> Wait {
        // On the stack: the loop waits here between every two frames.
        withUnsafeTemporaryAllocation(of: pollfd.self, capacity: 2) { fds in
            fds[0] = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)   // poll skips a negative fd
            fds[1] = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
            let ready = poll(fds.baseAddress, 2, Int32(clamping: timeoutMilliseconds))
            if ready < 0 {
                guard errno == EINTR else {
                    // A poll that cannot wait (out of memory, say): wait out the time here, or the loop would spin.
                    usleep(UInt32(clamping: timeoutMilliseconds * 1000))
                    return .quiet
                }
                return .interrupted
            }
            if fds[1].revents != 0 {
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { bytes in
                    while read(readEnd, bytes.baseAddress, 64) > 0 {}
                }
            }
            if hasHungUp(fds[0]) { return .hungUp }
            return fds[0].revents != 0 ? .input : .quiet
        }
    }
}

/// Whether a polled terminal is gone: a hung-up one reports POLLHUP (often with POLLIN) on every poll, and taken
/// as input, the loop spun.
func hasHungUp(_ polled: pollfd) -> Bool {
    polled.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0
}
