//! What in an article is not content: the rules, one function each.
//!
//! The splitter asks two questions: is this *line* boilerplate (a bare URL, an image credit,
//! a "Sign up" button), and is this *block* a promotion (a newsletter or subscription
//! prompt)? A third, contextual rule lives in the splitter: a short second-person block next
//! to boilerplate, or a heading-like label right before it, belongs to the same promotion.
//!
//! The rules are deliberately narrow: a false positive hides a real paragraph from default
//! searches, which is worse than showing a promo.

/// Calls to action that make up a whole line, compared after [`normalise`].
const CALLS_TO_ACTION: &[&str] = &[
    "sign up",
    "sign up now",
    "sign up for free",
    "sign in",
    "log in",
    "register",
    "register now",
    "subscribe",
    "subscribe now",
    "subscribe and save",
    "subscribe today",
    "subscribe for free",
    "get the newsletter",
    "newsletter",
    "read more",
    "continue reading",
    "read the full story",
    "advertisement",
    "skip advertisement",
    "story continues below advertisement",
    "share",
    "share this article",
    "share this",
    "share on facebook",
    "share on twitter",
    "follow us",
    "click here",
    "learn more",
    "download the app",
    "listen to this article",
    "related",
    "related articles",
    "related stories",
    "recommended",
    "most read",
    "comments",
    "view comments",
    "join the conversation",
];

/// Line openings of calls to action that go on with a name ("Sign up for The Week's ...").
const CALL_TO_ACTION_OPENINGS: &[&str] = &[
    "sign up for ",
    "sign up to ",
    "subscribe to ",
    "subscribe for ",
    "click here ",
    "follow us on ",
    "get our newsletter",
    "get the latest ",
    "read more:",
    "read more about ",
    "download our app",
];

/// Line openings of image credits and photo captions' credit lines.
const CREDIT_OPENINGS: &[&str] = &[
    "image credit",
    "image credits",
    "image source",
    "image caption",
    "image:",
    "images:",
    "photo:",
    "photos:",
    "photo credit",
    "photo by ",
    "photograph:",
    "photograph by ",
    "photography:",
    "picture:",
    "pictures:",
    "picture credit",
    "credit:",
    "credits:",
    "illustration:",
    "illustration by ",
];

/// Photo agencies whose name in a parenthesised line marks it as a credit.
const PHOTO_AGENCIES: &[&str] = &[
    "getty images",
    "afp via getty",
    "shutterstock",
    "alamy",
    "ap photo",
    "reuters/",
    "epa-efe",
    "nurphoto",
    "pa images",
    "pa wire",
];

/// Words that mark a block as a newsletter or subscription prompt.
const PROMO_WORDS: &[&str] = &[
    "newsletter",
    "inbox",
    "subscribe",
    "subscription",
    "subscriber",
    "sign up",
    "sign-up",
    "unsubscribe",
    "privacy notice",
    "privacy policy",
];

/// Longest block the promotion rule looks at: promos are short, reporting is not.
const MAX_PROMO_BYTES: usize = 500;

/// Longest block the contextual ("next to boilerplate") rule looks at.
pub const MAX_NEIGHBOUR_PROMO_BYTES: usize = 250;

/// Lower case, `&` as "and", every run of non-alphanumerics as one space, trimmed.
fn normalise(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut space = true;
    for c in line.chars() {
        if c == '&' {
            if !space {
                out.push(' ');
            }
            out.push_str("and ");
            space = true;
        } else if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
            space = false;
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    out.truncate(out.trim_end().len());
    out
}

/// Whether a single line is boilerplate on its own: a bare URL, an image credit, or a call
/// to action such as `Sign up` or `SUBSCRIBE & SAVE`.
pub fn is_boilerplate_line(line: &str) -> bool {
    let line = line.trim();
    if line.is_empty() {
        return false;
    }
    is_bare_url(line) || is_credit(line) || is_call_to_action(line)
}

fn is_bare_url(line: &str) -> bool {
    let inner = line
        .strip_prefix('<')
        .and_then(|l| l.strip_suffix('>'))
        .unwrap_or(line);
    let lower = inner.to_ascii_lowercase();
    let url_like =
        lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("www.");
    if url_like && !inner.contains(char::is_whitespace) {
        return true;
    }
    // A Markdown image on a line of its own.
    line.starts_with("![") && line.ends_with(')') && line.contains("](")
}

fn is_credit(line: &str) -> bool {
    let lower = line.to_lowercase();
    let unwrapped = lower
        .strip_prefix('(')
        .map(|l| l.strip_suffix(')').unwrap_or(l))
        .unwrap_or(&lower)
        .trim_start();
    if line.len() <= 300 && CREDIT_OPENINGS.iter().any(|o| unwrapped.starts_with(o)) {
        return true;
    }
    let parenthesised = lower.starts_with('(') && lower.ends_with(')');
    parenthesised && line.len() <= 200 && PHOTO_AGENCIES.iter().any(|a| lower.contains(a))
}

fn is_call_to_action(line: &str) -> bool {
    if line.len() > 160 {
        return false;
    }
    let norm = normalise(line);
    if CALLS_TO_ACTION.contains(&norm.as_str()) {
        return true;
    }
    let lower = line.to_lowercase();
    CALL_TO_ACTION_OPENINGS.iter().any(|o| lower.starts_with(o))
}

/// Whether a whole block reads as a newsletter or subscription prompt: short, unquoted,
/// addressed to the reader, and about newsletters, inboxes or subscribing.
pub fn is_promo_block(text: &str) -> bool {
    if text.len() > MAX_PROMO_BYTES || has_quotation(text) {
        return false;
    }
    let lower = text.to_lowercase();
    PROMO_WORDS.iter().any(|w| lower.contains(w)) && addresses_reader(&lower)
}

/// Whether a short block could be part of a promotion it stands next to: unquoted and
/// addressed to the reader ("Escape your echo chamber. Get the facts ...").
pub fn could_be_promo(text: &str) -> bool {
    text.len() <= MAX_NEIGHBOUR_PROMO_BYTES
        && !has_quotation(text)
        && addresses_reader(&text.to_lowercase())
}

fn has_quotation(text: &str) -> bool {
    text.contains(['"', '“', '”'])
}

fn addresses_reader(lower: &str) -> bool {
    lower
        .split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
        .any(|w| matches!(w, "you" | "your" | "you're" | "you’re" | "yours"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_boilerplate_lines() {
        assert!(is_boilerplate_line(
            "https://cdn.mos.cms.futurecdn.net/flexiimages/jacafc5zvs1692883516.jpg"
        ));
        assert!(is_boilerplate_line("www.example.com/story"));
        assert!(is_boilerplate_line("<https://example.com>"));
        assert!(is_boilerplate_line("![a drone](img/drone.jpg)"));
        assert!(!is_boilerplate_line(
            "See https://example.com for the full report."
        ));
    }

    #[test]
    fn image_credits_are_boilerplate_lines() {
        assert!(is_boilerplate_line(
            "(Image credit: Aleksander Kalka / NurPhoto / Getty Images)"
        ));
        assert!(is_boilerplate_line("Photo: Reuters"));
        assert!(is_boilerplate_line(
            "(Photo by John Doe/AFP via Getty Images)"
        ));
        assert!(!is_boilerplate_line(
            "Getty Images reported higher profits, its chief executive said."
        ));
    }

    #[test]
    fn calls_to_action_are_boilerplate_lines() {
        assert!(is_boilerplate_line("Sign up"));
        assert!(is_boilerplate_line("SUBSCRIBE & SAVE"));
        assert!(is_boilerplate_line(
            "Sign up for The Week's Free Newsletters"
        ));
        assert!(is_boilerplate_line("Advertisement"));
        assert!(!is_boilerplate_line(
            "Sign up rates for the army fell sharply"
        ));
        assert!(!is_boilerplate_line(
            "Subscribers left the service in droves."
        ));
    }

    #[test]
    fn newsletter_promos_are_promo_blocks() {
        assert!(is_promo_block(
            "From our morning news briefing to a weekly Good News Newsletter, get the best of \
             The Week delivered directly to your inbox."
        ));
        // Reporting about subscriptions is not a promotion.
        assert!(!is_promo_block(
            "The company said subscription revenue fell 4% in the quarter."
        ));
        // Neither is a quote that mentions them.
        assert!(!is_promo_block(
            "“You should sign up for the newsletter,” the minister joked."
        ));
    }

    #[test]
    fn neighbour_promos_must_address_the_reader_without_quotes() {
        assert!(could_be_promo(
            "Escape your echo chamber. Get the facts behind the news, plus analysis from \
             multiple perspectives."
        ));
        assert!(!could_be_promo(
            "The measure calls for member nations to consult."
        ));
        assert!(!could_be_promo(
            "“Thank you, because we passed all these tests.”"
        ));
    }

    #[test]
    fn normalise_folds_case_ampersands_and_punctuation() {
        assert_eq!(normalise("SUBSCRIBE & SAVE"), "subscribe and save");
        assert_eq!(normalise("  Sign up!  "), "sign up");
    }
}
