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

    public mutating func handle(_ key: Key) -> Outcome {
        if let name = confirming {
            switch key {
            case .escape:
                confirming = nil
                typed = ""
                message = nil
            case .enter:
                guard typed == name else {
                    message = "\"\(typed)\" is not \(name): type the profile's name exactly, or Esc to go back."
                    return .stay
                }
                return .switchTo(name)
            case .backspace:
                if !typed.isEmpty { typed.removeLast() }
                message = nil
            case .character(let c) where c.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }):
                typed.append(c)
                message = nil
            default: break
            }
            return .stay
        }
        switch key {
        case .escape, .character("q"), .character("p"): return .close
        case .up, .character("k"): cursor = max(0, cursor - 1)
        case .down, .character("j"): cursor = min(profiles.count - 1, cursor + 1)
        case .home: cursor = 0
        case .end: cursor = profiles.count - 1
        case .enter:
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
