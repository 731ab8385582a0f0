#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CLibcExtras

/// How many terminal cells text takes, by the C library's `wcwidth` (the tables ncurses and the terminal's
/// own programs use): wide East Asian characters and emoji take two, combining marks none.
public func displayWidth(_ text: String) -> Int {
    var width = 0
    for byte in text.utf8 {
        guard byte < 0x80 else { return text.unicodeScalars.reduce(0) { $0 + cellWidth($1) } }
        if byte >= 0x20 && byte != 0x7F { width += 1 }
    }
    return width
}

public func cellWidth(_ scalar: Unicode.Scalar) -> Int {
    let v = scalar.value
    if v < 0x7F { return v < 0x20 ? 0 : 1 }
    if v < 0xA0 { return 0 }
    if utf8Locale {
        // -1: a character this system's tables do not know; the console draws it as U+FFFD, one cell.
        let w = wcwidth(wchar_t(bitPattern: v))
        return w < 0 ? 1 : Int(w)
    }
    return fallbackWidth(scalar)
}

/// Sets the C library's character type to UTF-8 (the user's locale when it is one, else C.UTF-8), so that
/// `wcwidth` measures as the terminal does. Every entry point calls it first; measuring calls it too.
public func useUTF8Locale() { _ = utf8Locale }

private let utf8Locale: Bool = {
    func isUTF8() -> Bool {
        guard let codeset = nl_langinfo(nl_item(CODESET)) else { return false }
        return String(cString: codeset).uppercased().replacingOccurrences(of: "-", with: "") == "UTF8"
    }
    if setlocale(LC_CTYPE, "") != nil, isUTF8() { return true }
    for name in ["C.UTF-8", "C.utf8", "en_US.UTF-8"] where setlocale(LC_CTYPE, name) != nil && isUTF8() { return true }
    return false
}()

/// Without a UTF-8 locale (none installed): the common wide ranges.
private func fallbackWidth(_ scalar: Unicode.Scalar) -> Int {
    let v = scalar.value
    switch scalar.properties.generalCategory {
    case .nonspacingMark, .enclosingMark, .format: return 0
    default: break
    }
    if (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
        || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
        || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1F64F).contains(v) || (0x1F680...0x1F6FF).contains(v)
        || (0x1F900...0x1F9FF).contains(v) || (0x1FA70...0x1FAFF).contains(v) || (0x20000...0x3FFFD).contains(v) {
        return 2
    }
    return 1
}

/// `text` cut to at most `width` cells, with an ellipsis when cut.
public func truncated(_ text: String, toWidth width: Int) -> String {
    guard displayWidth(text) > width else { return text }
    guard width > 0 else { return "" }
    var out = ""
    var used = 0
    for scalar in text.unicodeScalars {
        let w = cellWidth(scalar)
        if used + w > width - 1 { break }
        out.unicodeScalars.append(scalar)
        used += w
    }
    return out + "…"
}

/// `text` padded with spaces to `width` cells.
public func padded(_ text: String, toWidth width: Int, alignRight: Bool = false) -> String {
    let gap = String(repeating: " ", count: max(0, width - displayWidth(text)))
    return alignRight ? gap + text : text + gap
}

/// `text` with every character that could move the cursor, recolour the terminal or reorder text shown as
/// an escape (`\n`, `\u{1B}`): a customer name must never forge a row or hide a word.
public func printable(_ text: String) -> String {
    // Plain ASCII, by far the most text, needs no look at each character.
    if plainASCIIWidth(text) != nil { return text }
    guard text.unicodeScalars.contains(where: isUnprintable) else { return text }
    var out = ""
    for scalar in text.unicodeScalars {
        if !isUnprintable(scalar) {
            out.unicodeScalars.append(scalar)
        } else {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default: out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
        }
    }
    return out
}

/// The width of text that is only printable ASCII (its length: one cell a byte), or nil for any other text.
public func plainASCIIWidth(_ text: String) -> Int? {
    var text = text
    return text.withUTF8 { bytes in bytes.allSatisfy { $0 >= 0x20 && $0 < 0x7F } ? bytes.count : nil }
}

func isUnprintable(_ s: Unicode.Scalar) -> Bool {
    let v = s.value
    return v < 0x20 || (0x7F...0x9F).contains(v) || v == 0x2028 || v == 0x2029
        || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) || v == 0x200E || v == 0x200F || v == 0x061C
}

/// Whether UTF-8 `bytes` hold, raw, a character `printable` would escape that valid JSON may carry unescaped:
/// DEL, a C1 control, a line or paragraph separator, a bidi mark or override. A byte scan, for output that
/// passes stored lines through as they are.
public func containsRawUnprintable(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    let n = bytes.count
    var k = 0
    let ones: UInt64 = 0x0101_0101_0101_0101
    while k < n {
        // Eight plain ASCII bytes at a time (no DEL, nothing above 0x7F): nearly every line is only that.
        if k + 8 <= n, let base = bytes.baseAddress {
            let w = UnsafeRawPointer(base + k).loadUnaligned(as: UInt64.self)
            let del = w ^ (ones &* 0x7F)
            if (w | ((del &- ones) & ~del)) & (ones &* 0x80) == 0 {
                k += 8
                continue
            }
        }
        let b = bytes[k]
        if b == 0x7F { return true }
        if b == 0xC2, k + 1 < n, (0x80...0x9F).contains(bytes[k + 1]) { return true }
        if b == 0xD8, k + 1 < n, bytes[k + 1] == 0x9C { return true }   // U+061C
        if b == 0xE2, k + 2 < n {
            let (b1, b2) = (bytes[k + 1], bytes[k + 2])
            if b1 == 0x80, b2 == 0x8E || b2 == 0x8F || (0xA8...0xAE).contains(b2) { return true }   // U+200E/F, U+2028-202E
            if b1 == 0x81, (0xA6...0xA9).contains(b2) { return true }   // U+2066-2069
        }
        k += 1
    }
    return false
}
