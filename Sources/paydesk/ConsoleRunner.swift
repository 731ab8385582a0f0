import Console
import Foundation
import PaydeskCore
import TerminalCurses

/// Drives the console: terminal input, the clock, signals and background results become events; `update`
/// decides; effects run here; the view is drawn after every batch. The loop itself never waits on a file or the
/// network: the feed reads the files on its thread, the dispatcher makes the calls on theirs.
final class ConsoleRunner: @unchecked Sendable {
    private let config: PaydeskConfig
    private let credentials: Credentials
    private let environment: [String: String]
    private let forcedTheme: String?
    private let forceReadOnly: Bool
    private var state: ConsoleState
    private var feed: ConsoleFeed
    private var dispatcher: CallDispatcher
    private let inbox = EventInbox()
    private lazy var filters = FilterWorker { [inbox] in inbox.post(.filtered($0)) }

    init(config: PaydeskConfig, profile: Profile, credentials: Credentials, environment: [String: String],
         theme: String?, readOnly: Bool) {
        self.config = config
        self.credentials = credentials
        self.environment = environment
        forcedTheme = theme
        forceReadOnly = readOnly
        let chosen = readOnly ? profile.makingReadOnly() : profile
        state = ConsoleState(profile: chosen, profiles: config.profiles.map { readOnly ? $0.makingReadOnly() : $0 },
                             operatorName: Origin.current(displayName: config.displayName).who, themeNames: Self.themeNames(config.paths),
                             themeName: theme ?? chosen.theme ?? config.theme, now: .now, width: 80, height: 24,
                             missingCredentials: credentials.missing(of: chosen))
        // Checked by the command before the console starts (Context.dataDirectory).
        feed = ConsoleFeed(dataDirectory: config.paths.dataDirectory(profile: chosen.name))
        dispatcher = Self.dispatcher(for: chosen, feed, config, credentials, inbox)
    }

    /// Calls for `profile` go through its own data folder's service, which asks the feed's followers; each
    /// answer is posted to `inbox`.
    private static func dispatcher(for profile: Profile, _ feed: ConsoleFeed, _ config: PaydeskConfig,
                                   _ credentials: Credentials, _ inbox: EventInbox) -> CallDispatcher {
        CallDispatcher(service: CancellationService(profile: profile, dataDirectory: feed.dataDirectory, operatorName: config.operatorName,
                                                    origin: Origin.current(displayName: config.displayName),
                                                    sharing: config.sharing, auditCopy: config.auditCopy, lookups: feed.lookups),
                       credentials: credentials, report: { inbox.post(.callFinished($0, $1)) },
                       reportCheck: { inbox.post(.checkFinished($0, $1)) })
    }

    /// Built-in themes, then the user's own from the config home's themes/ folder.
    static func themeNames(_ paths: PaydeskPaths) -> [String] {
        let own = ((try? FileManager.default.contentsOfDirectory(atPath: paths.themesDirectory)) ?? [])
            .filter { $0.hasSuffix(".toml") }.map { String($0.dropLast(5)) }.sorted()
        return BuiltInThemes.names + own.filter { !BuiltInThemes.names.contains($0) }
    }

    /// Runs on a real terminal until the operator quits. Returns the exit status.
    func run() throws -> Int32 {
        let theme = try loadTheme(state.themeName)   // a broken theme is said before the screen takes over
        // Ours before curses starts: ncurses then leaves SIGINT and SIGTERM alone instead of exiting on them.
        let signals = SignalWatch()
        return try run(on: try CursesTerminal(mouse: config.mouse), theme: theme, signals: signals)
    }

    /// The loop, on any terminal backend (tests give it one in memory).
    func run(on terminal: TerminalBackend, theme: Theme, signals: SignalSource) throws -> Int32 {
        defer {
            terminal.end()
            feed.stop()
            filters.stop()
        }
        terminal.apply(theme: theme)
        // Rows read and answers come in as they are ready, not at the end of the wait for a key.
        feed.wakeLoop(with: terminal.waker)
        inbox.wakeLoop(with: terminal.waker)
        let size = terminal.size
        var effects = state.update(.resize(width: size.width, height: size.height))
        var lastTick = Date()
        var terminating = false
        ConsoleView.render(state).draw(on: terminal)

        while true {
            var events: [ConsoleEvent] = []
            var hungUp = false
            if let input = terminal.read(timeoutMilliseconds: 50) {
                switch input {
                case .key(let key): events.append(.key(key))
                case .mouse(let mouse): events.append(.mouse(mouse))
                case .resize(let width, let height): events.append(.resize(width: width, height: height))
                case .hangup: hungUp = true
                }
            }
            events += feed.drain()
            events += inbox.drain()
            let signal = signals.take()
            if signal == .interrupt { events.append(.interrupt) }
            if signal == .terminate || hungUp, !terminating {
                terminating = true
                dispatcher.stopAll()
            }
            if terminating && dispatcher.isIdle && inbox.isEmpty { return 143 }
            if Date().timeIntervalSince(lastTick) >= 1 {
                lastTick = Date()
                events.append(.tick(.now))
            }
            guard !events.isEmpty || !effects.isEmpty else { continue }
            for event in events { effects += state.update(event) }
            while !effects.isEmpty {
                let effect = effects.removeFirst()
                switch effect {
                case .reload: feed.refresh()
                case .filter(let job): filters.search(job)
                case .cancel(let targets, let reason): dispatcher.cancel(targets, reason: reason)
                case .check(let targets, let delay): dispatcher.check(targets, after: delay)
                case .switchProfile(let name): effects += switchProfile(to: name, terminal)
                case .useTheme(let name):
                    do {
                        terminal.apply(theme: try loadTheme(name))
                        effects += state.update(.themeChanged(name))
                    } catch {
                        effects += state.update(.notice("\(error)", isError: true))
                    }
                case .copy(let text): terminal.copyToClipboard(text)
                case .quit: return 0
                }
            }
            ConsoleView.render(state).draw(on: terminal)
        }
    }

    private func switchProfile(to name: String, _ terminal: TerminalBackend) -> [ConsoleEffect] {
        guard dispatcher.isIdle, let found = state.profiles.first(where: { $0.name == name }) else {
            return state.update(.notice("Cannot switch to \(name) now.", isError: true))
        }
        let profile = forceReadOnly ? found.makingReadOnly() : found
        let dataDirectory: String
        do {
            dataDirectory = try config.checkedDataDirectory(of: profile)
        } catch {
            return state.update(.notice("Cannot switch to \(name): \(error)", isError: true))
        }
        feed.stop()
        feed = ConsoleFeed(dataDirectory: dataDirectory)
        feed.wakeLoop(with: terminal.waker)
        dispatcher = Self.dispatcher(for: profile, feed, config, credentials, inbox)
        let themeName = forcedTheme ?? profile.theme ?? config.theme
        var notices: [ConsoleEffect] = []
        do {
            terminal.apply(theme: try loadTheme(themeName))
        } catch {
            notices = state.update(.notice("\(error)", isError: true))
        }
        return state.update(.profileSwitched(profile, .loading, themeName: themeName, missingCredentials: credentials.missing(of: profile))) + notices
    }

    func loadTheme(_ name: String) throws -> Theme {
        try Theme.load(name: name, themesDirectory: config.paths.themesDirectory, environment: environment)
    }
}

extension Frame {
    func draw(on terminal: TerminalBackend) { terminal.draw(grid, cursor: cursor.map { ($0.x, $0.y) }) }
}
