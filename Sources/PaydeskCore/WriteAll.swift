#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes all of `bytes` to `fd`, going on after a short write or a signal; the errno that stopped it, or nil.
/// Every write of ours that must not be cut short goes through here: output, the stores, the terminal.
public func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32? {
    var done = 0
    while done < bytes.count {
        let n = write(fd, bytes.baseAddress! + done, bytes.count - done)
        if n < 0 {
            if errno == EINTR { continue }
            return errno
        }
        if n == 0 { return EIO }   // no progress: never spin on it
        done += n
    }
    return nil
}

/// Writes all of `pieces` to `fd` with `writev` (at most IOV_MAX of them), going on after a short write or a
/// signal from inside the piece it stopped in; the errno that stopped it, or nil. `pieces` is used up.
public func writevAll(_ fd: Int32, _ pieces: inout [iovec]) -> Int32? {
    var first = 0
    while first < pieces.count {
        let n = pieces.withUnsafeBufferPointer { writev(fd, $0.baseAddress! + first, Int32($0.count - first)) }
        if n < 0 {
            if errno == EINTR { continue }
            return errno
        }
        if n == 0 { return EIO }   // no progress: never spin on it
        var left = n
        while first < pieces.count, left >= pieces[first].iov_len {
            left -= pieces[first].iov_len
            first += 1
        }
        if left > 0 {
            pieces[first].iov_base += left
            pieces[first].iov_len -= left
        }
    }
    return nil
}
