import Foundation
import PaydeskCore

/// Writes realistic store files: about 190 bytes a payout line, one line in ten an update of an earlier record.
final class StoreGenerator {
    var random: SplitMix64

    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    func writePayouts(lines: Int, to path: String) throws {
        try write(lines: lines, to: path, line: payoutLine)
    }

    /// The payout line for record `index`, or an update of record `updateOf`.
    func payoutLine(_ index: Int, updateOf: Int?) -> String {
            let trace = 1_000_000 + (updateOf ?? index)
            let status = updateOf == nil ? pick(["pending", "pending", "pending", "pending", "pending", "pending", "approved", "approved", "rejected", "cancelled"])
                                         : pick(["approved", "cancelled", "rejected"])
            let at = Timestamp(milliseconds: 1_795_000_000_000 + Int64(updateOf ?? index) * 2_000)
            return #"{"trace_id":\#(trace),"requested_at":"\#(at.rfc3339.prefix(19))Z","order_id":"O-\#(trace)","amount":\#(random.next() % 500_000 + 100),"currency":"\#(pick(["EUR", "EUR", "GBP", "USD", "JPY"]))","customer_id":"C-\#(pad(Int(random.next() % 10_000_000), 7))","payment_method":"\#(pick(["sepa", "visa", "mastercard", "skrill"]))","status":"\#(status)","src":"crm"}"#
    }

    /// Sessions created over the last `spreadSeconds`, so some are open and the rest expired.
    func writeSessions(lines: Int, to path: String, now: Timestamp, spreadSeconds: Int64 = 3_600) throws {
        try write(lines: lines, to: path) { index, updateOf in
            let n = updateOf ?? index
            let created = Timestamp(milliseconds: now.milliseconds - Int64(lines - n) * spreadSeconds * 1000 / Int64(max(lines, 1)))
            let state = updateOf == nil ? "open" : pick(["cancelled", "paid"])
            return #"{"session_id":"xs-\#(pad(n, 10))","created_at":"\#(created.rfc3339)","order_id":"ORD-\#(pad(n, 8))","amount":\#(random.next() % 100_000 + 100),"currency":"EUR","customer_id":"CUS-\#(pad(Int(random.next() % 1_000_000), 7))","description":"Order \#(n)","state":"\#(state)"}"#
        }
    }

    private func write(lines: Int, to path: String, line: (Int, Int?) -> String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw PaydeskError.io("cannot create \(path)")
        }
        defer { try? handle.close() }
        var buffer = ""
        buffer.reserveCapacity(1 << 20)
        var index = 0
        for _ in 0..<lines {
            // One line in ten is an upsert of an earlier record, as when the CRM reports a payout approved.
            let isUpdate = index > 10 && random.next() % 10 == 0
            buffer += line(index, isUpdate ? Int(random.next() % UInt64(index)) : nil)
            buffer += "\n"
            if !isUpdate { index += 1 }
            if buffer.utf8.count > 1 << 20 {
                try handle.write(contentsOf: Data(buffer.utf8))
                buffer.removeAll(keepingCapacity: true)
            }
        }
        try handle.write(contentsOf: Data(buffer.utf8))
    }

    private func pick(_ choices: [String]) -> String { choices[Int(random.next() % UInt64(choices.count))] }

    private func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }
}

/// A small, fast, seedable generator: the same seed writes the same file.
struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
