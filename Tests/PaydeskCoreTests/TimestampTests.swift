import Foundation
import Testing
@testable import PaydeskCore

extension PaydeskTests {
@Suite struct TimestampTests {
    @Test(arguments: [
        ("1970-01-01T00:00:00Z", Int64(0)),
        ("2026-11-21T09:30:00Z", Int64(1_795_253_400_000)),
        ("2026-11-21T10:30:00+01:00", Int64(1_795_253_400_000)),
        ("2026-11-21T04:00:00-05:30", Int64(1_795_253_400_000)),
        ("2026-11-21t09:30:00z", Int64(1_795_253_400_000)),
        ("2026-11-21 09:30:00Z", Int64(1_795_253_400_000)),
        ("2026-11-21T09:30:00.25Z", Int64(1_795_253_400_250)),
        ("2026-11-21T09:30:00.123456789Z", Int64(1_795_253_400_123)),
        ("2024-02-29T00:00:00Z", Int64(1_709_164_800_000)),
        ("1969-12-31T23:59:59Z", Int64(-1000)),
    ])
    func parsesRFC3339(_ text: String, _ milliseconds: Int64) {
        #expect(Timestamp.parseRFC3339(text)?.milliseconds == milliseconds)
    }

    @Test(arguments: [
        "2026-11-21", "2026-11-21T09:30:00", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z", "2100-02-29T00:00:00Z",
        "2026-11-31T00:00:00Z", "2026-11-21T24:00:00Z", "2026-11-21T09:60:00Z", "2026-11-21T09:30:00.Z",
        "2026-11-21T09:30:00+0100", "2026-11-21T09:30:00Zjunk", "21/11/2026 09:30", "",
    ])
    func refusesWhatIsNotRFC3339(_ text: String) {
        #expect(Timestamp.parseRFC3339(text) == nil)
    }

    @Test func formatsWhatItParses() {
        for ms: Int64 in [0, 1_795_253_400_250, -1, 951_782_400_000, 4_102_444_800_000] {
            let t = Timestamp(milliseconds: ms)
            #expect(Timestamp.parseRFC3339(t.rfc3339) == t, "\(t.rfc3339)")
        }
        #expect(Timestamp(milliseconds: 1_795_253_400_250).rfc3339 == "2026-11-21T09:30:00.250Z")
        #expect(Timestamp(milliseconds: 1_795_253_400_250).display == "2026-11-21 09:30:00Z")
        // The digits written in place agree with Foundation's calendar, leap days and years' ends included.
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss'Z'"
        for seconds: Int64 in [0, 59, 951_782_399, 951_782_400, 1_709_164_800, 1_735_689_599, 1_735_689_600, 4_102_444_799,
                               -1, -86_401, 253_402_300_799] {
            #expect(Timestamp(milliseconds: seconds * 1000 + 999).display == formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds))))
        }
        #expect(Timestamp(milliseconds: 253_402_300_800_000).display == "10000-01-01 00:00:00Z", "past 9999: written the slow way")
    }

    @Test func shortDurations() {
        #expect(compactDuration(milliseconds: 59_999) == "59s")
        #expect(compactDuration(milliseconds: 252_000) == "4m12s")
        #expect(compactDuration(milliseconds: 7_500_000) == "2h05m")
        #expect(compactDuration(milliseconds: 273_600_000) == "3d04h")
        #expect(compactDuration(milliseconds: -5) == "0s")
    }

    @Test func moneyUsesEachCurrencysMinorUnit() {
        #expect(Money.format(minorUnits: 1234, currency: "EUR") == "12.34 EUR")
        #expect(Money.format(minorUnits: 5, currency: "GBP") == "0.05 GBP")
        #expect(Money.format(minorUnits: -5, currency: "GBP") == "-0.05 GBP")
        #expect(Money.format(minorUnits: 1234, currency: "JPY") == "1234 JPY")
        #expect(Money.format(minorUnits: 1234, currency: "KWD") == "1.234 KWD")
        #expect(Money.format(minorUnits: 1234, currency: nil) == "1234")
    }

    @Test func measuresTextInTerminalCells() {
        #expect(displayWidth("abc") == 3)
        #expect(displayWidth("日本") == 4)
        #expect(displayWidth("e\u{301}") == 1)
        #expect(truncated("abcdef", toWidth: 4) == "abc…")
        #expect(truncated("abc", toWidth: 4) == "abc")
        #expect(padded("日", toWidth: 4) == "日  ")
    }
}
}
