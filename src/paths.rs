//! Where a collection lives and how paths are shown to the user: the seeds folder as given
//! and as resolved, the index folder, and paths made relative to the current directory
//! when that reads better.

use std::path::{Path, PathBuf};

/// Where a collection lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    /// The seeds folder as given (how messages name it).
    pub seeds: PathBuf,
    /// The seeds folder resolved (absolute, links followed): how the index records it.
    pub seeds_root: PathBuf,
    /// The index folder.
    pub index: PathBuf,
}

impl Paths {
    pub fn new(seeds: impl Into<PathBuf>, index: impl Into<PathBuf>) -> Paths {
        let seeds = seeds.into();
        Paths {
            seeds_root: resolve_root(&seeds),
            seeds,
            index: index.into(),
        }
    }
}

impl Paths {
    /// Refuses folders that overlap: a seeds folder that is the index folder, lies inside
    /// it or holds it. seedsearch would index its own files, and an update would change
    /// the seeds folder, so that every search became an update. An index in a hidden
    /// folder of the seeds folder is never indexed, and is allowed. Real paths are
    /// compared, so a symbolic link is no way round.
    ///
    /// # Errors
    /// When they overlap: one sentence naming both folders and what to do.
    pub fn check_apart(&self) -> anyhow::Result<()> {
        let seeds = real_path(&self.seeds);
        let index = real_path(&self.index);
        let (shown_seeds, shown_index) = (display_path(&self.seeds), display_path(&self.index));
        if seeds == index {
            anyhow::bail!(
                "the seeds folder {shown_seeds} and the index folder {shown_index} are the same \
                 folder; pass --index with a folder outside the seeds folder (or a hidden one \
                 inside it, such as {})",
                display_path(&self.seeds.join(".index"))
            );
        }
        if let Ok(inside) = index.strip_prefix(&seeds) {
            let hidden = inside
                .components()
                .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
            if !hidden {
                anyhow::bail!(
                    "the index folder {shown_index} is inside the seeds folder {shown_seeds}, so \
                     every update would change the folder it indexes; pass --index with a \
                     folder outside it, or a hidden one inside it (such as {})",
                    display_path(&self.seeds.join(".index"))
                );
            }
        }
        if seeds.starts_with(&index) {
            anyhow::bail!(
                "the seeds folder {shown_seeds} is inside the index folder {shown_index}; move \
                 the articles out, or pass --index with a folder outside the seeds folder"
            );
        }
        Ok(())
    }
}

/// `path` with symbolic links and `..` resolved as far as it exists, and the rest (a
/// folder not made yet) appended.
fn real_path(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut missing = Vec::new();
    let mut existing = absolute.as_path();
    loop {
        if let Ok(real) = std::fs::canonicalize(existing) {
            return missing.iter().rev().fold(real, |acc, part| acc.join(part));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                missing.push(name.to_os_string());
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

/// The seeds folder as the index records it: canonical (symbolic links and `..`
/// resolved) when it exists, else absolute.
pub fn resolve_root(root: &Path) -> PathBuf {
    std::fs::canonicalize(root)
        .or_else(|_| std::path::absolute(root))
        .unwrap_or_else(|_| root.to_path_buf())
}

/// A path as shown in messages.
pub fn display_path(path: &Path) -> String {
    path.display().to_string()
}

/// `path` as a user at the current directory would type it: relative when it lies below
/// the current directory or near it (`../news`), absolute when the two only share the
/// root.
pub fn shown_from_cwd(path: &Path) -> PathBuf {
    let Ok(cwd) = std::env::current_dir() else {
        return path.to_path_buf();
    };
    let cwd = std::fs::canonicalize(&cwd).unwrap_or(cwd);
    relative_to(path, &cwd).unwrap_or_else(|| path.to_path_buf())
}

/// The ways a file of the seeds folder at `seeds_root` (resolved) may be named by `given`,
/// as paths relative to the seeds folder with `/` separators, most likely first: as
/// printed by a search (relative to the current directory, or absolute), or relative to
/// the seeds folder itself. A file that is gone is still named by its lexical path.
pub fn seeds_relative(seeds_root: &Path, given: &str) -> Vec<String> {
    use std::path::Component;
    let as_rel = |path: &Path| -> Option<String> {
        let rest = path.strip_prefix(seeds_root).ok()?;
        let parts: Option<Vec<&str>> = rest
            .components()
            .map(|c| match c {
                Component::Normal(part) => part.to_str(),
                _ => None,
            })
            .collect();
        parts.filter(|p| !p.is_empty()).map(|p| p.join("/"))
    };
    let path = Path::new(given);
    let mut found = Vec::new();
    let mut push = |rel: Option<String>| {
        if let Some(rel) = rel {
            if !found.contains(&rel) {
                found.push(rel);
            }
        }
    };
    push(std::fs::canonicalize(path).ok().and_then(|p| as_rel(&p)));
    push(
        std::path::absolute(path)
            .ok()
            .map(|p| lexical(&p))
            .and_then(|p| as_rel(&p)),
    );
    push(as_rel(&lexical(&seeds_root.join(path))));
    found
}

/// `path` with `.` and `..` resolved by its text alone.
fn lexical(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// `path` relative to `base` (both absolute), going up at most two levels; `None` when
/// that is not possible.
fn relative_to(path: &Path, base: &Path) -> Option<PathBuf> {
    use std::path::Component;
    let path_parts: Vec<Component> = path.components().collect();
    let base_parts: Vec<Component> = base.components().collect();
    let common = path_parts
        .iter()
        .zip(&base_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let up = base_parts.len() - common;
    // Sharing only the root (or a drive) says nothing: an absolute path reads better.
    if common <= 1 || up > 2 {
        return None;
    }
    let mut out = PathBuf::new();
    for _ in 0..up {
        out.push("..");
    }
    for part in &path_parts[common..] {
        out.push(part.as_os_str());
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::{relative_to, seeds_relative};
    use std::path::{Path, PathBuf};

    #[test]
    fn a_file_is_named_from_here_absolutely_or_from_the_seeds_folder() {
        let root = Path::new("/nonexistent/news");
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(
            seeds_relative(root, "/nonexistent/news/world/a.txt"),
            ["world/a.txt"]
        );
        assert_eq!(seeds_relative(root, "world/a.txt"), ["world/a.txt"]);
        assert_eq!(
            seeds_relative(root, "/nonexistent/news/x/../world/./a.txt"),
            ["world/a.txt"]
        );
        assert!(seeds_relative(root, "/elsewhere/a.txt").is_empty());
        assert!(seeds_relative(root, "../../a.txt").is_empty());
        let here = cwd.join("seeds/a.txt");
        assert_eq!(
            seeds_relative(&cwd.join("seeds"), "seeds/a.txt").first(),
            Some(&"a.txt".to_string()),
            "{}",
            here.display()
        );
    }

    #[test]
    fn paths_are_shown_relative_when_near() {
        let rel = |p: &str, b: &str| relative_to(Path::new(p), Path::new(b));
        assert_eq!(
            rel("/work/main/seeds", "/work/main"),
            Some(PathBuf::from("seeds"))
        );
        assert_eq!(
            rel("/work/shared/corpus/bbc", "/work/main"),
            Some(PathBuf::from("../shared/corpus/bbc"))
        );
        assert_eq!(rel("/work/main", "/work/main"), Some(PathBuf::from(".")));
        assert_eq!(rel("/tmp/idx", "/work/main"), None);
        assert_eq!(rel("/a/x", "/a/b/c/d"), None);
    }
}
