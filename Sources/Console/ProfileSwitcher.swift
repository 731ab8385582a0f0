import PaydeskCore

/// The `p` dialog: the profiles with their production and read-only flags. Choosing a production profile
/// asks for its name to be typed, as the cancel dialog asks for an id: a slip of Enter never reaches production.
public struct ProfileSwitcher: Equatable, Sendable {
    public enum Outcome: Equatable, Sendable {
        case stay, close
        case switchTo(String)
    }

    public let profiles: [Profile]
    public let current: String
    public private(set) var cursor: Int
    /// The production profile whose name is being typed, or nil while choosing.
    public private(set) var confirming: String?
    public private(set) var typed = ""
    public private(set) var message: String?

    public init(profiles: [Profile], current: String) {
        self.profiles = profiles
        self.current = current
        cursor = profiles.firstIndex { $0.name == current } ?? 0
    }

    /// What `key` does: the table of the stage (`DialogActions.profilesChoosing` or `profilesConfirming`) says.
    public mutating func handle(_ key: Key) -> Outcome {
        let table = confirming == nil ? DialogActions.profilesChoosing : DialogActions.profilesConfirming
        guard let action = DialogActions.find(key, in: table) else { return .stay }
        switch action.name {
        case .close:
            guard confirming != nil else { return .close }
            confirming = nil   // back to the list
            typed = ""
            message = nil
        case .confirm:
            guard let name = confirming else { break }
            guard typed == name else {
                message = "\"\(typed)\" is not \(name): type the profile's name exactly, or Esc to go back."
                return .stay
            }
            return .switchTo(name)
        case .type, .erase:
            typed.edit(with: key)
            message = nil
        case .up: cursor = max(0, cursor - 1)
        case .down: cursor = min(profiles.count - 1, cursor + 1)
        case .first: cursor = 0
        case .last: cursor = profiles.count - 1
        case .choose:
            guard profiles.indices.contains(cursor) else { return .close }
            let chosen = profiles[cursor]
            if chosen.name == current { return .close }
            if chosen.production {
                confirming = chosen.name
                return .stay
            }
            return .switchTo(chosen.name)
        default: break
        }
        return .stay
    }
}
