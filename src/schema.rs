//! The tantivy schema: one tantivy document per passage. Field names, their options and
//! the layout of a passage document (what the indexer writes, what searches read) are
//! defined here and nowhere else.
//!
//! Passages carry everything a hit needs (title, section, paths, lines) so a search reads
//! one stored document per hit and nothing else. An article is identified in the index by
//! the hash of its content (`key`): identical files share one set of passages, and their
//! paths are listed together in `doc` and `path`.

use std::collections::BTreeMap;

use tantivy::schema::{
    DateOptions, Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions,
    Value,
};
use tantivy::{DateTime, DocAddress, Index, Searcher, TantivyDocument};

use crate::analyzer;

/// Version of the on-disk layout (schema, analyzer, manifest). Bump it whenever an index
/// written by the previous version would give wrong answers; users are then asked to run
/// `seedsearch index --rebuild`.
pub const FORMAT_VERSION: u32 = 5;

/// Field names, as users type them in queries (`title:`, `section:`, `doc:`) and as they
/// are stored.
pub mod names {
    pub const ARTICLE: &str = "article";
    pub const DOC_KEY: &str = "doc_key";
    pub const SOURCE_FILES: &str = "sources";
    pub const DOC: &str = "doc";
    pub const PATH: &str = "path";
    pub const COLLECTION: &str = "collection";
    pub const TITLE: &str = "title";
    pub const SECTION: &str = "section";
    pub const TEXT: &str = "text";
    pub const PASSAGE: &str = "passage";
    pub const LINE_START: &str = "line_start";
    pub const LINE_END: &str = "line_end";
    pub const BOILERPLATE: &str = "boilerplate";
    pub const PHASH: &str = "phash";
    pub const META: &str = "meta";
    pub const AUTHOR: &str = "author";
    pub const SOURCE: &str = "source";
    pub const DATE: &str = "date";
    pub const LEAD: &str = "lead";
    pub const TITLE_LEN: &str = "title_len";
    pub const SECTION_LEN: &str = "section_len";
    pub const TEXT_LEN: &str = "text_len";
    pub const AUTHOR_VALUE: &str = "author_value";
    pub const SOURCE_VALUE: &str = "source_value";
    pub const FIRST_SEEN: &str = "first_seen";
}

/// Handles to every field, resolved once.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// The article's content hash, truncated to 64 bits (indexed and fast): what updates
    /// delete by, and what groups passages by article in searches.
    pub article: Field,
    /// The first 8 bytes of the primary doc_id, big-endian (fast): orders ties by doc_id
    /// without reading strings, in all but a few cases.
    pub doc_key: Field,
    /// `doc_id` + U+001F + `path` for every file of the article (fast only): the sources of
    /// duplicate passages, without reading stored documents.
    pub sources: Field,
    /// doc_id of every file holding this article (raw, indexed, stored, multi-valued).
    pub doc: Field,
    /// Path of each file relative to the seeds folder, in the same order as `doc`.
    pub path: Field,
    /// First folder of each path under the seeds folder (raw, indexed, stored).
    pub collection: Field,
    pub title: Field,
    pub section: Field,
    pub text: Field,
    pub passage: Field,
    pub line_start: Field,
    pub line_end: Field,
    /// 1 for boilerplate passages, 0 otherwise (indexed, so searches can exclude them).
    pub boilerplate: Field,
    /// Hash of the passage's normalised text: finds the same paragraph in other articles.
    pub phash: Field,
    /// Front-matter metadata as a JSON object string (stored only).
    pub meta: Field,
    pub author: Field,
    pub source: Field,
    pub date: Field,
    /// 1 on an article's lead passage (its first content passage), which stands for the
    /// article when only its headline matches a query (indexed).
    pub lead: Field,
    /// Exact token counts of title, section and text (fast): BM25's average field lengths
    /// are computed from them over live passages only, so scores after updates equal a
    /// fresh build's (tantivy's own totals count deleted passages, and estimate after
    /// merges).
    pub title_len: Field,
    pub section_len: Field,
    pub text_len: Field,
    /// The front-matter author and source as written (fast, raw): what counts group by.
    pub author_value: Field,
    pub source_value: Field,
    /// The sync generation in which the passage's text first entered the collection
    /// (indexed and fast): what saved searches call new.
    pub first_seen: Field,
}

/// Separates doc_id and path in the `sources` column.
pub const SOURCE_SEPARATOR: char = '\u{1f}';

/// Builds the schema and returns it with its field handles.
///
/// Only the fields scored by BM25 (title, section, text) keep field norms; filters and
/// keys do not need them, and they cost a byte per passage each.
pub fn build() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let text = |stored: bool, scored: bool| {
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(analyzer::STEMMED)
            .set_fieldnorms(scored)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let options = TextOptions::default().set_indexing_options(indexing);
        if stored {
            options.set_stored()
        } else {
            options
        }
    };
    let exact = |stored: bool| {
        let indexing = TextFieldIndexing::default()
            .set_tokenizer("raw")
            .set_fieldnorms(false)
            .set_index_option(IndexRecordOption::Basic);
        let options = TextOptions::default().set_indexing_options(indexing);
        if stored {
            options.set_stored()
        } else {
            options
        }
    };
    let stored_u64 = NumericOptions::default().set_stored();
    builder.add_u64_field(
        names::ARTICLE,
        NumericOptions::default().set_indexed().set_fast(),
    );
    builder.add_u64_field(names::DOC_KEY, NumericOptions::default().set_fast());
    builder.add_text_field(names::SOURCE_FILES, TextOptions::default().set_fast("raw"));
    builder.add_text_field(names::DOC, exact(true));
    builder.add_text_field(names::PATH, TextOptions::default().set_stored());
    builder.add_text_field(names::COLLECTION, exact(false).set_fast("raw"));
    builder.add_text_field(names::TITLE, text(true, true));
    builder.add_text_field(names::SECTION, text(true, true));
    builder.add_text_field(names::TEXT, text(true, true));
    builder.add_u64_field(names::PASSAGE, stored_u64.clone().set_fast());
    builder.add_u64_field(names::LINE_START, stored_u64.clone().set_fast());
    builder.add_u64_field(names::LINE_END, stored_u64.set_fast());
    builder.add_u64_field(
        names::BOILERPLATE,
        NumericOptions::default().set_indexed().set_stored(),
    );
    builder.add_u64_field(
        names::PHASH,
        NumericOptions::default().set_indexed().set_fast(),
    );
    builder.add_text_field(names::META, TextOptions::default().set_stored());
    builder.add_text_field(names::AUTHOR, text(false, false));
    builder.add_text_field(names::SOURCE, text(false, false));
    builder.add_text_field(names::AUTHOR_VALUE, TextOptions::default().set_fast("raw"));
    builder.add_text_field(names::SOURCE_VALUE, TextOptions::default().set_fast("raw"));
    builder.add_u64_field(
        names::FIRST_SEEN,
        NumericOptions::default().set_indexed().set_fast(),
    );
    builder.add_date_field(names::DATE, DateOptions::default().set_indexed().set_fast());
    builder.add_u64_field(names::LEAD, NumericOptions::default().set_indexed());
    for name in [names::TITLE_LEN, names::SECTION_LEN, names::TEXT_LEN] {
        builder.add_u64_field(name, NumericOptions::default().set_fast());
    }
    let schema = builder.build();
    // Every field was just added under these names: resolving them cannot fail.
    let fields = fields_of(&schema).unwrap_or_else(|e| unreachable!("schema: {e}"));
    (schema, fields)
}

/// The order-preserving 8-byte prefix of a doc_id, for [`Fields::doc_key`].
pub fn doc_key(doc_id: &str) -> u64 {
    let mut bytes = [0u8; 8];
    for (slot, b) in bytes.iter_mut().zip(doc_id.bytes()) {
        *slot = b;
    }
    u64::from_be_bytes(bytes)
}

/// Resolves the field handles of an opened index, failing if a field is missing (an index
/// written by another version).
///
/// # Errors
/// When the index's schema lacks one of our fields.
pub fn fields_of(schema: &Schema) -> tantivy::Result<Fields> {
    let f = |name: &str| schema.get_field(name);
    Ok(Fields {
        article: f(names::ARTICLE)?,
        doc_key: f(names::DOC_KEY)?,
        sources: f(names::SOURCE_FILES)?,
        doc: f(names::DOC)?,
        path: f(names::PATH)?,
        collection: f(names::COLLECTION)?,
        title: f(names::TITLE)?,
        section: f(names::SECTION)?,
        text: f(names::TEXT)?,
        passage: f(names::PASSAGE)?,
        line_start: f(names::LINE_START)?,
        line_end: f(names::LINE_END)?,
        boilerplate: f(names::BOILERPLATE)?,
        phash: f(names::PHASH)?,
        meta: f(names::META)?,
        author: f(names::AUTHOR)?,
        source: f(names::SOURCE)?,
        date: f(names::DATE)?,
        lead: f(names::LEAD)?,
        title_len: f(names::TITLE_LEN)?,
        section_len: f(names::SECTION_LEN)?,
        text_len: f(names::TEXT_LEN)?,
        author_value: f(names::AUTHOR_VALUE)?,
        source_value: f(names::SOURCE_VALUE)?,
        first_seen: f(names::FIRST_SEEN)?,
    })
}

/// What every passage document of one article carries.
#[derive(Debug, Clone)]
pub struct ArticleFields<'a> {
    /// The article's key (see [`Fields::article`]).
    pub key: u64,
    /// `(doc_id, rel)` of every file holding the article, sorted by doc_id: the first is
    /// the one hits name.
    pub files: &'a [(String, String)],
    pub title: &'a str,
    /// Front-matter metadata; `author` and `source` are also indexed as filters.
    pub metadata: &'a BTreeMap<String, String>,
    pub date: Option<DateTime>,
    /// Tokens in the title (see [`Fields::title_len`]).
    pub title_tokens: u64,
}

/// What one passage document adds to its article's fields.
#[derive(Debug, Clone)]
pub struct PassageFields<'a> {
    pub number: u32,
    pub section: Option<&'a str>,
    pub text: &'a str,
    pub line_start: u32,
    pub line_end: u32,
    /// Marked as boilerplate by the splitter.
    pub boilerplate: bool,
    /// [`crate::article::passage_hash`] of the text.
    pub phash: u64,
    /// The article's first content passage.
    pub lead: bool,
    /// Tokens in the section heading and the text (see [`Fields::text_len`]).
    pub section_tokens: u64,
    pub text_tokens: u64,
    /// When the passage's text first entered the collection (see [`Fields::first_seen`]).
    pub first_seen: u64,
}

impl Fields {
    /// The fields every passage of an article shares, as a document to clone per passage.
    pub fn article_document(&self, article: &ArticleFields<'_>) -> TantivyDocument {
        let mut doc = TantivyDocument::default();
        doc.add_u64(self.article, article.key);
        let primary = article
            .files
            .first()
            .map_or("", |(doc_id, _)| doc_id.as_str());
        doc.add_u64(self.doc_key, doc_key(primary));
        for (doc_id, rel) in article.files {
            doc.add_text(self.doc, doc_id);
            doc.add_text(self.path, rel);
            doc.add_text(self.sources, format!("{doc_id}{SOURCE_SEPARATOR}{rel}"));
        }
        let mut collections: Vec<&str> = article
            .files
            .iter()
            .filter_map(|(_, rel)| rel.split_once('/').map(|(dir, _)| dir))
            .collect();
        collections.dedup();
        for collection in collections {
            doc.add_text(self.collection, collection);
        }
        doc.add_text(self.title, article.title);
        if !article.metadata.is_empty() {
            if let Ok(json) = serde_json::to_string(article.metadata) {
                doc.add_text(self.meta, json);
            }
        }
        if let Some(author) = article.metadata.get("author") {
            doc.add_text(self.author, author);
            doc.add_text(self.author_value, author.trim());
        }
        if let Some(source) = article.metadata.get("source") {
            doc.add_text(self.source, source);
            doc.add_text(self.source_value, source.trim());
        }
        if let Some(date) = article.date {
            doc.add_date(self.date, date);
        }
        doc.add_u64(self.title_len, article.title_tokens);
        doc
    }

    /// One passage's document: its article's fields plus its own.
    pub fn passage_document(
        &self,
        article: &TantivyDocument,
        passage: &PassageFields<'_>,
    ) -> TantivyDocument {
        let mut doc = article.clone();
        if let Some(section) = passage.section {
            doc.add_text(self.section, section);
        }
        doc.add_text(self.text, passage.text);
        doc.add_u64(self.passage, u64::from(passage.number));
        doc.add_u64(self.line_start, u64::from(passage.line_start));
        doc.add_u64(self.line_end, u64::from(passage.line_end));
        doc.add_u64(self.boilerplate, u64::from(passage.boilerplate));
        doc.add_u64(self.phash, passage.phash);
        if passage.lead {
            doc.add_u64(self.lead, 1);
        }
        doc.add_u64(self.section_len, passage.section_tokens);
        doc.add_u64(self.text_len, passage.text_tokens);
        doc.add_u64(self.first_seen, passage.first_seen);
        doc
    }
}

/// The stored fields of one passage document, as searches and views read them.
#[derive(Debug, Clone)]
pub struct StoredPassage {
    /// `(doc_id, rel)` of every file holding the passage's article, primary first.
    pub files: Vec<(String, String)>,
    pub title: String,
    pub section: Option<String>,
    pub text: String,
    pub passage: u32,
    pub line_start: u32,
    pub line_end: u32,
    /// Marked as boilerplate by the splitter (the repeated-paragraph rule is the
    /// payload's).
    pub boilerplate: bool,
    pub metadata: BTreeMap<String, String>,
}

impl StoredPassage {
    /// Reads a passage's stored fields.
    ///
    /// # Errors
    /// When the document store cannot be read.
    pub fn read(
        searcher: &Searcher,
        fields: &Fields,
        address: DocAddress,
    ) -> anyhow::Result<StoredPassage> {
        let doc: TantivyDocument = anyhow::Context::context(
            searcher.doc(address),
            "cannot read a passage from the index",
        )?;
        Ok(StoredPassage::from_document(fields, &doc))
    }

    /// The stored fields of `doc`.
    pub fn from_document(fields: &Fields, doc: &TantivyDocument) -> StoredPassage {
        let text_of = |field: Field| -> Option<String> {
            doc.get_first(field)
                .and_then(|v| v.as_str().map(str::to_string))
        };
        let all_of = |field: Field| -> Vec<String> {
            doc.get_all(field)
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        };
        let num_of = |field: Field| -> u32 {
            doc.get_first(field)
                .and_then(|v| v.as_u64())
                .and_then(|n| u32::try_from(n).ok())
                .unwrap_or(0)
        };
        StoredPassage {
            files: all_of(fields.doc)
                .into_iter()
                .zip(all_of(fields.path))
                .collect(),
            title: text_of(fields.title).unwrap_or_default(),
            section: text_of(fields.section),
            text: text_of(fields.text).unwrap_or_default(),
            passage: num_of(fields.passage),
            line_start: num_of(fields.line_start),
            line_end: num_of(fields.line_end),
            boilerplate: num_of(fields.boilerplate) == 1,
            metadata: text_of(fields.meta)
                .and_then(|json| serde_json::from_str(&json).ok())
                .unwrap_or_default(),
        }
    }
}

/// Registers our analyzers with an index; needed after every create or open.
pub fn register_tokenizers(index: &Index) {
    index
        .tokenizers()
        .register(analyzer::STEMMED, analyzer::stemmed());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_of_finds_every_field_of_build() {
        let (schema, built) = build();
        let found = fields_of(&schema).unwrap();
        assert_eq!(format!("{built:?}"), format!("{found:?}"));
    }

    #[test]
    fn doc_keys_order_like_doc_ids() {
        let ids = [
            "",
            "a",
            "a/b",
            "ab",
            "copy1/sport/001",
            "copy10/sport/001",
            "copy2/a",
            "z",
        ];
        for pair in ids.windows(2) {
            assert!(doc_key(pair[0]) <= doc_key(pair[1]), "{pair:?}");
        }
        assert_eq!(
            doc_key("sport/001"),
            doc_key("sport/002"),
            "only 8 bytes count"
        );
    }

    #[test]
    fn fields_of_rejects_a_foreign_schema() {
        let mut builder = Schema::builder();
        builder.add_text_field("body", tantivy::schema::STRING);
        assert!(fields_of(&builder.build()).is_err());
    }
}
