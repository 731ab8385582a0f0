import Foundation
import PaydeskCore
import TOMLKit

/// How one role looks.
public struct RoleStyle: Equatable, Sendable {
    public var foreground: ThemeColor
    public var background: ThemeColor
    public var attributes: Set<Attribute>

    public enum Attribute: String, CaseIterable, Sendable { case bold, dim, italic, underline, reverse, blink }

    public init(foreground: ThemeColor = .terminalDefault, background: ThemeColor = .terminalDefault, attributes: Set<Attribute> = []) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }
}

/// A theme: every role's style. Read from a small TOML file (see themes/README.md); a role a file leaves
/// out looks as it does in the built-in default theme.
public struct Theme: Equatable, Sendable {
    public let name: String
    public private(set) var styles: [ThemeRole: RoleStyle]

    public subscript(role: ThemeRole) -> RoleStyle { styles[role] ?? RoleStyle() }

    /// Parses a theme file's text. Errors name the role and the value at fault, with what would be accepted.
    public static func parse(_ text: String, name: String, file: String) throws -> Theme {
        func fail(_ message: String) -> PaydeskError { .config("theme \(file): \(message)") }
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw fail("line \(error.source.begin.line): not valid TOML: \(error.description)")
        }
        for key in table.keys where key != "roles" && key != "description" {
            throw fail("unknown key \(key); a theme has [roles.NAME] tables (and an optional description)")
        }
        var theme = name == "default" ? Theme(name: name, styles: [:]) : BuiltInThemes.defaultTheme.renamed(name)
        guard let roles = table["roles"]?.table else { return theme }
        for roleName in roles.keys {
            guard let role = ThemeRole(rawValue: roleName) else {
                throw fail("unknown role \(roleName); the roles are \(ThemeRole.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard let entry = roles[roleName]?.table else { throw fail("roles.\(roleName) must be a table with fg, bg and attrs") }
            var style = RoleStyle()
            for key in entry.keys {
                switch key {
                case "fg", "bg":
                    guard let text = entry[key]?.string ?? entry[key]?.int.map(String.init), let color = ThemeColor(parsing: text) else {
                        throw fail("roles.\(roleName).\(key) must be default, a colour name (red, bright-red), 0-255 or #rrggbb")
                    }
                    if key == "fg" { style.foreground = color } else { style.background = color }
                case "attrs":
                    guard let list = entry[key]?.array else { throw fail("roles.\(roleName).attrs must be a list such as [\"bold\"]") }
                    for item in list {
                        guard let word = item.string, let attribute = RoleStyle.Attribute(rawValue: word) else {
                            throw fail("roles.\(roleName).attrs: the attributes are \(RoleStyle.Attribute.allCases.map(\.rawValue).joined(separator: ", "))")
                        }
                        style.attributes.insert(attribute)
                    }
                default:
                    throw fail("roles.\(roleName).\(key) is not a style key (fg, bg, attrs)")
                }
            }
            theme.styles[role] = style
        }
        if name == "default", let missing = ThemeRole.allCases.first(where: { theme.styles[$0] == nil }) {
            throw fail("the default theme must style every role; \(missing.rawValue) is missing")
        }
        return theme
    }

    func renamed(_ name: String) -> Theme { Theme(name: name, styles: styles) }

    /// The theme called `name`: the config home's `themes/NAME.toml` first, then the ones built in.
    /// With `NO_COLOR` set (to anything), always monochrome.
    public static func load(name: String, themesDirectory: String, environment: [String: String]) throws -> Theme {
        if environment["NO_COLOR"] != nil { return BuiltInThemes.theme(named: "monochrome")! }
        let path = themesDirectory + "/" + name + ".toml"
        if let data = try RegularFile.read(path, followLinks: true, what: "theme file", error: PaydeskError.config) {
            return try parse(String(decoding: data, as: UTF8.self), name: name, file: path)
        }
        guard let builtIn = BuiltInThemes.theme(named: name) else {
            throw PaydeskError.config("no theme named \"\(name)\": the built-in ones are \(BuiltInThemes.names.joined(separator: ", ")); "
                + "a theme of your own goes in \(path)")
        }
        return builtIn
    }
}
