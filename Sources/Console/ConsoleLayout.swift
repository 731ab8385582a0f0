/// Where each part of the screen goes at a given size. The list takes what the fixed parts leave; the audit
/// pane grows with the screen up to ten lines.
public struct ConsoleLayout: Equatable, Sendable {
    public static let minWidth = 80
    public static let minHeight = 24

    public let width: Int
    public let height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    public var isTooSmall: Bool { width < Self.minWidth || height < Self.minHeight }

    let titleRow = 0
    let tabRow = 1
    let headerRow = 2
    var listTop: Int { 3 }
    var auditLines: Int { max(3, min(10, (height - 8) / 3)) }
    var listHeight: Int { max(1, height - 6 - auditLines) }
    var auditTitleRow: Int { listTop + listHeight }
    var auditTop: Int { auditTitleRow + 1 }
    var messageRow: Int { height - 2 }
    var keyBarRow: Int { height - 1 }
}
