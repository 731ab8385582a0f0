import Foundation

/// Copying to the operator's clipboard through the terminal (OSC 52), so it works over SSH and inside tmux: the
/// terminal, not this machine, owns the clipboard. tmux passes it on (and keeps a paste buffer) with
/// `set -g set-clipboard on`; its default, `external`, drops it.
public enum Clipboard {
    /// `ESC ] 52 ; c ; <base64 of the UTF-8 text> ESC \`: set the clipboard selection (`c`) to `text`.
    public static func osc52(_ text: String) -> [UInt8] {
        Array("\u{1B}]52;c;".utf8) + Array(Data(text.utf8).base64EncodedString().utf8) + Array("\u{1B}\\".utf8)
    }
}
