import Foundation

/// Where paydesk keeps its files. `--home DIR` or `PAYDESK_HOME=DIR` put everything under DIR;
/// otherwise config and themes follow XDG_CONFIG_HOME and data XDG_DATA_HOME.
public struct PaydeskPaths: Sendable, Equatable {
    /// Holds `config.toml` and `themes/`.
    public let configDirectory: String
    /// Holds one folder per profile.
    public let dataRoot: String
    /// The folder `--home` or `PAYDESK_HOME` named, if one did: it must exist (only `paydesk demo` makes one).
    public let home: String?

    public var configFile: String { configDirectory + "/config.toml" }
    public var themesDirectory: String { configDirectory + "/themes" }

    /// A profile's own folder: nothing outside it is touched on that profile's behalf.
    public func dataDirectory(profile: String) -> String { dataRoot + "/" + profile }

    public init(configDirectory: String, dataRoot: String, home: String? = nil) {
        self.configDirectory = configDirectory
        self.dataRoot = dataRoot
        self.home = home
    }

    /// `home` is the `--home` option, which wins over `PAYDESK_HOME`.
    public static func resolve(home: String?, environment: [String: String],
                               currentDirectory: String = FileManager.default.currentDirectoryPath) throws -> PaydeskPaths {
        func absolute(_ path: String) -> String {
            let expanded = expandingTilde(path, environment: environment)
            return expanded.hasPrefix("/") ? expanded : currentDirectory + "/" + expanded
        }
        if home?.isEmpty == true { throw PaydeskError.usage("--home needs a folder") }
        if let dir = home ?? environment["PAYDESK_HOME"].flatMap({ $0.isEmpty ? nil : $0 }) {
            let root = (absolute(dir) as NSString).standardizingPath
            return PaydeskPaths(configDirectory: root, dataRoot: root + "/data", home: root)
        }
        // XDG: a relative path in these variables is invalid and is ignored.
        func xdg(_ name: String, _ fallback: String) throws -> String {
            if let value = environment[name], value.hasPrefix("/") { return value }
            guard let home = environment["HOME"], home.hasPrefix("/") else {
                throw PaydeskError.config("HOME is not set, so paydesk cannot find its files: set HOME, or use --home DIR (or PAYDESK_HOME=DIR)")
            }
            return home + "/" + fallback
        }
        return PaydeskPaths(configDirectory: try xdg("XDG_CONFIG_HOME", ".config") + "/paydesk",
                            dataRoot: try xdg("XDG_DATA_HOME", ".local/share") + "/paydesk")
    }
}

/// `~/x` with the HOME paydesk was given (not the user database's, which tests and `sudo -E` would not expect).
func expandingTilde(_ path: String, environment: [String: String]) -> String {
    guard path == "~" || path.hasPrefix("~/"), let home = environment["HOME"], home.hasPrefix("/") else { return path }
    return home + path.dropFirst()
}
