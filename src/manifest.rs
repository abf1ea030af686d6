//! What the index knows about the seeds folder: one record per file, saved beside the index
//! and committed with it.
//!
//! The manifest is what makes re-indexing incremental: a file whose size and modification
//! time match its record is not read again, and one whose content hash matches is not
//! re-indexed. It is written to a new file for every commit and named in tantivy's commit
//! payload (see [`crate::store`]), so the index and its manifest always change together.
//! It is stored compactly (postcard, then zstd with a checksum): at 45,000 files it is
//! read on every sync.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::corpus::ContentHash;

/// Every file of the seeds folder the last sync saw, by path relative to the folder, and
/// every distinct article, by content hash.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub files: BTreeMap<String, FileRecord>,
    pub articles: BTreeMap<ContentHash, ArticleRecord>,
}

/// What the index holds for one distinct article.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ArticleRecord {
    pub title: String,
    /// Passages, boilerplate included.
    pub passages: u32,
    pub metadata: BTreeMap<String, String>,
    /// Text hashes of its content passages (see [`crate::article::passage_hash`]), sorted:
    /// what finds a paragraph repeated across articles.
    pub phashes: Vec<u64>,
    /// For each of `phashes`, the sync generation in which that text first entered the
    /// collection (kept across edits, renames and rebuilds): what saved searches call new.
    pub first_seen: Vec<u64>,
}

impl Manifest {
    /// When each content passage's text first entered the collection, by text hash.
    pub fn first_seen(&self) -> std::collections::HashMap<u64, u64> {
        let mut seen = std::collections::HashMap::new();
        for article in self.articles.values() {
            for (&phash, &generation) in article.phashes.iter().zip(&article.first_seen) {
                seen.entry(phash)
                    .and_modify(|g: &mut u64| *g = (*g).min(generation))
                    .or_insert(generation);
            }
        }
        seen
    }
}

/// One file as last seen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileRecord {
    pub size: u64,
    pub mtime_ns: i64,
    pub state: FileState,
}

/// Whether the file is in the index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FileState {
    Indexed {
        hash: ContentHash,
        doc_id: String,
    },
    /// Seen but not indexed (empty, binary, unreadable); the reason is repeated as a warning
    /// on every sync until the file is fixed or removed.
    Skipped {
        reason: String,
    },
}

impl Manifest {
    /// The stored form: postcard, compressed with zstd.
    ///
    /// # Errors
    /// When encoding fails (it does not for these types).
    pub fn to_bytes(&self) -> std::io::Result<Vec<u8>> {
        let raw = postcard::to_stdvec(self).map_err(std::io::Error::other)?;
        // With a checksum in the frame, damage is found on reading, never decoded as a
        // different manifest.
        let mut encoder = zstd::Encoder::new(Vec::new(), 1)?;
        encoder.include_checksum(true)?;
        std::io::Write::write_all(&mut encoder, &raw)?;
        encoder.finish()
    }

    /// Reads the stored form.
    ///
    /// # Errors
    /// When the bytes are not a manifest of this version.
    pub fn from_bytes(bytes: &[u8]) -> std::io::Result<Manifest> {
        let raw = zstd::decode_all(bytes)?;
        postcard::from_bytes(&raw).map_err(std::io::Error::other)
    }

    /// The records of indexed files, with their content hash.
    pub fn indexed(&self) -> impl Iterator<Item = (&str, &FileRecord, ContentHash)> {
        Manifest::indexed_in(&self.files)
    }

    /// The indexed records among `files`, with their content hash.
    pub fn indexed_in(
        files: &BTreeMap<String, FileRecord>,
    ) -> impl Iterator<Item = (&str, &FileRecord, ContentHash)> {
        files
            .iter()
            .filter_map(|(rel, record)| match &record.state {
                FileState::Indexed { hash, .. } => Some((rel.as_str(), record, *hash)),
                FileState::Skipped { .. } => None,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_bytes() {
        let mut manifest = Manifest::default();
        manifest.files.insert(
            "a/b.txt".into(),
            FileRecord {
                size: 10,
                mtime_ns: 1_700_000_000_000_000_000,
                state: FileState::Indexed {
                    hash: ContentHash(42),
                    doc_id: "a/b".into(),
                },
            },
        );
        manifest.files.insert(
            "c.txt".into(),
            FileRecord {
                size: 0,
                mtime_ns: 5,
                state: FileState::Skipped {
                    reason: "empty file; skipped".into(),
                },
            },
        );
        manifest.articles.insert(
            ContentHash(42),
            ArticleRecord {
                title: "Title".into(),
                passages: 3,
                metadata: BTreeMap::new(),
                phashes: vec![1, 2],
                first_seen: vec![1, 3],
            },
        );
        let bytes = manifest.to_bytes().unwrap();
        let back = Manifest::from_bytes(&bytes).unwrap();
        assert_eq!(back, manifest);
        assert!(Manifest::from_bytes(b"not a manifest").is_err());
        assert_eq!(back.indexed().count(), 1);
        assert_eq!(back.first_seen()[&2], 3);
    }
}
