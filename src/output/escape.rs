//! Control characters made visible: text from articles and file names is printed for people
//! with C0 controls and DEL as `\x1b`-style escapes and C1 controls as `\u{9b}`, so no
//! article can set a window title, clear the screen or plant a link. Tabs stay tabs (as
//! ripgrep prints them). JSON output needs none of this: serde escapes them already.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, Write};

/// Whether `c` must not reach a terminal as it is.
pub fn is_unsafe(c: char) -> bool {
    c != '\t' && c.is_control()
}

/// `text` with every unsafe character escaped (borrowed when there is none).
pub fn escaped(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push(&mut out, c);
    }
    Cow::Owned(out)
}

/// Appends `c` to `out`, escaped when it is unsafe.
fn push(out: &mut String, c: char) {
    if !is_unsafe(c) {
        out.push(c);
    } else if u32::from(c) < 0x80 {
        let _ = write!(out, "\\x{:02x}", u32::from(c));
    } else {
        let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
    }
}

/// Writes one character, escaped when it is unsafe (for printers that style text a
/// character at a time, so highlight offsets keep counting the original characters).
///
/// # Errors
/// On write errors.
pub fn write_char(out: &mut dyn Write, c: char) -> io::Result<()> {
    if is_unsafe(c) {
        let mut s = String::new();
        push(&mut s, c);
        out.write_all(s.as_bytes())
    } else {
        let mut buf = [0u8; 4];
        out.write_all(c.encode_utf8(&mut buf).as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_escaped_and_the_rest_kept() {
        assert_eq!(escaped("plain – ok\ttab"), "plain – ok\ttab");
        assert!(matches!(escaped("plain"), Cow::Borrowed(_)));
        assert_eq!(escaped("a\u{1b}]0;t\u{7}b"), r"a\x1b]0;t\x07b");
        assert_eq!(escaped("x\ny\rz\u{0}"), r"x\x0ay\x0dz\x00");
        assert_eq!(escaped("del\u{7f} csi\u{9b}"), r"del\x7f csi\u{9b}");
        let mut out = Vec::new();
        write_char(&mut out, '\u{1b}').unwrap();
        write_char(&mut out, 'é').unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), r"\x1bé");
    }
}
