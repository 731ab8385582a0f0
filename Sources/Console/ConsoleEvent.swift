import PaydeskCore

/// Everything that can happen to the console: keys, time, the terminal's size, and the results of effects.
public enum ConsoleEvent: Sendable {
    case key(Key)
    case mouse(MouseEvent)
    /// The clock moved on (about once a second).
    case tick(Timestamp)
    case resize(width: Int, height: Int)
    /// The profile's store and audit trail, read anew.
    case loaded(ConsoleData)
    /// What the files said since the last event: appended lines, a replaced file, the attempts.
    case changed(ConsoleDataChange)
    /// One cancellation ended: with an outcome, or refused before anything was sent.
    case callFinished(TargetID, CallResult)
    /// One check with the gateway ended: with its answer, or refused before anything was asked.
    case checkFinished(TargetID, CheckResult)
    /// The runner now works on `profile`, whose data and theme are these, and which lacks these credentials (per gateway).
    case profileSwitched(Profile, ConsoleData, themeName: String, missingCredentials: [String: String] = [:])
    case themeChanged(String)
    /// Something the operator must read (a theme that would not load, a store that cannot be read).
    case notice(String, isError: Bool)
    /// A background search of a long list's filter ended.
    case filtered(FilterResult)
    /// Ctrl-C: a request to quit, asked like `q`.
    case interrupt
}

/// How one cancellation ended, as the console reports it.
public enum CallResult: Sendable, Equatable {
    /// The gateway answered (or did not: `unknown`). Warnings say what could not be written.
    case outcome(AttemptOutcome, attemptId: String, warnings: [String])
    /// Nothing was sent, and why.
    case refused(String)
}

/// How one check with the gateway ended, as the console reports it.
public enum CheckResult: Sendable, Equatable {
    /// The gateway's answer (or its failure), the check's id, and what could not be written.
    case answered(GatewayCheck, checkId: String, warnings: [String])
    /// Nothing was asked, and why.
    case refused(String)
}

/// I/O the console asks for; the runner does it and answers with events.
public enum ConsoleEffect: Equatable, Sendable {
    /// Read what changed in the profile's store and audit trail now, rather than at the next look.
    case reload
    /// Cancel these targets (bounded concurrency), each outcome coming back as `callFinished`.
    case cancel([TargetID], reason: String)
    /// Ask the gateways what these targets are now, `after` seconds from now, each answer coming back as `checkFinished`.
    case check([TargetID], after: Double)
    /// Search a long list for its filter off the loop's thread, answering with `filtered`.
    case filter(FilterJob)
    case switchProfile(String)
    case useTheme(String)
    /// Put `text` on the operator's clipboard (the terminal does it: OSC 52).
    case copy(String)
    case quit
}
