//! The tantivy schema: one tantivy document per passage, every field name defined here.
//!
//! Passages carry everything a hit needs (title, section, paths, lines) so a search reads
//! one stored document per hit and nothing else. An article is identified in the index by
//! the hash of its content (`key`): identical files share one set of passages, and their
//! paths are listed together in `doc` and `path`.

use tantivy::schema::{
    DateOptions, Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions,
    FAST, INDEXED, STORED, STRING,
};
use tantivy::Index;

use crate::analyzer;

/// Version of the on-disk layout (schema, analyzer, manifest). Bump it whenever an index
/// written by the previous version would give wrong answers; users are then asked to run
/// `seedsearch index --rebuild`.
pub const FORMAT_VERSION: u32 = 1;

/// Field names, as users type them in queries (`title:`, `section:`, `doc:`) and as they
/// are stored.
pub mod names {
    pub const KEY: &str = "key";
    pub const ARTICLE: &str = "article";
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
    /// Content hash of the article (raw, indexed, not stored): what updates delete by.
    pub key: Field,
    /// The low 64 bits of the content hash (fast): groups passages by article in searches.
    pub article: Field,
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

/// Builds the schema and returns it with its field handles.
pub fn build() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let full_text = |stored: bool| {
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(analyzer::STEMMED)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let options = TextOptions::default().set_indexing_options(indexing);
        if stored {
            options.set_stored()
        } else {
            options
        }
    };
    let stored_u64 = NumericOptions::default().set_stored();
    let fields = Fields {
        key: builder.add_text_field(names::KEY, STRING),
        article: builder.add_u64_field(names::ARTICLE, FAST),
        doc: builder.add_text_field(names::DOC, STRING | STORED | FAST),
        path: builder.add_text_field(names::PATH, STORED),
        collection: builder.add_text_field(names::COLLECTION, STRING),
        title: builder.add_text_field(names::TITLE, full_text(true)),
        section: builder.add_text_field(names::SECTION, full_text(true)),
        text: builder.add_text_field(names::TEXT, full_text(true)),
        passage: builder.add_u64_field(names::PASSAGE, stored_u64.clone().set_fast()),
        line_start: builder.add_u64_field(names::LINE_START, stored_u64.clone()),
        line_end: builder.add_u64_field(names::LINE_END, stored_u64),
        boilerplate: builder.add_u64_field(names::BOILERPLATE, INDEXED | STORED),
        phash: builder.add_u64_field(names::PHASH, INDEXED | FAST),
        meta: builder.add_text_field(names::META, STORED),
        author: builder.add_text_field(names::AUTHOR, full_text(false)),
        source: builder.add_text_field(names::SOURCE, full_text(false)),
        date: builder.add_date_field(names::DATE, DateOptions::from(INDEXED).set_fast()),
    };
    (builder.build(), fields)
}

/// Resolves the field handles of an opened index, failing if a field is missing (an index
/// written by another version).
///
/// # Errors
/// When the index's schema lacks one of our fields.
pub fn fields_of(schema: &Schema) -> tantivy::Result<Fields> {
    let f = |name: &str| schema.get_field(name);
    Ok(Fields {
        key: f(names::KEY)?,
        article: f(names::ARTICLE)?,
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
    fn fields_of_rejects_a_foreign_schema() {
        let mut builder = Schema::builder();
        builder.add_text_field("body", STRING);
        assert!(fields_of(&builder.build()).is_err());
    }
}
