//! seedsearch: local full-text search over folders of news articles.
pub mod analyzer;
pub mod article;
