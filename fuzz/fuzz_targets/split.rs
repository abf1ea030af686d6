//! File bytes → `corpus::decode` → `article::parse` (as plain text and as Markdown), with
//! the splitter's structural promises checked, so a broken promise is a crash like a panic
//! is.
#![no_main]

use libfuzzer_sys::fuzz_target;
use seedsearch::article::{self, Syntax};
use seedsearch::corpus::{self, content_hash, Load};

fuzz_target!(|data: &[u8]| {
    if let Load::Text(loaded) = corpus::decode(data.to_vec()) {
        assert_eq!(loaded.hash, content_hash(&loaded.text));
        check(&loaded.text);
    }
    // Text the decoder would skip (NUL bytes) still goes through the splitter.
    check(&String::from_utf8_lossy(data));
});

fn check(text: &str) {
    for syntax in [Syntax::Plain, Syntax::Markdown] {
        check_as(text, syntax);
    }
    let lf = text.replace('\r', "");
    assert_eq!(content_hash(&lf), content_hash(&lf.replace('\n', "\r\n")));
}

fn check_as(text: &str, syntax: Syntax) {
    let a = article::parse(text, syntax);
    if let Err(e) = article::check(text, syntax, &a) {
        panic!("{syntax:?}: {e}\ninput: {text:?}");
    }
    // Line endings and a byte-order mark change nothing.
    let lf = text.replace('\r', "");
    let base = article::parse(&lf, syntax);
    // One byte-order mark is dropped, not two: add one only where there is none.
    let bom = if lf.starts_with('\u{feff}') {
        lf.clone()
    } else {
        format!("\u{feff}{lf}")
    };
    for variant in [lf.replace('\n', "\r\n"), bom] {
        let other = article::parse(&variant, syntax);
        assert!(
            base == other,
            "{base:#?}\n!=\n{other:#?}\nfor {lf:?} as {syntax:?}"
        );
    }
}
