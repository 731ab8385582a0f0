import Console
import Foundation
import PaydeskCore
import TerminalCurses

/// Drives the console: terminal input, the clock and background results become events; `update` decides;
/// effects run here; the view is drawn after every batch. Runs on a thread of its own (blocking reads).
final class ConsoleRunner: @unchecked Sendable {
    private let config: PaydeskConfig
    private let credentials: Credentials
    private let environment: [String: String]
    private let forcedTheme: String?
    private let forceReadOnly: Bool
    private var state: ConsoleState
    private var loader: ConsoleDataLoader
    private var dispatcher: CallDispatcher
    private let inbox = EventInbox()

    init(config: PaydeskConfig, profile: Profile, credentials: Credentials, environment: [String: String],
         theme: String?, readOnly: Bool) {
        self.config = config
        self.credentials = credentials
        self.environment = environment
        forcedTheme = theme
        forceReadOnly = readOnly
        let chosen = readOnly ? profile.makingReadOnly() : profile
        state = ConsoleState(profile: chosen, profiles: config.profiles.map { readOnly ? $0.makingReadOnly() : $0 },
                             operatorName: config.operatorName, themeNames: Self.themeNames(config.paths),
                             themeName: theme ?? chosen.theme ?? config.theme, now: .now, width: 80, height: 24)
        // Checked by the command before the console starts (Context.dataDirectory).
        loader = ConsoleDataLoader(dataDirectory: config.paths.dataDirectory(profile: chosen.name))
        dispatcher = Self.dispatcher(for: chosen, loader, config, credentials, inbox)
    }

    /// Calls for `profile` go through its own data folder's service; each answer is posted to `inbox`.
    private static func dispatcher(for profile: Profile, _ loader: ConsoleDataLoader, _ config: PaydeskConfig,
                                   _ credentials: Credentials, _ inbox: EventInbox) -> CallDispatcher {
        CallDispatcher(service: CancellationService(profile: profile, dataDirectory: loader.dataDirectory, operatorName: config.operatorName),
                       credentials: credentials, report: { inbox.post(.callFinished($0, $1)) })
    }

    /// Built-in themes, then the user's own from the config home's themes/ folder.
    static func themeNames(_ paths: PaydeskPaths) -> [String] {
        let own = ((try? FileManager.default.contentsOfDirectory(atPath: paths.themesDirectory)) ?? [])
            .filter { $0.hasSuffix(".toml") }.map { String($0.dropLast(5)) }.sorted()
        return BuiltInThemes.names + own.filter { !BuiltInThemes.names.contains($0) }
    }

    /// Runs until the operator quits. Returns the exit status.
    func run() throws -> Int32 {
        let theme = try loadTheme(state.themeName)   // a broken theme is said before the screen takes over
        // Ours before curses starts: ncurses then leaves SIGINT and SIGTERM alone instead of exiting on them.
        let signals = SignalWatch()
        let terminal = try CursesTerminal()
        defer { terminal.end() }
        terminal.apply(theme: theme)
        let size = terminal.size
        var effects = state.update(.resize(width: size.width, height: size.height))
        effects += state.update(.loaded(loader.load()))
        var lastTick = Date()
        var terminating = false

        while true {
            var events: [ConsoleEvent] = []
            if let input = terminal.read(timeoutMilliseconds: 50) {
                switch input {
                case .key(let key): events.append(.key(key))
                case .resize(let width, let height): events.append(.resize(width: width, height: height))
                }
            }
            events += inbox.drain()
            switch signals.take() {
            case .interrupt?: events.append(.interrupt)
            case .terminate?:
                if !terminating {
                    terminating = true
                    dispatcher.stopAll()
                }
            case nil: break
            }
            if terminating && dispatcher.isIdle && inbox.isEmpty { return 143 }
            if Date().timeIntervalSince(lastTick) >= 1 {
                lastTick = Date()
                events.append(.tick(.now))
                // Another paydesk's call in flight ends without touching our files if it dies: look again each second.
                if loader.hasChanged() || state.data.attempts.contains(where: { $0.state == .inFlight }) {
                    events.append(.loaded(loader.load()))
                }
            }
            guard !events.isEmpty || !effects.isEmpty else { continue }
            for event in events { effects += state.update(event) }
            while !effects.isEmpty {
                let effect = effects.removeFirst()
                switch effect {
                case .reload: effects += state.update(.loaded(loader.load()))
                case .cancel(let targets, let reason): dispatcher.cancel(targets, reason: reason)
                case .switchProfile(let name): effects += switchProfile(to: name, terminal)
                case .useTheme(let name):
                    do {
                        terminal.apply(theme: try loadTheme(name))
                        effects += state.update(.themeChanged(name))
                    } catch {
                        effects += state.update(.notice("\(error)", isError: true))
                    }
                case .quit: return 0
                }
            }
            let frame = ConsoleView.render(state)
            terminal.draw(frame.grid, cursor: frame.cursor.map { ($0.x, $0.y) })
        }
    }

    private func switchProfile(to name: String, _ terminal: CursesTerminal) -> [ConsoleEffect] {
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
        loader = ConsoleDataLoader(dataDirectory: dataDirectory)
        dispatcher = Self.dispatcher(for: profile, loader, config, credentials, inbox)
        let themeName = forcedTheme ?? profile.theme ?? config.theme
        var notices: [ConsoleEffect] = []
        do {
            terminal.apply(theme: try loadTheme(themeName))
        } catch {
            notices = state.update(.notice("\(error)", isError: true))
        }
        return state.update(.profileSwitched(profile, loader.load(), themeName: themeName)) + notices
    }

    private func loadTheme(_ name: String) throws -> Theme {
        try Theme.load(name: name, themesDirectory: config.paths.themesDirectory, environment: environment)
    }
}

/// Events posted from other threads (finished calls), taken by the loop.
final class EventInbox: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [ConsoleEvent] = []

    func post(_ event: ConsoleEvent) { lock.withLock { events.append(event) } }
    func drain() -> [ConsoleEvent] { lock.withLock { defer { events = [] }; return events } }
    var isEmpty: Bool { lock.withLock { events.isEmpty } }
}

/// SIGINT asks to quit as `q` does; SIGTERM and SIGHUP stop the calls in flight (recorded as unknown) and end.
final class SignalWatch: @unchecked Sendable {
    enum Request { case interrupt, terminate }

    private let lock = NSLock()
    private var pending: Request?
    private var forwarding: InterruptForwarding?

    init() {
        forwarding = InterruptForwarding(signals: [SIGINT, SIGTERM, SIGHUP]) { [weak self] number in
            self?.raise(number == SIGINT ? .interrupt : .terminate)
        }
    }

    private func raise(_ request: Request) {
        lock.withLock { if pending != .terminate { pending = request } }
    }

    func take() -> Request? { lock.withLock { defer { pending = nil }; return pending } }
}
