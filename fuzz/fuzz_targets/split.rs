//! File bytes → `corpus::decode` → `article::parse`, with the splitter's structural
//! promises checked, so a broken promise is a crash like a panic is.
#![no_main]

use libfuzzer_sys::fuzz_target;
use seedsearch::article;
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
    let a = article::parse(text);
    if let Err(e) = seedsearch::article::check(text, &a) {
        panic!("{e}\ninput: {text:?}");
    }
    // Line endings and a byte-order mark change nothing.
    let lf = text.replace('\r', "");
    let base = article::parse(&lf);
    // One byte-order mark is dropped, not two: add one only where there is none.
    let bom = if lf.starts_with('\u{feff}') {
        lf.clone()
    } else {
        format!("\u{feff}{lf}")
    };
    for variant in [lf.replace('\n', "\r\n"), bom] {
        let other = article::parse(&variant);
        assert!(base == other, "{base:#?}\n!=\n{other:#?}\nfor {lf:?}");
    }
    assert_eq!(content_hash(&lf), content_hash(&lf.replace('\n', "\r\n")));
}
