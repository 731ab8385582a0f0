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

    /// What `key` does at this stage: its table (`DialogActions.cancel`) says; a key it does not name does nothing.
    public mutating func handle(_ key: Key) -> Outcome {
        guard let action = DialogActions.find(key, in: DialogActions.cancel(stage)) else { return .stay }
        switch (action.name, stage) {
        case (.close, _), (.no, _): return .close
        case (.type, .reason), (.erase, .reason):
            reason.edit(with: key)
            message = nil
        case (.type, _), (.erase, _):
            typed.edit(with: key)
            message = nil
        case (.next, _):
            if production, reason.allSatisfy(\.isWhitespace) {
                message = "A reason is required on a production profile."
                return .stay
            }
            message = nil
            stage = production ? .typeToConfirm : .choice(yesFocused: false)
        case (.yes, _): return .confirm(reason: trimmedReason)
        case (.toggle, .choice(let yesFocused)): stage = .choice(yesFocused: !yesFocused)
        case (.press, .choice(let yesFocused)): return yesFocused ? .confirm(reason: trimmedReason) : .close
        case (.confirm, _):
            guard typed == expectedConfirmation else {
                message = "\"\(typed)\" does not match \(targets.count == 1 ? "the id" : "the number of targets"): "
                    + "type \(expectedConfirmation), or Esc to close."
                return .stay
            }
            return .confirm(reason: trimmedReason)
        default: break
        }
        return .stay
    }

    private var trimmedReason: String {
        String(reason.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }

}
