//! NAR (Nix ARchive) serialisation of a file tree read through [`EvalIO`],
//! hashed with SHA-256 as `nix-store --add` would, without writing anything.

use std::path::Path;

use sha2::{Digest, Sha256};

use crate::io::{EvalIO, FileType};

/// A file tree as NAR sees it. Directory entries are kept sorted by name.
#[derive(Debug, Clone)]
pub enum Node {
    /// A file.
    Regular {
        /// Whether it has the executable bit.
        executable: bool,
        /// Its bytes.
        contents: Vec<u8>,
    },
    /// A symbolic link.
    Symlink {
        /// Where it points.
        target: String,
    },
    /// A directory.
    Directory {
        /// Its entries, sorted by name.
        entries: Vec<(String, Node)>,
    },
}

/// Reads the tree at `path` (symlinks are not followed).
pub fn read_tree(io: &dyn EvalIO, path: &Path) -> Result<Node, String> {
    let kind = io.file_type(path).map_err(|e| {
        format!(
            "getting status of '{}': {}",
            path.display(),
            crate::io::io_reason(&e)
        )
    })?;
    Ok(match kind {
        FileType::Regular => Node::Regular {
            executable: io.is_executable(path),
            contents: io.read_file(path).map_err(|e| {
                format!(
                    "opening file '{}': {}",
                    path.display(),
                    crate::io::io_reason(&e)
                )
            })?,
        },
        FileType::Symlink => Node::Symlink {
            target: io
                .read_link(path)
                .map_err(|e| {
                    format!(
                        "reading symlink '{}': {}",
                        path.display(),
                        crate::io::io_reason(&e)
                    )
                })?
                .to_string_lossy()
                .into_owned(),
        },
        FileType::Directory => {
            let mut entries = Vec::new();
            let listing = io.read_dir(path).map_err(|e| {
                format!(
                    "opening directory '{}': {}",
                    path.display(),
                    crate::io::io_reason(&e)
                )
            })?;
            for (name, _) in listing {
                let child = read_tree(io, &path.join(&name))?;
                entries.push((name, child));
            }
            entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            Node::Directory { entries }
        }
        FileType::Unknown => {
            return Err(format!("file '{}' has an unsupported type", path.display()))
        }
    })
}

impl Node {
    /// The name `builtins.path` filters see for this node's type.
    pub fn type_name(&self) -> &'static str {
        match self {
            Node::Regular { .. } => "regular",
            Node::Symlink { .. } => "symlink",
            Node::Directory { .. } => "directory",
        }
    }
}

struct NarWriter {
    hasher: Sha256,
}

impl NarWriter {
    fn bytes(&mut self, b: &[u8]) {
        self.hasher.update((b.len() as u64).to_le_bytes());
        self.hasher.update(b);
        let pad = (8 - b.len() % 8) % 8;
        self.hasher.update(&[0u8; 8][..pad]);
    }

    fn node(&mut self, node: &Node) {
        // An explicit stack keeps deep trees off the host stack.
        enum Step<'a> {
            Open(&'a Node),
            Close,
            Entry(&'a str, &'a Node),
        }
        let mut work = vec![Step::Open(node)];
        while let Some(step) = work.pop() {
            match step {
                Step::Open(n) => {
                    self.bytes(b"(");
                    self.bytes(b"type");
                    match n {
                        Node::Regular {
                            executable,
                            contents,
                        } => {
                            self.bytes(b"regular");
                            if *executable {
                                self.bytes(b"executable");
                                self.bytes(b"");
                            }
                            self.bytes(b"contents");
                            self.bytes(contents);
                            self.bytes(b")");
                        }
                        Node::Symlink { target } => {
                            self.bytes(b"symlink");
                            self.bytes(b"target");
                            self.bytes(target.as_bytes());
                            self.bytes(b")");
                        }
                        Node::Directory { entries } => {
                            self.bytes(b"directory");
                            work.push(Step::Close);
                            for (name, child) in entries.iter().rev() {
                                work.push(Step::Entry(name, child));
                            }
                        }
                    }
                }
                Step::Close => self.bytes(b")"),
                Step::Entry(name, child) => {
                    self.bytes(b"entry");
                    self.bytes(b"(");
                    self.bytes(b"name");
                    self.bytes(name.as_bytes());
                    self.bytes(b"node");
                    // Closes the entry after the child node.
                    work.push(Step::Close);
                    work.push(Step::Open(child));
                }
            }
        }
    }
}

/// SHA-256 of the NAR serialisation of `node`.
pub fn nar_hash(node: &Node) -> Vec<u8> {
    let mut w = NarWriter {
        hasher: Sha256::new(),
    };
    w.bytes(b"nix-archive-1");
    w.node(node);
    w.hasher.finalize().to_vec()
}
