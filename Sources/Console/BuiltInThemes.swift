/// The four themes of the repository's `themes/` folder, built in so a paydesk binary copied anywhere has
/// them. `themes/*.toml` are the source: a test fails if these texts and those files differ (copy the file
/// text here when a theme changes).
public enum BuiltInThemes {
    public static let names = ["default", "light", "high-contrast", "monochrome"]

    public static func theme(named name: String) -> Theme? {
        guard let text = texts[name] else { return nil }
        // The built-in texts are checked by the tests, so a failure here is a build that skipped them.
        return try! Theme.parse(text, name: name, file: "(built in) \(name).toml")
    }

    static let defaultTheme: Theme = theme(named: "default")!

    static let texts: [String: String] = [
        "default": #"""
# paydesk theme "default": for dark terminals. Format: themes/README.md.
description = "Dark background, colour for state, PRODUCTION in white on red."

[roles.title]
fg = "bright-white"
bg = "blue"
attrs = ["bold"]

[roles.production]
fg = "bright-white"
bg = "red"
attrs = ["bold"]

[roles.read_only]
fg = "black"
bg = "yellow"
attrs = ["bold"]

[roles.tab]
fg = "default"
bg = "default"

[roles.tab_active]
fg = "black"
bg = "cyan"
attrs = ["bold"]

[roles.header]
fg = "cyan"
attrs = ["bold", "underline"]

[roles.row]
fg = "default"

[roles.selected]
attrs = ["reverse"]

[roles.marked]
fg = "bright-yellow"
attrs = ["bold"]

[roles.in_flight]
fg = "bright-cyan"

[roles.in_doubt]
fg = "bright-white"
bg = "magenta"
attrs = ["bold"]

[roles.dim]
fg = "bright-black"

[roles.ok]
fg = "bright-green"
attrs = ["bold"]

[roles.warning]
fg = "bright-yellow"
attrs = ["bold"]

[roles.error]
fg = "bright-red"
attrs = ["bold"]

[roles.key_hint]
fg = "default"

[roles.key_name]
fg = "bright-cyan"
attrs = ["bold"]

[roles.dialog]
fg = "bright-white"
bg = "blue"

[roles.dialog_focus]
fg = "black"
bg = "bright-white"
attrs = ["bold"]

[roles.input]
fg = "bright-white"
bg = "black"
attrs = ["underline"]
"""#,
        "light": #"""
# paydesk theme "light": for light terminals. Roles it leaves out look as in "default".
description = "Light background: darker colours, grey for what matters less."

[roles.title]
fg = "white"
bg = "blue"
attrs = ["bold"]

[roles.header]
fg = "blue"
attrs = ["bold", "underline"]

[roles.marked]
fg = "#8a4b00"
attrs = ["bold"]

[roles.in_flight]
fg = "blue"

[roles.dim]
fg = 244

[roles.ok]
fg = "green"
attrs = ["bold"]

[roles.warning]
fg = "#9a6700"
attrs = ["bold"]

[roles.error]
fg = "red"
attrs = ["bold"]

[roles.key_name]
fg = "blue"
attrs = ["bold"]

[roles.input]
fg = "black"
bg = "bright-white"
attrs = ["underline"]
"""#,
        "high-contrast": #"""
# paydesk theme "high-contrast": the strongest pairs, everything that matters in bold.
description = "Black and white with saturated accents, all state in bold."

[roles.title]
fg = "black"
bg = "bright-white"
attrs = ["bold"]

[roles.production]
fg = "bright-white"
bg = "#c00000"
attrs = ["bold", "underline"]

[roles.tab_active]
fg = "black"
bg = "bright-yellow"
attrs = ["bold"]

[roles.header]
fg = "bright-white"
attrs = ["bold", "underline"]

[roles.row]
fg = "bright-white"

[roles.selected]
fg = "black"
bg = "bright-yellow"
attrs = ["bold"]

[roles.marked]
fg = "bright-yellow"
attrs = ["bold", "underline"]

[roles.dim]
fg = "white"

[roles.dialog]
fg = "bright-white"
bg = "black"
attrs = ["bold"]

[roles.dialog_focus]
fg = "black"
bg = "bright-yellow"
attrs = ["bold"]
"""#,
        "monochrome": #"""
# paydesk theme "monochrome": no colour at all, only attributes. Used whenever NO_COLOR is set.
description = "No colour: reverse, bold and underline carry every state."

[roles.title]
fg = "default"
bg = "default"
attrs = ["reverse"]

[roles.production]
fg = "default"
bg = "default"
attrs = ["reverse", "bold", "underline"]

[roles.read_only]
fg = "default"
bg = "default"
attrs = ["reverse"]

[roles.tab_active]
fg = "default"
bg = "default"
attrs = ["reverse", "bold"]

[roles.header]
fg = "default"
attrs = ["bold", "underline"]

[roles.marked]
fg = "default"
attrs = ["bold", "underline"]

[roles.in_flight]
fg = "default"
attrs = ["underline"]

[roles.in_doubt]
fg = "default"
bg = "default"
attrs = ["reverse", "bold"]

[roles.dim]
fg = "default"
attrs = ["dim"]

[roles.ok]
fg = "default"
attrs = []

[roles.warning]
fg = "default"
attrs = ["bold"]

[roles.error]
fg = "default"
attrs = ["bold", "underline"]

[roles.key_name]
fg = "default"
attrs = ["bold"]

[roles.dialog]
fg = "default"
bg = "default"
attrs = ["reverse"]

[roles.dialog_focus]
fg = "default"
bg = "default"
attrs = ["bold", "underline"]

[roles.input]
fg = "default"
bg = "default"
attrs = ["underline"]
"""#,
    ]
}
