import PaydeskCore

/// HTTP's `Date` header (RFC 9110's IMF-fixdate, `Sun, 06 Nov 1994 08:49:37 GMT`): the gateway's clock.
public enum HTTPDate {
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    static let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]   // 1970-01-01 was a Thursday

    public static func parse(_ text: String) -> Timestamp? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[0].hasSuffix(","), parts[5] == "GMT", parts[1].count == 2,
              let month = months.firstIndex(of: String(parts[2])), parts[3].count == 4, parts[4].count == 8 else { return nil }
        return Timestamp.parseRFC3339("\(parts[3])-\(month < 9 ? "0" : "")\(month + 1)-\(parts[1])T\(parts[4])Z")
    }

    public static func format(_ t: Timestamp) -> String {
        let rfc = t.rfc3339   // 2026-11-21T09:00:00.000Z
        let chars = Array(rfc)
        let day = Int((t.milliseconds / 1000).dividedFloor(by: 86_400))
        let weekday = weekdays[((day % 7) + 7) % 7]
        let month = months[Int(String(chars[5...6]))! - 1]
        return "\(weekday), \(String(chars[8...9])) \(month) \(String(chars[0...3])) \(String(chars[11...18])) GMT"
    }
}

private extension Int64 {
    func dividedFloor(by d: Int64) -> Int64 { self >= 0 ? self / d : -((-self + d - 1) / d) }
}
