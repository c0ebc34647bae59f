//! Opt-in materialisation of store objects: when an embedder enables it,
//! paths "copied to the store", `toFile` results and `.drv` files are
//! written below the store directory. Evaluation never needs this.

use std::path::Path;

use super::nar::Node;

/// Writes `node` at `dest` unless something is there already.
pub fn write_node(dest: &Path, node: &Node) -> std::io::Result<()> {
    if std::fs::symlink_metadata(dest).is_ok() {
        return Ok(());
    }
    if let Some(parent) = dest.parent() {
        std::fs::create_dir_all(parent)?;
    }
    // An explicit work list: file trees can be deep.
    let mut work = vec![(dest.to_path_buf(), node)];
    while let Some((path, node)) = work.pop() {
        match node {
            Node::Regular {
                executable,
                contents,
            } => {
                std::fs::write(&path, contents)?;
                if *executable {
                    use std::os::unix::fs::PermissionsExt;
                    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o555))?;
                }
            }
            Node::Symlink { target } => std::os::unix::fs::symlink(target, &path)?,
            Node::Directory { entries } => {
                std::fs::create_dir(&path)?;
                for (name, child) in entries {
                    work.push((path.join(name), child));
                }
            }
        }
    }
    Ok(())
}
