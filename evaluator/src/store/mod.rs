//! Store paths without a store: Nix's base-32 encoding, hash parsing, and
//! the store path computations (`makeStorePath` and friends), byte for byte
//! as C++ Nix does them.

pub mod derivation;
pub mod nar;
pub mod write;

use sha2::{Digest, Sha256};

/// Nix's base-32 alphabet (no e, o, u, t).
pub(crate) const NIX32: &[u8; 32] = b"0123456789abcdfghijklmnpqrsvwxyz";

/// Encodes bytes in Nix's base 32 (least significant bits first, printed last-to-first).
pub fn nix32_encode(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return String::new();
    }
    let len = (bytes.len() * 8 - 1) / 5 + 1;
    let mut out = String::with_capacity(len);
    for n in (0..len).rev() {
        let b = n * 5;
        let (i, j) = (b / 8, b % 8);
        let lo = (bytes[i] as u16) >> j;
        let hi = if i + 1 < bytes.len() {
            (bytes[i + 1] as u16) << (8 - j)
        } else {
            0
        };
        out.push(NIX32[((lo | hi) & 0x1f) as usize] as char);
    }
    out
}

/// Decodes Nix base 32 into `size` bytes.
pub fn nix32_decode(s: &str, size: usize) -> Option<Vec<u8>> {
    if s.len() != (size * 8).div_ceil(5) {
        return None;
    }
    let mut out = vec![0u8; size];
    for (n, c) in s.bytes().rev().enumerate() {
        let digit = NIX32.iter().position(|&a| a == c)? as u16;
        let b = n * 5;
        let (i, j) = (b / 8, b % 8);
        out[i] |= (digit << j) as u8;
        let carry = digit >> (8 - j);
        if i + 1 < size {
            out[i + 1] |= carry as u8;
        } else if carry != 0 {
            return None;
        }
    }
    Some(out)
}

/// SHA-256 of `data`.
pub fn sha256(data: &[u8]) -> Vec<u8> {
    Sha256::digest(data).to_vec()
}

/// Lowercase hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// XOR-folds a hash down to `size` bytes, as Nix does for store path digests.
fn compress_hash(hash: &[u8], size: usize) -> Vec<u8> {
    let mut out = vec![0u8; size];
    for (i, b) in hash.iter().enumerate() {
        out[i % size] ^= b;
    }
    out
}

/// The longest name a store path may have.
pub(crate) const MAX_NAME_LEN: usize = 211;

/// The first character a store path name may not contain.
pub(crate) fn first_illegal_name_char(name: &str) -> Option<char> {
    name.chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "+-._?=".contains(*c)))
}

/// Checks a store path name: allowed characters, not starting with a dot, length.
pub fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("store path name is empty".into());
    }
    if name.len() > MAX_NAME_LEN {
        return Err(format!(
            "store path name '{name}' is longer than {MAX_NAME_LEN} characters"
        ));
    }
    if name.starts_with('.') {
        return Err(format!("store path name '{name}' starts with a period"));
    }
    if let Some(c) = first_illegal_name_char(name) {
        return Err(format!(
            "store path name '{name}' contains illegal character '{c}'"
        ));
    }
    Ok(())
}

/// Checks the name part of a computed store path, with C++ Nix's messages
/// (which show the path's base name, hash included).
pub fn check_path_name(store_dir: &str, path: &str) -> Result<(), String> {
    let base = path
        .strip_prefix(store_dir)
        .map(|b| b.trim_start_matches('/'))
        .unwrap_or(path);
    let name = base.get(33..).unwrap_or("");
    if name.is_empty() {
        return Err(format!("store path '{base}' has an empty name"));
    }
    if name.len() > MAX_NAME_LEN {
        return Err(format!(
            "store path '{base}' has a name longer than {MAX_NAME_LEN} characters"
        ));
    }
    if let Some(c) = first_illegal_name_char(name) {
        return Err(format!(
            "store path '{base}' contains illegal character '{c}'"
        ));
    }
    Ok(())
}

/// `makeStorePath`: `type` already includes references (`text:/nix/store/…`).
pub fn make_store_path(store_dir: &str, type_: &str, hash: &[u8], name: &str) -> String {
    let fingerprint = format!("{type_}:sha256:{}:{store_dir}:{name}", hex(hash));
    let digest = compress_hash(&sha256(fingerprint.as_bytes()), 20);
    format!("{store_dir}/{}-{name}", nix32_encode(&digest))
}

/// The type string with sorted references (and `:self`).
fn make_type(base: &str, refs: &[String], self_ref: bool) -> String {
    let mut refs: Vec<&String> = refs.iter().collect();
    refs.sort();
    let mut t = base.to_string();
    for r in refs {
        t.push(':');
        t.push_str(r);
    }
    if self_ref {
        t.push_str(":self");
    }
    t
}

/// A `toFile`-style text path: content hash plus references.
pub fn make_text_path(store_dir: &str, name: &str, content_hash: &[u8], refs: &[String]) -> String {
    make_store_path(
        store_dir,
        &make_type("text", refs, false),
        content_hash,
        name,
    )
}

/// A source path added recursively with SHA-256 (paths in strings, `builtins.path`).
pub fn make_source_path(store_dir: &str, name: &str, nar_hash: &[u8]) -> String {
    make_store_path(store_dir, "source", nar_hash, name)
}

/// A hash algorithm supported in fixed-output derivations and hashing builtins.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HashAlgo {
    /// MD5.
    Md5,
    /// SHA-1.
    Sha1,
    /// SHA-256.
    Sha256,
    /// SHA-512.
    Sha512,
}

impl HashAlgo {
    /// Parses `md5`, `sha1`, `sha256`, `sha512`.
    pub fn parse(s: &str) -> Option<HashAlgo> {
        Some(match s {
            "md5" => HashAlgo::Md5,
            "sha1" => HashAlgo::Sha1,
            "sha256" => HashAlgo::Sha256,
            "sha512" => HashAlgo::Sha512,
            _ => return None,
        })
    }

    /// The algorithm's name.
    pub fn name(self) -> &'static str {
        match self {
            HashAlgo::Md5 => "md5",
            HashAlgo::Sha1 => "sha1",
            HashAlgo::Sha256 => "sha256",
            HashAlgo::Sha512 => "sha512",
        }
    }

    /// Digest size in bytes.
    pub fn size(self) -> usize {
        match self {
            HashAlgo::Md5 => 16,
            HashAlgo::Sha1 => 20,
            HashAlgo::Sha256 => 32,
            HashAlgo::Sha512 => 64,
        }
    }

    /// Hashes `data`.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            HashAlgo::Md5 => md5::Md5::digest(data).to_vec(),
            HashAlgo::Sha1 => sha1::Sha1::digest(data).to_vec(),
            HashAlgo::Sha256 => Sha256::digest(data).to_vec(),
            HashAlgo::Sha512 => sha2::Sha512::digest(data).to_vec(),
        }
    }
}

/// Parses a hash in any encoding Nix accepts: SRI (`sha256-…`), `algo:…`, or
/// bare base16 / nix32 / base64 with the algorithm given separately.
pub fn parse_hash(s: &str, algo: Option<HashAlgo>) -> Result<(HashAlgo, Vec<u8>), String> {
    if let Some((a, rest)) = s.split_once('-') {
        if let Some(a) = HashAlgo::parse(a) {
            if algo.is_some_and(|x| x != a) {
                return Err(format!(
                    "hash '{s}' should have type '{}'",
                    algo.map(|x| x.name()).unwrap_or("")
                ));
            }
            let bytes = data_encoding::BASE64
                .decode(rest.as_bytes())
                .map_err(|_| format!("invalid SRI hash '{s}'"))?;
            if bytes.len() != a.size() {
                return Err(format!("invalid SRI hash '{s}'"));
            }
            return Ok((a, bytes));
        }
    }
    let (algo, body) = match s.split_once(':') {
        Some((a, rest)) => match HashAlgo::parse(a) {
            Some(a) => (a, rest),
            None => return Err(format!("unknown hash algorithm '{a}'")),
        },
        None => match algo {
            Some(a) => (a, s),
            None => {
                return Err(format!(
                "hash '{s}' does not include a type, nor is the type otherwise known from context"
            ))
            }
        },
    };
    let size = algo.size();
    let decoded = if body.len() == size * 2 {
        data_encoding::HEXLOWER_PERMISSIVE
            .decode(body.as_bytes())
            .ok()
    } else if body.len() == (size * 8).div_ceil(5) {
        nix32_decode(body, size)
    } else if body.len() == size.div_ceil(3) * 4 {
        data_encoding::BASE64.decode(body.as_bytes()).ok()
    } else {
        None
    };
    match decoded {
        Some(b) if b.len() == size => Ok((algo, b)),
        _ => Err(format!(
            "hash '{body}' has wrong length for hash type '{}'",
            algo.name()
        )),
    }
}

/// The store path of a fixed-output result (`makeFixedOutputPath`).
pub fn make_fixed_output_path(
    store_dir: &str,
    recursive: bool,
    algo: HashAlgo,
    hash: &[u8],
    name: &str,
) -> String {
    if recursive && algo == HashAlgo::Sha256 {
        return make_store_path(store_dir, "source", hash, name);
    }
    let inner = format!(
        "fixed:out:{}{}:{}:",
        if recursive { "r:" } else { "" },
        algo.name(),
        hex(hash)
    );
    make_store_path(store_dir, "output:out", &sha256(inner.as_bytes()), name)
}

/// `placeholder`: the string the builder replaces with an output's path.
pub fn placeholder(output: &[u8]) -> String {
    let mut data = b"nix-output:".to_vec();
    data.extend_from_slice(output);
    format!("/{}", nix32_encode(&sha256(&data)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nix32_matches_nix_hash() {
        // nix-hash --type sha256 --to-base32 of sha256("") is the well-known empty-file hash.
        let h = sha256(b"");
        assert_eq!(
            nix32_encode(&h),
            "0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73"
        );
        assert_eq!(nix32_decode(&nix32_encode(&h), 32), Some(h));
    }

    #[test]
    fn placeholder_out() {
        assert_eq!(
            placeholder(b"out"),
            "/1rz4g4znpzjwh1xymhjpm42vipw92pr73vdgl6xs1hycac8kf2n9"
        );
    }

    #[test]
    fn text_path_of_to_file() {
        // builtins.toFile "foo" "bar" in C++ Nix 2.8.
        let p = make_text_path("/nix/store", "foo", &sha256(b"bar"), &[]);
        assert_eq!(p, "/nix/store/vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-foo");
    }
}
