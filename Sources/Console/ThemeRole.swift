/// What a piece of the screen is, not how it looks: themes map each role to colours and attributes
/// (as htop's colour roles and k9s's skins do), so no screen code ever names a colour.
public enum ThemeRole: String, CaseIterable, Sendable {
    /// The title bar on a non-production profile.
    case title
    /// The title bar on a production profile: the word PRODUCTION is always there, this colour is extra.
    case production
    case readOnly = "read_only"
    case tab
    case tabActive = "tab_active"
    case header
    case row
    case selected
    case marked
    case inFlight = "in_flight"
    case inDoubt = "in_doubt"
    case dim
    case ok
    case warning
    case error
    case keyHint = "key_hint"
    case keyName = "key_name"
    case dialog
    case dialogFocus = "dialog_focus"
    case input
}
