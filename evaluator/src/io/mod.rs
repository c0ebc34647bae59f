//! File access. Every read the evaluator makes goes through [`EvalIO`], and
//! through the allowed-roots policy in [`crate::Shared::check_path`], so
//! embedders can supply a virtual file system or forbid IO entirely.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

/// The kind of a directory entry, as `readDir` reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum FileType {
    /// A regular file.
    Regular,
    /// A directory.
    Directory,
    /// A symbolic link.
    Symlink,
    /// Anything else (devices, sockets).
    Unknown,
}

impl FileType {
    /// The name `readDir` and `readFileType` use.
    pub fn as_str(self) -> &'static str {
        match self {
            FileType::Regular => "regular",
            FileType::Directory => "directory",
            FileType::Symlink => "symlink",
            FileType::Unknown => "unknown",
        }
    }
}

/// The reason part of an IO error as C++ Nix prints it (`strerror` text,
/// without Rust's "(os error N)" suffix).
pub fn io_reason(e: &io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// The file system as the evaluator sees it.
pub trait EvalIO {
    /// The contents of a file.
    fn read_file(&self, path: &Path) -> io::Result<Vec<u8>>;
    /// The entries of a directory, with their types.
    fn read_dir(&self, path: &Path) -> io::Result<Vec<(String, FileType)>>;
    /// The type of a path, without following a final symlink.
    fn file_type(&self, path: &Path) -> io::Result<FileType>;
    /// The target of a symlink.
    fn read_link(&self, path: &Path) -> io::Result<PathBuf> {
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            format!("cannot read link '{}'", path.display()),
        ))
    }
    /// The path with symlinks resolved, for the allowed-roots check.
    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        Ok(path.to_path_buf())
    }
    /// Whether a file is executable (for path hashing).
    fn is_executable(&self, _path: &Path) -> bool {
        false
    }
}

/// The real file system.
#[derive(Debug, Default, Clone, Copy)]
pub struct StdIO;

fn kind_of(ft: std::fs::FileType) -> FileType {
    if ft.is_symlink() {
        FileType::Symlink
    } else if ft.is_dir() {
        FileType::Directory
    } else if ft.is_file() {
        FileType::Regular
    } else {
        FileType::Unknown
    }
}

impl EvalIO for StdIO {
    fn read_file(&self, path: &Path) -> io::Result<Vec<u8>> {
        std::fs::read(path)
    }
    fn read_dir(&self, path: &Path) -> io::Result<Vec<(String, FileType)>> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(path)? {
            let entry = entry?;
            out.push((
                entry.file_name().to_string_lossy().into_owned(),
                kind_of(entry.file_type()?),
            ));
        }
        out.sort();
        Ok(out)
    }
    fn file_type(&self, path: &Path) -> io::Result<FileType> {
        Ok(kind_of(std::fs::symlink_metadata(path)?.file_type()))
    }
    fn read_link(&self, path: &Path) -> io::Result<PathBuf> {
        std::fs::read_link(path)
    }
    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        std::fs::canonicalize(path)
    }
    fn is_executable(&self, path: &Path) -> bool {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path)
            .map(|m| m.permissions().mode() & 0o111 != 0)
            .unwrap_or(false)
    }
}

/// An in-memory file tree, for tests and embedders with virtual configs.
#[derive(Debug, Default, Clone)]
pub struct MemoryIO {
    files: BTreeMap<PathBuf, Vec<u8>>,
}

impl MemoryIO {
    /// An empty tree.
    pub fn new() -> MemoryIO {
        MemoryIO::default()
    }

    /// Adds a file (its parent directories exist implicitly).
    pub fn add_file(
        &mut self,
        path: impl Into<PathBuf>,
        contents: impl Into<Vec<u8>>,
    ) -> &mut Self {
        self.files.insert(path.into(), contents.into());
        self
    }

    fn is_dir(&self, path: &Path) -> bool {
        self.files.keys().any(|f| f.starts_with(path) && f != path)
    }
}

/// The error the OS gives for a missing file; the evaluator's messages already name the path.
fn not_found() -> io::Error {
    io::Error::new(io::ErrorKind::NotFound, "No such file or directory")
}

impl EvalIO for MemoryIO {
    fn read_file(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.files.get(path).cloned().ok_or_else(not_found)
    }
    fn read_dir(&self, path: &Path) -> io::Result<Vec<(String, FileType)>> {
        if !self.is_dir(path) {
            return Err(not_found());
        }
        let mut out: BTreeMap<String, FileType> = BTreeMap::new();
        for f in self.files.keys() {
            if let Ok(rest) = f.strip_prefix(path) {
                let mut comps = rest.components();
                if let Some(first) = comps.next() {
                    let name = first.as_os_str().to_string_lossy().into_owned();
                    let kind = if comps.next().is_some() {
                        FileType::Directory
                    } else {
                        FileType::Regular
                    };
                    out.insert(name, kind);
                }
            }
        }
        Ok(out.into_iter().collect())
    }
    fn file_type(&self, path: &Path) -> io::Result<FileType> {
        if self.files.contains_key(path) {
            Ok(FileType::Regular)
        } else if self.is_dir(path) {
            Ok(FileType::Directory)
        } else {
            Err(not_found())
        }
    }
}

/// No file access at all: every read fails.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoIO;

impl EvalIO for NoIO {
    fn read_file(&self, path: &Path) -> io::Result<Vec<u8>> {
        Err(denied(path))
    }
    fn read_dir(&self, path: &Path) -> io::Result<Vec<(String, FileType)>> {
        Err(denied(path))
    }
    fn file_type(&self, path: &Path) -> io::Result<FileType> {
        Err(denied(path))
    }
}

fn denied(path: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::PermissionDenied,
        format!(
            "access to path '{}' is not allowed: this evaluation has no file system",
            path.display()
        ),
    )
}
