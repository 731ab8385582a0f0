import Foundation
import Testing
@testable import Console
@testable import PaydeskCore

extension PaydeskTests {
@Suite struct ThemeTests {
    static let repositoryThemes = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("themes").path

    @Test(arguments: BuiltInThemes.names)
    func theBuiltInThemesAreTheRepositorysFiles(_ name: String) throws {
        let file = try String(contentsOfFile: Self.repositoryThemes + "/\(name).toml", encoding: .utf8)
        let builtIn = try #require(BuiltInThemes.texts[name])
        #expect(builtIn + "\n" == file, "Sources/Console/BuiltInThemes.swift is out of date for \(name).toml")
    }

    @Test(arguments: BuiltInThemes.names)
    func productionNeverLooksLikeTest(_ name: String) throws {
        let theme = try #require(BuiltInThemes.theme(named: name))
        #expect(theme[.production] != theme[.title])
        #expect(theme[.selected] != theme[.row])
        #expect(theme[.marked] != theme[.row])
        #expect(theme[.inDoubt] != theme[.row])
    }

    @Test func theDefaultThemeStylesEveryRole() {
        let theme = BuiltInThemes.defaultTheme
        for role in ThemeRole.allCases { #expect(theme.styles[role] != nil, "\(role)") }
        #expect(theme[.production] == RoleStyle(foreground: .named(15), background: .named(1), attributes: [.bold]))
    }

    @Test func monochromeHasNoColourAndNoColorChoosesIt() throws {
        let mono = try #require(BuiltInThemes.theme(named: "monochrome"))
        for role in ThemeRole.allCases {
            #expect(mono[role].foreground == .terminalDefault, "\(role)")
            #expect(mono[role].background == .terminalDefault, "\(role)")
        }
        let dir = TemporaryDirectory()
        let chosen = try Theme.load(name: "high-contrast", themesDirectory: dir.path, environment: ["NO_COLOR": "1"])
        #expect(chosen == mono)
        let empty = try Theme.load(name: "light", themesDirectory: dir.path, environment: ["NO_COLOR": ""])
        #expect(empty == mono, "NO_COLOR counts when set at all")
    }

    @Test func aThemeInTheConfigHomeOverridesABuiltInOne() throws {
        let dir = TemporaryDirectory()
        dir.write("light.toml", "[roles.title]\nfg = \"#112233\"\nbg = 17\nattrs = [\"italic\"]\n")
        let theme = try Theme.load(name: "light", themesDirectory: dir.path, environment: [:])
        #expect(theme[.title] == RoleStyle(foreground: .rgb(0x11, 0x22, 0x33), background: .indexed(17), attributes: [.italic]))
        #expect(theme[.error] == BuiltInThemes.defaultTheme[.error], "a role left out looks as in default")
        dir.write("mine.toml", "description = \"mine\"\n")
        #expect(try Theme.load(name: "mine", themesDirectory: dir.path, environment: [:]).name == "mine")
    }

    @Test func anUnknownThemeNamesTheOnesThereAre() {
        let error = #expect(throws: PaydeskError.self) { try Theme.load(name: "solarized", themesDirectory: "/nonexistent", environment: [:]) }
        #expect(error?.description.contains("default, light, high-contrast, monochrome") == true)
        #expect(error?.exitCode == 2)
    }

    @Test(arguments: [
        ("[roles.titel]\nfg = \"red\"\n", "unknown role titel"),
        ("[roles.title]\nfg = \"reddish\"\n", "roles.title.fg must be"),
        ("[roles.title]\nbg = 300\n", "roles.title.bg must be"),
        ("[roles.title]\nattrs = [\"shiny\"]\n", "the attributes are bold"),
        ("[roles.title]\ncolour = \"red\"\n", "not a style key"),
        ("colours = 1\n", "unknown key colours"),
        ("[roles.title\n", "not valid TOML"),
    ])
    func badThemeFilesSayWhatIsWrong(_ text: String, _ expected: String) {
        let error = #expect(throws: PaydeskError.self) { try Theme.parse(text, name: "mine", file: "mine.toml") }
        #expect(error?.description.contains(expected) == true, "\(String(describing: error))")
        #expect(error?.description.contains("mine.toml") == true)
    }

    @Test func colours() {
        #expect(ThemeColor(parsing: "default") == .terminalDefault)
        #expect(ThemeColor(parsing: "Red") == .named(1))
        #expect(ThemeColor(parsing: "bright-white") == .named(15))
        #expect(ThemeColor(parsing: "208") == .indexed(208))
        #expect(ThemeColor(parsing: "#FF8800") == .rgb(255, 136, 0))
        #expect(ThemeColor(parsing: "256") == nil)
        #expect(ThemeColor(parsing: "#ff88") == nil)
        #expect(ThemeColor(parsing: "bright-pink") == nil)
        #expect(ThemeColor.rgb(255, 0, 0).index256 == 196)
        #expect(ThemeColor.rgb(0, 0, 0).index256 == 16)
        #expect(ThemeColor.rgb(128, 128, 128).index256 == 244)
        #expect(ThemeColor.named(9).description == "bright-red")
        #expect(ThemeColor.rgb(1, 2, 255).description == "#0102ff")
    }
}
}
