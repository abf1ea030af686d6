//! The tantivy schema: one tantivy document per passage, every field name defined here.
//!
//! Passages carry everything a hit needs (title, section, paths, lines) so a search reads
//! one stored document per hit and nothing else. An article is identified in the index by
//! the hash of its content (`key`): identical files share one set of passages, and their
//! paths are listed together in `doc` and `path`.

use tantivy::schema::{
    DateOptions, Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::Index;

use crate::analyzer;

/// Version of the on-disk layout (schema, analyzer, manifest). Bump it whenever an index
/// written by the previous version would give wrong answers; users are then asked to run
/// `seedsearch index --rebuild`.
pub const FORMAT_VERSION: u32 = 2;

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
    let fields = Fields {
        article: builder.add_u64_field(
            names::ARTICLE,
            NumericOptions::default().set_indexed().set_fast(),
        ),
        doc_key: builder.add_u64_field(names::DOC_KEY, NumericOptions::default().set_fast()),
        sources: builder
            .add_text_field(names::SOURCE_FILES, TextOptions::default().set_fast("raw")),
        doc: builder.add_text_field(names::DOC, exact(true)),
        path: builder.add_text_field(names::PATH, TextOptions::default().set_stored()),
        collection: builder.add_text_field(names::COLLECTION, exact(false)),
        title: builder.add_text_field(names::TITLE, text(true, true)),
        section: builder.add_text_field(names::SECTION, text(true, true)),
        text: builder.add_text_field(names::TEXT, text(true, true)),
        passage: builder.add_u64_field(names::PASSAGE, stored_u64.clone().set_fast()),
        line_start: builder.add_u64_field(names::LINE_START, stored_u64.clone().set_fast()),
        line_end: builder.add_u64_field(names::LINE_END, stored_u64.clone().set_fast()),
        boilerplate: builder.add_u64_field(
            names::BOILERPLATE,
            NumericOptions::default().set_indexed().set_stored(),
        ),
        phash: builder.add_u64_field(
            names::PHASH,
            NumericOptions::default().set_indexed().set_fast(),
        ),
        meta: builder.add_text_field(names::META, TextOptions::default().set_stored()),
        author: builder.add_text_field(names::AUTHOR, text(false, false)),
        source: builder.add_text_field(names::SOURCE, text(false, false)),
        date: builder.add_date_field(names::DATE, DateOptions::default().set_indexed().set_fast()),
    };
    (builder.build(), fields)
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
    })
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
