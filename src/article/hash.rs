//! The identity of a passage's words: equal for the same paragraph however it is cased,
//! punctuated or spaced, in whichever article it appears.

use xxhash_rust::xxh3::xxh3_64;

/// Hash of a passage's text with case, punctuation and spacing folded away: the same
/// paragraph in two articles gets the same value.
pub fn passage_hash(text: &str) -> u64 {
    // Words (runs of letters and digits), lower-cased, joined by single spaces; a byte
    // loop with an ASCII fast path, as this runs on every passage of every build.
    let mut norm: Vec<u8> = Vec::with_capacity(text.len());
    let mut gap = false;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii() {
            i += 1;
            if b.is_ascii_alphanumeric() {
                if gap && !norm.is_empty() {
                    norm.push(b' ');
                }
                gap = false;
                norm.push(b.to_ascii_lowercase());
            } else {
                gap = true;
            }
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        i += c.len_utf8();
        if c.is_alphanumeric() {
            if gap && !norm.is_empty() {
                norm.push(b' ');
            }
            gap = false;
            let mut buf = [0u8; 4];
            for lower in c.to_lowercase() {
                norm.extend_from_slice(lower.encode_utf8(&mut buf).as_bytes());
            }
        } else {
            gap = true;
        }
    }
    xxh3_64(&norm)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passage_hash_is_the_hash_of_the_normalised_words() {
        assert_eq!(
            passage_hash("  Ça va, ÉTÉ!  2.5 "),
            xxh3_64("ça va été 2 5".as_bytes())
        );
        assert_eq!(passage_hash(""), xxh3_64(b""));
    }

    #[test]
    fn passage_hash_folds_case_punctuation_and_spacing() {
        assert_eq!(
            passage_hash("Sign up for our newsletter!"),
            passage_hash("sign  up for our\nnewsletter")
        );
        assert_ne!(passage_hash("Sign up"), passage_hash("Sign in"));
    }
}
