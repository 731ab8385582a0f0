import CNCursesW
import Console

/// How many colours the terminal shows, which decides how a theme's colours are mapped.
enum ColorDepth: Equatable {
    case none, eight, sixteen, indexed256
    /// 24-bit terminals (TERM=xterm-direct): colours above 7 are 0xRRGGBB values, not palette indexes.
    case direct

    init(colors: Int) {
        self = colors > 256 ? .direct : colors >= 256 ? .indexed256 : colors >= 16 ? .sixteen : colors >= 8 ? .eight : .none
    }
}

/// A role's look on this terminal: attributes and a colour pair (0: the terminal's own colours).
struct CursesStyle: Equatable {
    var attributes: attr_t
    var pair: Int16
}

extension CursesTerminal {
    /// Sets up one colour pair per role (pairs 1...N). Without colours, roles that stand out by their
    /// background alone (selection, PRODUCTION) are shown reversed instead.
    public func apply(theme: Theme) {
        guard screen != nil else { return }
        styles = [:]
        let pairLimit = Int(paydesk_color_pairs())
        for (index, role) in ThemeRole.allCases.enumerated() {
            let style = theme[role]
            var attributes = Self.attributes(style.attributes)
            let pair = index + 1
            if colorDepth != .none, pair < pairLimit {
                let foreground = colorNumber(style.foreground, fallback: Int(COLOR_WHITE))
                let background = colorNumber(style.background, fallback: Int(COLOR_BLACK))
                if init_extended_pair(Int32(pair), Int32(foreground.number), Int32(background.number)) == OK {
                    if foreground.needsBold { attributes |= paydesk_a_bold() }
                    styles[role] = CursesStyle(attributes: attributes, pair: Int16(pair))
                    continue
                }
            }
            if style.background != .terminalDefault { attributes |= paydesk_a_reverse() }
            styles[role] = CursesStyle(attributes: attributes, pair: 0)
        }
    }

    static func attributes(_ set: Set<RoleStyle.Attribute>) -> attr_t {
        set.reduce(0) { bits, attribute in
            switch attribute {
            case .bold: bits | paydesk_a_bold()
            case .dim: bits | paydesk_a_dim()
            case .italic: bits | paydesk_a_italic()
            case .underline: bits | paydesk_a_underline()
            case .reverse: bits | paydesk_a_reverse()
            case .blink: bits | paydesk_a_blink()
            }
        }
    }

    /// `fallback` stands for the terminal's default when the terminal cannot use -1.
    func colorNumber(_ color: ThemeColor, fallback: Int) -> (number: Int, needsBold: Bool) {
        if color == .terminalDefault { return (hasDefaultColors ? -1 : fallback, false) }
        return XtermPalette.number(color, depth: colorDepth)
    }
}

/// The xterm colours, for mapping a theme's colour to the nearest one a terminal has.
enum XtermPalette {
    /// The 16 named colours as xterm shows them by default.
    static let named: [(Int, Int, Int)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]

    /// The colour number for `depth`, and whether bold must stand in for a bright foreground (8 colours).
    /// `color` is not `.terminalDefault`.
    static func number(_ color: ThemeColor, depth: ColorDepth) -> (number: Int, needsBold: Bool) {
        switch depth {
        case .indexed256, .none:
            return (color.index256 ?? -1, false)
        case .direct:
            if case .named(let n) = color, n < 8 { return (n, false) }
            let (r, g, b) = rgb(color)
            // Values below 16 would be read as palette colours; the darkest blues stand in for them.
            return (max(r << 16 | g << 8 | b, 16), false)
        case .sixteen:
            return (nearestNamed(color), false)
        case .eight:
            let n = nearestNamed(color)
            return n < 8 ? (n, false) : (n - 8, true)
        }
    }

    /// One of the 16 named colours: itself if it is one, else the nearest by RGB.
    static func nearestNamed(_ color: ThemeColor) -> Int {
        switch color {
        case .named(let n) where (0..<16).contains(n), .indexed(let n) where (0..<16).contains(n): return n
        default: break
        }
        let (r, g, b) = rgb(color)
        let distances = named.map { (nr, ng, nb) in (nr - r) * (nr - r) + (ng - g) * (ng - g) + (nb - b) * (nb - b) }
        return distances.indices.min { distances[$0] < distances[$1] } ?? 7
    }

    static func rgb(_ color: ThemeColor) -> (Int, Int, Int) {
        switch color {
        case .terminalDefault: return named[7]
        case .rgb(let r, let g, let b): return (Int(r), Int(g), Int(b))
        case .named(let n), .indexed(let n): return rgb(index: n)
        }
    }

    /// An xterm 256-colour index as RGB: the 16 named, the 6x6x6 cube, the grey ramp.
    static func rgb(index n: Int) -> (Int, Int, Int) {
        switch n {
        case ..<0: return named[7]
        case 0..<16: return named[n]
        case 16..<232:
            let levels = [0, 95, 135, 175, 215, 255]
            let i = n - 16
            return (levels[i / 36], levels[i / 6 % 6], levels[i % 6])
        case 232..<256:
            let v = 8 + 10 * (n - 232)
            return (v, v, v)
        default: return named[7]
        }
    }
}
