/// A colour as a theme writes it: the terminal's default, one of the 8 or 16 named colours, one of 256,
/// or `#rrggbb`. The terminal backend picks the nearest the terminal can show.
public enum ThemeColor: Equatable, Sendable, CustomStringConvertible {
    case terminalDefault
    /// 0-7 the normal colours, 8-15 their bright forms.
    case named(Int)
    case indexed(Int)
    case rgb(UInt8, UInt8, UInt8)

    static let names = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

    /// `default`, `red`, `bright-red`, `208`, `#ff8800`; nil if it is none of these.
    public init?(parsing text: String) {
        let t = text.lowercased()
        if t == "default" {
            self = .terminalDefault
        } else if let n = Self.names.firstIndex(of: t) {
            self = .named(n)
        } else if t.hasPrefix("bright-"), let n = Self.names.firstIndex(of: String(t.dropFirst(7))) {
            self = .named(n + 8)
        } else if let n = Int(t), (0...255).contains(n) {
            self = .indexed(n)
        } else if t.hasPrefix("#"), t.count == 7, let v = UInt32(t.dropFirst(), radix: 16) {
            self = .rgb(UInt8(v >> 16), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF))
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .terminalDefault: "default"
        case .named(let n): n < 8 ? Self.names[n] : "bright-" + Self.names[n - 8]
        case .indexed(let n): String(n)
        case .rgb(let r, let g, let b): "#" + [r, g, b].map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        }
    }

    /// The nearest of the 256 xterm colours (the 6x6x6 cube or the grey ramp), for terminals without true colour.
    public var index256: Int? {
        switch self {
        case .terminalDefault: return nil
        case .named(let n), .indexed(let n): return n
        case .rgb(let r, let g, let b):
            func level(_ v: UInt8) -> Int { v < 48 ? 0 : v < 115 ? 1 : (Int(v) - 35) / 40 }
            let cube = 16 + 36 * level(r) + 6 * level(g) + level(b)
            let grey = (Int(r) + Int(g) + Int(b)) / 3
            if r == g, g == b { return grey < 8 ? 16 : grey > 238 ? 231 : 232 + (grey - 8) / 10 }
            return cube
        }
    }
}
