#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PaydeskCore

/// Lines written to standard output from where they are (a mapped store, which outlives the writing), many at a
/// time with `writev`, rather than copied into `Output`'s buffer first: half a million `--json` lines are 100 MB.
/// Lines next to each other in memory (a store's neighbouring lines with their newlines) go as one piece.
/// What `Output` holds is written before the first line added after a flush; these must be flushed before
/// `Output` is written to again.
struct LinesInPlace {
    private var pieces: [iovec] = []

    init() { pieces.reserveCapacity(Self.maxPieces) }

    /// IOV_MAX on Linux and the BSDs.
    private static let maxPieces = 1024

    /// `bytes` must stay where they are until `flush`.
    mutating func add(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        if pieces.isEmpty { Output.flush() }   // what went to the buffer before comes first
        if let last = pieces.last, last.iov_base + last.iov_len == UnsafeMutableRawPointer(mutating: base) {
            pieces[pieces.count - 1].iov_len += bytes.count
            return
        }
        if pieces.count == Self.maxPieces { flush() }
        pieces.append(iovec(iov_base: UnsafeMutableRawPointer(mutating: base), iov_len: bytes.count))
    }

    /// Writes what was added, all of it unless standard output fails (then `Output.failure` says why).
    mutating func flush() {
        defer { pieces.removeAll(keepingCapacity: true) }
        guard Output.failure == nil else { return }
        if let code = writevAll(1, &pieces) { Output.failed(code) }
    }
}
