/// Milliseconds since 1970-01-01T00:00:00Z. Parsed by hand: a million `created_at`s through
/// ISO8601DateFormatter would cost more than the whole rest of a store load.
public struct Timestamp: Hashable, Comparable, Sendable {
    public var milliseconds: Int64

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.milliseconds < b.milliseconds }

    public static func + (t: Timestamp, seconds: Int64) -> Timestamp { Timestamp(milliseconds: t.milliseconds + seconds * 1000) }

    /// Parses RFC 3339 (`2026-11-21T09:30:00Z`, `2026-11-21T10:30:00.250+01:00`); nil if it is not one.
    public static func parseRFC3339(_ bytes: UnsafeBufferPointer<UInt8>) -> Timestamp? {
        let n = bytes.count
        guard n >= 20 else { return nil }
        func digits(_ at: Int, _ count: Int) -> Int? {
            var v = 0
            for k in at..<(at + count) {
                let d = bytes[k] &- UInt8(ascii: "0")
                guard d < 10 else { return nil }
                v = v * 10 + Int(d)
            }
            return v
        }
        guard let year = digits(0, 4), bytes[4] == UInt8(ascii: "-"),
              let month = digits(5, 2), bytes[7] == UInt8(ascii: "-"),
              let day = digits(8, 2),
              bytes[10] | 0x20 == UInt8(ascii: "t") || bytes[10] == UInt8(ascii: " "),
              let hour = digits(11, 2), bytes[13] == UInt8(ascii: ":"),
              let minute = digits(14, 2), bytes[16] == UInt8(ascii: ":"),
              let second = digits(17, 2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(year, month),
              hour < 24, minute < 60, second <= 60 else { return nil }
        var i = 19
        var millis = 0
        if bytes[i] == UInt8(ascii: ".") {
            i += 1
            var places = 0
            while i < n, bytes[i] &- UInt8(ascii: "0") < 10 {
                if places < 3 { millis = millis * 10 + Int(bytes[i] - UInt8(ascii: "0")) }
                places += 1
                i += 1
            }
            guard places > 0 else { return nil }
            if places < 3 { for _ in places..<3 { millis *= 10 } }
        }
        guard i < n else { return nil }
        var offsetMinutes = 0
        if bytes[i] | 0x20 == UInt8(ascii: "z") {
            i += 1
        } else if bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
            guard i + 6 <= n, let oh = digits(i + 1, 2), bytes[i + 3] == UInt8(ascii: ":"), let om = digits(i + 4, 2),
                  oh < 24, om < 60 else { return nil }
            offsetMinutes = (oh * 60 + om) * (bytes[i] == UInt8(ascii: "-") ? -1 : 1)
            i += 6
        } else {
            return nil
        }
        guard i == n else { return nil }
        let days = daysFromCivil(year, month, day)
        // A leap second (:60) is read as the last millisecond of its minute rather than refused.
        let secs = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + min(second, 59)) - Int64(offsetMinutes * 60)
        let ms = second == 60 ? 999 : millis
        return Timestamp(milliseconds: secs * 1000 + Int64(ms))
    }

    public static func parseRFC3339(_ text: String) -> Timestamp? {
        var text = text
        return text.withUTF8 { parseRFC3339($0) }
    }

    /// `2026-11-21T09:30:00.250Z`: what paydesk writes.
    public var rfc3339: String {
        let c = civil
        return "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))T\(pad(c.hour, 2)):\(pad(c.minute, 2)):\(pad(c.second, 2)).\(pad(c.millisecond, 3))Z"
    }

    /// `2026-11-21 09:30:00Z`: what people read (UTC, always marked, never ambiguous).
    public var display: String {
        let c = civil
        guard (0...9999).contains(c.year) else {
            return "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2)) \(pad(c.hour, 2)):\(pad(c.minute, 2)):\(pad(c.second, 2))Z"
        }
        return String(unsafeUninitializedCapacity: 20) { Self.putDisplay(c, into: $0) }
    }

    /// Hands `write` `display`'s bytes: `paydesk list` shows half a million of these.
    public func writeDisplay(_ write: (UnsafeBufferPointer<UInt8>) -> Void) {
        let c = civil
        guard (0...9999).contains(c.year) else {
            var text = display
            text.withUTF8(write)
            return
        }
        var buffer: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &buffer) { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            write(UnsafeBufferPointer(rebasing: bytes[..<Self.putDisplay(c, into: bytes)]))
        }
    }

    /// `writeDisplay` for many timestamps in turn: the date part is made only when the day changes (a store's
    /// rows come a few thousand to a day), the time of day always.
    public struct DisplayWriter {
        private var day = Int64.min
        private var bytes: (UInt64, UInt64, UInt64) = (0, 0, 0)

        public init() {}

        public mutating func write(_ time: Timestamp, _ write: (UnsafeBufferPointer<UInt8>) -> Void) {
            let (days, rest) = time.daysAndSeconds
            if days != day {
                let c = time.civil
                guard (0...9999).contains(c.year) else { return time.writeDisplay(write) }
                withUnsafeMutableBytes(of: &bytes) { _ = Timestamp.putDisplay(c, into: $0.bindMemory(to: UInt8.self)) }
                day = days
            }
            withUnsafeMutableBytes(of: &bytes) { raw in
                let out = raw.bindMemory(to: UInt8.self)
                let seconds = Int(rest)
                Timestamp.putTwo(seconds / 3600, into: out, at: 11)
                Timestamp.putTwo(seconds % 3600 / 60, into: out, at: 14)
                Timestamp.putTwo(seconds % 60, into: out, at: 17)
                write(UnsafeBufferPointer(rebasing: out[..<20]))
            }
        }
    }

    @inline(__always) fileprivate static func putTwo(_ v: Int, into out: UnsafeMutableBufferPointer<UInt8>, at i: Int) {
        out[i] = UInt8(ascii: "0") + UInt8(v / 10)
        out[i + 1] = UInt8(ascii: "0") + UInt8(v % 10)
    }

    /// Writes a four-digit year's display digit by digit into `out` (20 bytes); returns 20.
    fileprivate static func putDisplay(_ c: (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, millisecond: Int),
                                   into out: UnsafeMutableBufferPointer<UInt8>) -> Int {
        func put(_ v: Int, _ width: Int, at i: Int) {
            var v = v
            for k in stride(from: i + width - 1, through: i, by: -1) {
                out[k] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
            }
        }
        put(c.year, 4, at: 0); out[4] = UInt8(ascii: "-")
        put(c.month, 2, at: 5); out[7] = UInt8(ascii: "-")
        put(c.day, 2, at: 8); out[10] = UInt8(ascii: " ")
        put(c.hour, 2, at: 11); out[13] = UInt8(ascii: ":")
        put(c.minute, 2, at: 14); out[16] = UInt8(ascii: ":")
        put(c.second, 2, at: 17); out[19] = UInt8(ascii: "Z")
        return 20
    }

    fileprivate var civil: (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, millisecond: Int) {
        let (days, rest) = daysAndSeconds
        let ms = milliseconds % 1000
        let (y, m, d) = Timestamp.civilFromDays(Int(days))
        return (y, m, d, Int(rest / 3600), Int(rest % 3600 / 60), Int(rest % 60), Int(ms < 0 ? ms + 1000 : ms))
    }

    /// Whole days since 1970 and the seconds into the last of them, both rounded down (before 1970 too).
    fileprivate var daysAndSeconds: (days: Int64, seconds: Int64) {
        let (secs, ms) = milliseconds.quotientAndRemainder(dividingBy: 1000)
        let totalSeconds = ms < 0 ? secs - 1 : secs
        var (days, rest) = totalSeconds.quotientAndRemainder(dividingBy: 86_400)
        if rest < 0 { rest += 86_400; days -= 1 }
        return (days, rest)
    }

    private func pad(_ v: Int, _ width: Int) -> String {
        if v < 0 { return "-" + pad(-v, width) }
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    static func daysInMonth(_ year: Int, _ month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days: exact for the proleptic Gregorian calendar.
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

/// "4m12s", "2h05m", "3d04h": short enough for a table column.
public func compactDuration(milliseconds: Int64) -> String {
    let s = max(0, milliseconds / 1000)
    if s < 60 { return "\(s)s" }
    if s < 3600 { return "\(s / 60)m\(twoDigits(s % 60))s" }
    if s < 86_400 { return "\(s / 3600)h\(twoDigits(s % 3600 / 60))m" }
    return "\(s / 86_400)d\(twoDigits(s % 86_400 / 3600))h"
}

private func twoDigits(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }

import Foundation

extension Timestamp {
    /// The wall clock, now.
    public static var now: Timestamp { Timestamp(milliseconds: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))) }
}
