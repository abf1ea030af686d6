//! Search options as scripts name them: a `search --batch` JSON line and the HTTP API's
//! query string (`seedsearch serve`) are read by this one parser, with one set of bounds,
//! so both front ends accept the same names and values and refuse the same mistakes.
//!
//! ```
//! use seedsearch::search::{Facet, Options, Request};
//!
//! let line: Options = serde_json::from_str(r#"{"query": "drone", "limit": 5, "facets": ["month"]}"#).unwrap();
//! let request = line.request(&Request::new("")).unwrap();
//! assert_eq!((request.query.as_str(), request.limit), ("drone", 5));
//! assert_eq!(request.facets, vec![Facet::Month]);
//! ```

use serde::{Deserialize, Deserializer};

use super::{Facet, Request, SortBy};

/// Most results one request may ask for (`--limit`'s bound too).
pub const MAX_LIMIT: usize = 100_000;
/// Most passages per article with `articles` (`--articles`' bound too).
pub const MAX_ARTICLE_PASSAGES: usize = 1000;

/// A query with any search option; an option left out keeps the template's value (the
/// command line's, for a batch line). Unknown names are refused.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Options {
    /// The query (`q` in a URL; empty when left out, which a search refuses).
    #[serde(default, alias = "q")]
    pub query: String,
    pub limit: Option<usize>,
    pub offset: Option<usize>,
    pub per_doc: Option<usize>,
    pub articles: Option<usize>,
    /// A list of names, or one string of comma-separated names (as in a URL).
    #[serde(default, deserialize_with = "deserialize_facets")]
    pub facets: Vec<Facet>,
    pub explain: Option<bool>,
    pub sort: Option<String>,
    pub include_boilerplate: Option<bool>,
    pub no_collapse: Option<bool>,
}

impl Options {
    /// The request these options ask for, starting from `template`. Counts are brought
    /// within bounds (a limit from 1 to [`MAX_LIMIT`]; 0 for `per_doc` or `articles`
    /// means none).
    ///
    /// # Errors
    /// A sort order that is neither `score` nor `date`, as a sentence.
    pub fn request(self, template: &Request) -> Result<Request, String> {
        let sort = match self.sort.as_deref() {
            None => template.sort,
            Some(name) => sort_by(name)?,
        };
        let facets = if self.facets.is_empty() {
            template.facets.clone()
        } else {
            self.facets
        };
        Ok(Request {
            limit: self.limit.unwrap_or(template.limit).clamp(1, MAX_LIMIT),
            offset: self.offset.unwrap_or(template.offset),
            per_doc: self.per_doc.or(template.per_doc).filter(|&n| n > 0),
            articles: self
                .articles
                .or(template.articles)
                .filter(|&n| n > 0)
                .map(|n| n.min(MAX_ARTICLE_PASSAGES)),
            facets,
            explain: self.explain.unwrap_or(template.explain),
            sort,
            include_boilerplate: self
                .include_boilerplate
                .unwrap_or(template.include_boilerplate),
            collapse: self.no_collapse.map_or(template.collapse, |no| !no),
            query: self.query,
            ..template.clone()
        })
    }
}

/// The sort order named `name`.
///
/// # Errors
/// A name other than `score` and `date`.
pub fn sort_by(name: &str) -> Result<SortBy, String> {
    match name {
        "score" => Ok(SortBy::Score),
        "date" => Ok(SortBy::Date),
        other => Err(format!("sort is `score` or `date`, not `{other}`")),
    }
}

/// The facets named in `names` (comma-separated), each once, in the order given.
///
/// # Errors
/// A name that is not a facet, as a sentence listing the facets.
pub fn parse_facets(names: &str) -> Result<Vec<Facet>, String> {
    let mut out = Vec::new();
    for name in names.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let facet = Facet::ALL
            .into_iter()
            .find(|f| f.as_str() == name)
            .ok_or_else(|| {
                let known: Vec<&str> = Facet::ALL.iter().map(|f| f.as_str()).collect();
                format!("`{name}` is not a facet (use {})", known.join(", "))
            })?;
        if !out.contains(&facet) {
            out.push(facet);
        }
    }
    Ok(out)
}

/// Facets as a list of names or one string of comma-separated names, for
/// `#[serde(deserialize_with)]`.
///
/// # Errors
/// A name that is not a facet.
pub fn deserialize_facets<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<Facet>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Names {
        Joined(String),
        List(Vec<String>),
    }
    let joined = match Names::deserialize(deserializer)? {
        Names::Joined(names) => names,
        Names::List(names) => names.join(","),
    };
    parse_facets(&joined).map_err(serde::de::Error::custom)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(json: &str) -> Result<Request, String> {
        serde_json::from_str::<Options>(json)
            .map_err(|e| e.to_string())?
            .request(&Request::new(""))
    }

    #[test]
    fn options_left_out_keep_the_template() {
        let template = Request {
            limit: 3,
            explain: true,
            facets: vec![Facet::Year],
            ..Request::new("")
        };
        let line: Options = serde_json::from_str(r#"{"q": "drone"}"#).unwrap();
        let request = line.request(&template).unwrap();
        assert_eq!(request.query, "drone");
        assert_eq!(request.limit, 3);
        assert!(request.explain);
        assert_eq!(request.facets, vec![Facet::Year]);
    }

    #[test]
    fn counts_are_brought_within_bounds() {
        let request =
            parsed(r#"{"query": "x", "limit": 0, "per_doc": 0, "articles": 99999}"#).unwrap();
        assert_eq!(request.limit, 1);
        assert_eq!(request.per_doc, None);
        assert_eq!(request.articles, Some(MAX_ARTICLE_PASSAGES));
        let request = parsed(r#"{"query": "x", "limit": 999999999}"#).unwrap();
        assert_eq!(request.limit, MAX_LIMIT);
    }

    #[test]
    fn facets_are_a_list_or_one_joined_string() {
        let list = parsed(r#"{"query": "x", "facets": ["month", "collection", "month"]}"#);
        let joined = parsed(r#"{"query": "x", "facets": "month, collection"}"#);
        assert_eq!(list.unwrap().facets, vec![Facet::Month, Facet::Collection]);
        assert_eq!(
            joined.unwrap().facets,
            vec![Facet::Month, Facet::Collection]
        );
        let bad = parsed(r#"{"query": "x", "facets": "month,colour"}"#).unwrap_err();
        assert!(bad.contains("`colour` is not a facet"), "{bad}");
    }

    #[test]
    fn mistakes_are_refused_with_a_sentence() {
        let bad = parsed(r#"{"query": "x", "sort": "size"}"#).unwrap_err();
        assert_eq!(bad, "sort is `score` or `date`, not `size`");
        let unknown = parsed(r#"{"query": "x", "limt": 3}"#).unwrap_err();
        assert!(unknown.contains("unknown field `limt`"), "{unknown}");
    }
}
