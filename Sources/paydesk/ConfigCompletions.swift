import ArgumentParser
import Console
import Foundation
import PaydeskCore

/// Values the shells offer for `--profile` and `--theme`, read from the config the way the commands read it. A
/// config that cannot be read offers nothing: a completion never prints an error into someone's command line.
enum ConfigCompletions {
    static let profiles = CompletionKind.custom { words, _, _ in profileNames(home: home(in: words)) }
    static let themes = CompletionKind.custom { words, _, _ in themeNames(home: home(in: words)) }

    static func profileNames(home: String?) -> [String] {
        guard let config = try? config(home: home) else { return [] }
        return config.profiles.map(\.name)
    }

    /// The built-in themes, and the `themes/NAME.toml` files of the config home.
    static func themeNames(home: String?) -> [String] {
        let environment = ProcessInfo.processInfo.environment
        guard let paths = try? PaydeskPaths.resolve(home: home, environment: environment) else { return BuiltInThemes.names }
        return ConsoleRunner.themeNames(paths)
    }

    private static func config(home: String?) throws -> PaydeskConfig {
        let environment = ProcessInfo.processInfo.environment
        return try PaydeskConfig.load(paths: try PaydeskPaths.resolve(home: home, environment: environment), environment: environment)
    }

    /// The `--home DIR` (or `--home=DIR`) already typed on the line being completed.
    static func home(in words: [String]) -> String? {
        var found: String?
        for (k, word) in words.enumerated() {
            if word == "--home", k + 1 < words.count { found = words[k + 1] }
            if word.hasPrefix("--home=") { found = String(word.dropFirst(7)) }
        }
        return found.flatMap { $0.isEmpty ? nil : $0 }
    }
}
