import PaydeskCore

/// The top line: which profile, whether it is PRODUCTION (the word, always, and the production colour across
/// the whole bar), who is working, READ-ONLY when it applies, and the time. When space runs short the operator
/// and then the time give way; the profile, PRODUCTION or TEST, and READ-ONLY never do.
public struct TitleBar: Sendable {
    public var profile: String
    public var production: Bool
    public var readOnly: Bool
    public var operatorName: String
    public var now: Timestamp

    public init(profile: String, production: Bool, readOnly: Bool, operatorName: String, now: Timestamp) {
        self.profile = profile
        self.production = production
        self.readOnly = readOnly
        self.operatorName = operatorName
        self.now = now
    }

    public func draw(into grid: inout Grid, row y: Int = 0) {
        let role: ThemeRole = production ? .production : .title
        grid.fill(row: y, role: role)
        let left = " paydesk · \(profile) · " + (production ? "PRODUCTION" : "TEST")
        let time = String(now.display.dropFirst(11))   // "09:30:12Z"
        let mark = readOnly ? "READ-ONLY" : nil
        // Longest first; the first that fits beside the left part is drawn.
        let candidates: [[String]] = [
            [operatorName, mark, time].compactMap { $0 },
            [mark, time].compactMap { $0 },
            [mark].compactMap { $0 },
        ]
        let end = grid.put(left, x: 0, y: y, role: role)
        for parts in candidates {
            let right = parts.joined(separator: " · ") + " "
            let start = grid.width - displayWidth(right)
            if start >= end + 2 || parts.isEmpty {
                if !parts.isEmpty { grid.put(right, x: start, y: y, role: role) }
                break
            }
        }
        if let mark, !grid.lines[y].contains(mark) {
            // Not even READ-ONLY fitted beside the name: it replaces the end of the left part.
            grid.put(mark + " ", x: max(0, grid.width - displayWidth(mark) - 1), y: y, role: .readOnly)
        }
    }
}
