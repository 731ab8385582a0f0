/// The confirmation of a cancellation, exactly as operators learn it by heart:
/// the cursor starts in Reason; Enter moves on. On a non-production profile the choice `[ No ]  [ Yes ]`
/// follows with No focused: `y` confirms, `n`/Esc/Enter-on-No close, Tab or the arrows move the focus. So
/// `c`, Enter, Enter never cancels anything. On a production profile the reason is required, then the
/// target's id (or, for several, their number) must be typed; `y` there is just a letter.
public struct CancelDialog: Equatable, Sendable {
    public enum Stage: Equatable, Sendable {
        case reason
        case choice(yesFocused: Bool)
        case typeToConfirm
    }

    public enum Outcome: Equatable, Sendable {
        /// Keep the dialog open.
        case stay
        /// Close it; nothing happens.
        case close
        /// Cancel the targets, with this reason.
        case confirm(reason: String)
    }

    /// The keys of what will be cancelled.
    public let targets: [String]
    /// Of the marked rows, how many the current filter hides (they are cancelled too: the dialog says so).
    public let hiddenByFilter: Int
    public let profileName: String
    public let production: Bool
    public private(set) var reason = ""
    public private(set) var typed = ""
    public private(set) var stage = Stage.reason
    /// What the operator must be told (a required reason, a confirmation that does not match), or nil.
    public private(set) var message: String?

    public init(targets: [String], hiddenByFilter: Int = 0, profileName: String, production: Bool) {
        self.targets = targets
        self.hiddenByFilter = hiddenByFilter
        self.profileName = profileName
        self.production = production
    }

    /// What a production operator must type: the id, or for several targets their number.
    public var expectedConfirmation: String { targets.count == 1 ? targets[0] : String(targets.count) }

    public mutating func handle(_ key: Key) -> Outcome {
        if key == .escape { return .close }
        switch stage {
        case .reason:
            switch key {
            case .enter:
                if production, reason.allSatisfy(\.isWhitespace) {
                    message = "A reason is required on a production profile."
                    return .stay
                }
                message = nil
                stage = production ? .typeToConfirm : .choice(yesFocused: false)
            default:
                if Self.edit(&reason, key) { message = nil }
            }
            return .stay
        case .choice(let yesFocused):
            switch key {
            case .character("y"), .character("Y"): return .confirm(reason: trimmedReason)
            case .character("n"), .character("N"): return .close
            case .enter: return yesFocused ? .confirm(reason: trimmedReason) : .close
            case .tab, .backTab, .left, .right: stage = .choice(yesFocused: !yesFocused)
            default: break
            }
            return .stay
        case .typeToConfirm:
            guard key == .enter else {
                if Self.edit(&typed, key) { message = nil }
                return .stay
            }
            guard typed == expectedConfirmation else {
                message = "\"\(typed)\" does not match \(targets.count == 1 ? "the id" : "the number of targets"): "
                    + "type \(expectedConfirmation), or Esc to close."
                return .stay
            }
            return .confirm(reason: trimmedReason)
        }
    }

    private var trimmedReason: String {
        String(reason.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }

    /// Printable characters are typed, Backspace removes the last one; every other key does nothing here.
    /// Returns whether the key edited the field.
    private static func edit(_ field: inout String, _ key: Key) -> Bool {
        switch key {
        case .character(let c) where !c.isNewline && c.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }):
            field.append(c)
            return true
        case .backspace:
            if !field.isEmpty { field.removeLast() }
            return true
        default:
            return false
        }
    }
}
