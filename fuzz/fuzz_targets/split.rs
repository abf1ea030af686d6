//! File bytes → `corpus::decode` → `article::parse`, with the splitter's structural
//! promises checked, so a broken promise is a crash like a panic is.
#![no_main]

use libfuzzer_sys::fuzz_target;
use seedsearch::article::{self, Article, MAX_PASSAGE_BYTES};
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
    if let Err(e) = check_article(text, &a) {
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

/// The lines as the splitter numbers them (tests/properties.rs has the same function).
fn file_lines(input: &str) -> Vec<&str> {
    let input = input.strip_prefix('\u{feff}').unwrap_or(input);
    article::lines(input).map(str::trim_end).collect()
}

/// A copy of `check_article` in tests/properties.rs.
fn check_article(input: &str, a: &Article) -> Result<(), String> {
    let lines = file_lines(input);
    if a.title.as_ref().is_some_and(String::is_empty) {
        return Err("empty title".into());
    }
    for (i, p) in a.passages.iter().enumerate() {
        let at = format!("passage {} ({:?})", i + 1, p.text);
        if p.number as usize != i + 1 {
            return Err(format!("{at}: numbered {}", p.number));
        }
        if p.line_start == 0 || p.line_start > p.line_end {
            return Err(format!("{at}: lines {}..={}", p.line_start, p.line_end));
        }
        if p.line_end as usize > lines.len() {
            return Err(format!(
                "{at}: ends on line {} of {}",
                p.line_end,
                lines.len()
            ));
        }
        if p.text.is_empty() || p.text.trim() != p.text {
            return Err(format!("{at}: empty or untrimmed"));
        }
        if p.text.len() > MAX_PASSAGE_BYTES {
            return Err(format!("{at}: {} bytes", p.text.len()));
        }
        if p.text.contains('\r') {
            return Err(format!("{at}: contains \\r"));
        }
        if let Some(section) = &p.section {
            if section.is_empty() || section.contains(['\n', '\r']) {
                return Err(format!("{at}: section {section:?}"));
            }
        }
        let span = &lines[p.line_start as usize - 1..p.line_end as usize];
        let parts: Vec<&str> = p.text.split('\n').collect();
        if parts.len() != span.len() {
            return Err(format!(
                "{at}: {} text lines for lines {}..={}",
                parts.len(),
                p.line_start,
                p.line_end
            ));
        }
        if parts.len() == 1 {
            if !span[0].contains(parts[0]) {
                return Err(format!("{at}: not in line {} {:?}", p.line_start, span[0]));
            }
        } else {
            let last = parts.len() - 1;
            for (k, (part, line)) in parts.iter().zip(span).enumerate() {
                let ok = if k == 0 {
                    line.ends_with(part)
                } else if k == last {
                    line.starts_with(part)
                } else {
                    part == line
                };
                if !ok {
                    return Err(format!(
                        "{at}: text line {part:?} does not match file line {} {line:?}",
                        p.line_start as usize + k
                    ));
                }
            }
        }
    }
    for pair in a.passages.windows(2) {
        let (p, q) = (&pair[0], &pair[1]);
        if q.line_start < p.line_end {
            return Err(format!(
                "passages {} (lines {}..={}) and {} (lines {}..={}) overlap",
                p.number, p.line_start, p.line_end, q.number, q.line_start, q.line_end
            ));
        }
        if q.line_start == p.line_end {
            let line = lines[p.line_end as usize - 1];
            let tail = p.text.rsplit('\n').next().unwrap_or_default();
            let head = q.text.split('\n').next().unwrap_or_default();
            if p.kind != q.kind || p.section != q.section || tail.len() + head.len() > line.len() {
                return Err(format!(
                    "passages {} and {} share line {} ({} bytes) with {} + {} bytes of it",
                    p.number,
                    q.number,
                    p.line_end,
                    line.len(),
                    tail.len(),
                    head.len()
                ));
            }
        }
    }
    Ok(())
}
