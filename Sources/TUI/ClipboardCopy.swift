import Foundation

/// Copying to the clipboard through the terminal (OSC 52): the terminal, not this
/// process, owns the clipboard, so this works over SSH and inside tmux
/// (`set -g set-clipboard on`). Terminals that do not know OSC 52 ignore it.
public enum ClipboardCopy {
    /// Terminals cap the sequence; longer text is cut at a character boundary (about
    /// 74 kB of text, the limit xterm and tmux use by default for the base64 payload).
    public static let maximumBytes = 74_994

    /// `ESC ] 52 ; c ; <base64 of the text> ESC \`.
    public static func sequence(for text: String) -> String {
        var bytes = Array(text.utf8)
        if bytes.count > maximumBytes {
            // Cut at the start of the first character that does not fit whole.
            var cut = maximumBytes
            while cut > 0 && bytes[cut] & 0xC0 == 0x80 { cut -= 1 }
            bytes = Array(bytes.prefix(cut))
        }
        return "\u{1B}]52;c;" + Data(bytes).base64EncodedString() + "\u{1B}\\"
    }
}
