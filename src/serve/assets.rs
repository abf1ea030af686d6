//! The search page's files, built into the binary (no build step, nothing read from disk
//! at run time): `/` is `page/index.html`, `/assets/NAME` the script and style sheet.

const INDEX_HTML: &str = include_str!("page/index.html");
const APP_JS: &str = include_str!("page/app.js");
const STYLE_CSS: &str = include_str!("page/style.css");

/// The content type and body of the asset served at `path`, if there is one.
pub fn asset(path: &str) -> Option<(&'static str, &'static str)> {
    match path {
        "/" | "/index.html" => Some(("text/html; charset=utf-8", INDEX_HTML)),
        "/assets/app.js" => Some(("text/javascript; charset=utf-8", APP_JS)),
        "/assets/style.css" => Some(("text/css; charset=utf-8", STYLE_CSS)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_and_its_assets_are_served_and_nothing_else() {
        assert!(asset("/").is_some_and(|(kind, _)| kind.starts_with("text/html")));
        assert!(asset("/assets/app.js").is_some());
        assert!(asset("/assets/style.css").is_some());
        assert!(asset("/assets/../Cargo.toml").is_none());
        assert!(asset("/assets/").is_none());
    }
}
