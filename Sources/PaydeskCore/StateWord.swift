/// The one word for each state an attempt (and the row of its target) can be in: the console shows it, `history`
/// prints it and `history --result` takes it. Adding a state means adding it here, so the three cannot drift apart.
public enum StateWord: String, CaseIterable, Sendable, Equatable {
    /// A cancellation is on its way to the gateway.
    case inFlight = "in-flight"
    /// A check of the target with its gateway is on its way.
    case checking
    /// The process died mid-call (an intent without outcome): it may have happened.
    case inDoubt = "in-doubt"
    /// The gateway's answer proved nothing: it may have happened.
    case unknown
    case cancelled
    case rejected
    case failed
    /// Was in doubt or unknown; a check since found what the gateway shows.
    case checkedCancelled = "checked-cancelled"
    case checkedOpen = "checked-open"
    case checkedClosed = "checked-closed"

    /// Every word as typed and printed in lower case, in order: for help texts and completions.
    public static var words: [String] { allCases.map(\.rawValue) }

    /// In doubt or unknown: to be checked with the gateway before a retry.
    public var needsChecking: Bool { self == .inDoubt || self == .unknown }

    /// As people see it: upper case where it must be checked first (IN-DOUBT, UNKNOWN), so it stands out
    /// without colour too.
    public var shown: String { needsChecking ? rawValue.uppercased() : rawValue }

    /// What someone typed, in any case (`--result IN-DOUBT` as the screen shows it).
    public init?(typed: String) { self.init(rawValue: typed.lowercased()) }

    /// A check's verdict, for an attempt it settled.
    public static func checked(_ verdict: CheckVerdict) -> StateWord? {
        switch verdict {
        case .cancelled: .checkedCancelled
        case .open: .checkedOpen
        case .closed: .checkedClosed
        case .unknown: nil
        }
    }

    public init(_ result: AttemptResult) {
        switch result {
        case .cancelled: self = .cancelled
        case .rejected: self = .rejected
        case .failed: self = .failed
        case .unknown: self = .unknown
        }
    }
}
