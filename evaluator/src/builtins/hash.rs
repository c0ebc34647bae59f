//! Hash builtins: `hashString`, `hashFile`, `convertHash`, and the hash
//! formats C++ Nix uses (base16, Nix's own base32 "nix32", base64, SRI).

use std::rc::Rc;

use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};

use super::io::{coerce_to_path, read_file_contents};
use super::versions::to_str_no_ctx;
use super::{to_attrs, to_str, BuiltinDef, BuiltinImpl::*, ALL};
use crate::errors::ErrorKind;
use crate::eval_err;
use crate::value::{Symbol, Value};
use crate::vm::generators::{make_gen, Gen};
use crate::vm::Vm;
use crate::Shared;

pub(super) static BUILTINS: &[BuiltinDef] = &[
    BuiltinDef {
        name: "hashString",
        arity: 2,
        strict: ALL,
        first_arg: Some("a hash algorithm"),
        imp: Sync(hash_string),
    },
    BuiltinDef {
        name: "hashFile",
        arity: 2,
        strict: ALL,
        first_arg: Some("a hash algorithm"),
        imp: Async(hash_file),
    },
    BuiltinDef {
        name: "convertHash",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Async(convert_hash),
    },
];

/// A hash algorithm Nix knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum HashAlgo {
    Md5,
    Sha1,
    Sha256,
    Sha512,
}

impl HashAlgo {
    pub(crate) fn parse(name: &[u8]) -> Result<HashAlgo, ErrorKind> {
        match name {
            b"md5" => Ok(HashAlgo::Md5),
            b"sha1" => Ok(HashAlgo::Sha1),
            b"sha256" => Ok(HashAlgo::Sha256),
            b"sha512" => Ok(HashAlgo::Sha512),
            other => Err(eval_err!(
                "unknown hash algorithm '{}'",
                String::from_utf8_lossy(other)
            )),
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            HashAlgo::Md5 => "md5",
            HashAlgo::Sha1 => "sha1",
            HashAlgo::Sha256 => "sha256",
            HashAlgo::Sha512 => "sha512",
        }
    }

    /// Digest size in bytes.
    pub(crate) fn size(self) -> usize {
        match self {
            HashAlgo::Md5 => 16,
            HashAlgo::Sha1 => 20,
            HashAlgo::Sha256 => 32,
            HashAlgo::Sha512 => 64,
        }
    }

    pub(crate) fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            HashAlgo::Md5 => Md5::digest(data).to_vec(),
            HashAlgo::Sha1 => Sha1::digest(data).to_vec(),
            HashAlgo::Sha256 => Sha256::digest(data).to_vec(),
            HashAlgo::Sha512 => Sha512::digest(data).to_vec(),
        }
    }

    fn base16_len(self) -> usize {
        self.size() * 2
    }

    fn base64_len(self) -> usize {
        ((4 * self.size() / 3) + 3) & !3
    }
}

/// How a hash is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum HashFormat {
    Base16,
    Nix32,
    Base64,
    Sri,
}

impl HashFormat {
    fn parse(name: &[u8]) -> Result<HashFormat, ErrorKind> {
        match name {
            b"base16" => Ok(HashFormat::Base16),
            b"nix32" | b"base32" => Ok(HashFormat::Nix32),
            b"base64" => Ok(HashFormat::Base64),
            b"sri" => Ok(HashFormat::Sri),
            other => Err(eval_err!(
                "unknown hash format '{}', expect 'base16', 'base32', 'base64', or 'sri'",
                String::from_utf8_lossy(other)
            )),
        }
    }
}

/// The alphabet of Nix's base32 (shared with the store module).
pub(crate) use crate::store::NIX32 as NIX32_CHARS;

/// Length of the nix32 text for `size` bytes.
pub(crate) fn nix32_len(size: usize) -> usize {
    (size * 8).div_ceil(5)
}

/// Nix's base32 (see [`crate::store::nix32_encode`]).
pub(crate) fn nix32_encode(hash: &[u8]) -> String {
    crate::store::nix32_encode(hash)
}

/// Decodes nix32 text of exactly `nix32_len(size)` characters; `None` if invalid.
pub(crate) fn nix32_decode(s: &[u8], size: usize) -> Option<Vec<u8>> {
    std::str::from_utf8(s)
        .ok()
        .and_then(|s| crate::store::nix32_decode(s, size))
}

fn base16_encode(hash: &[u8]) -> String {
    data_encoding::HEXLOWER.encode(hash)
}

fn base16_decode(s: &[u8]) -> Option<Vec<u8>> {
    if s.len() & 1 != 0 {
        return None;
    }
    let digit = |c: u8| -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    };
    s.chunks(2)
        .map(|p| Some(digit(p[0])? << 4 | digit(p[1])?))
        .collect()
}

/// Base64 decoding as C++ Nix does it: stops at `=`, skips newlines.
fn base64_decode(s: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut bits, mut nbits) = (0u32, 0u32);
    for &c in s {
        let d = match c {
            b'=' => break,
            b'\n' => continue,
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(d);
        nbits += 6;
        if nbits >= 8 {
            nbits -= 8;
            out.push((bits >> nbits) as u8);
            bits &= (1 << nbits) - 1;
        }
    }
    Some(out)
}

/// Writes `hash` in `format` (SRI includes the algorithm prefix).
pub(crate) fn format_hash(algo: HashAlgo, hash: &[u8], format: HashFormat) -> String {
    match format {
        HashFormat::Base16 => base16_encode(hash),
        HashFormat::Nix32 => nix32_encode(hash),
        HashFormat::Base64 => data_encoding::BASE64.encode(hash),
        HashFormat::Sri => format!("{}-{}", algo.name(), data_encoding::BASE64.encode(hash)),
    }
}

/// C++ Nix's `Hash::parseAny`: `algo:rest`, SRI `algo-base64`, or a bare
/// hash whose algorithm comes from `algo`; the encoding is told by the length.
pub(crate) fn parse_any_hash(
    original: &[u8],
    algo: Option<HashAlgo>,
) -> Result<(HashAlgo, Vec<u8>), ErrorKind> {
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let mut rest = original;
    let mut is_sri = false;
    let mut parsed = None;
    if let Some(p) = original.iter().position(|&c| c == b':') {
        parsed = Some(HashAlgo::parse(&original[..p])?);
        rest = &original[p + 1..];
    } else if let Some(p) = original.iter().position(|&c| c == b'-') {
        parsed = Some(HashAlgo::parse(&original[..p])?);
        rest = &original[p + 1..];
        is_sri = true;
    }
    let algo = match (parsed, algo) {
        (None, None) => {
            return Err(eval_err!(
                "hash '{}' does not include a type, nor is the type otherwise known from context",
                text(rest)
            ))
        }
        (Some(p), Some(a)) if p != a => {
            return Err(eval_err!(
                "hash '{}' should have type '{}'",
                text(original),
                a.name()
            ))
        }
        (Some(a), _) | (None, Some(a)) => a,
    };
    let size = algo.size();
    let bytes = if !is_sri && rest.len() == algo.base16_len() {
        base16_decode(rest).ok_or_else(|| eval_err!("invalid base-16 hash '{}'", text(rest)))?
    } else if !is_sri && rest.len() == nix32_len(size) {
        nix32_decode(rest, size)
            .ok_or_else(|| eval_err!("invalid base-32 hash '{}'", text(rest)))?
    } else if is_sri || rest.len() == algo.base64_len() {
        let kind = if is_sri { "SRI" } else { "base-64" };
        match base64_decode(rest) {
            Some(d) if d.len() == size => d,
            Some(_) => return Err(eval_err!("invalid {kind} hash '{}'", text(rest))),
            None => {
                return Err(eval_err!(
                    "invalid character in Base64 string in hash '{}'",
                    text(rest)
                ))
            }
        }
    } else {
        return Err(eval_err!(
            "hash '{}' has wrong length for hash algorithm '{}'",
            text(rest),
            algo.name()
        ));
    };
    Ok((algo, bytes))
}

fn hash_string(_: &mut Vm, args: Vec<Value>) -> Result<Value, ErrorKind> {
    let algo = HashAlgo::parse(to_str_no_ctx(&args[0])?.as_bytes())?;
    let s = to_str(&args[1])?;
    Ok(Value::string(base16_encode(&algo.digest(s.as_bytes()))))
}

fn hash_file(args: Vec<Value>, shared: Rc<Shared>) -> Box<Gen> {
    make_gen(move |co| async move {
        let algo = HashAlgo::parse(to_str_no_ctx(&args[0])?.as_bytes())?;
        let path = coerce_to_path(&co, &shared, args[1].clone()).await?;
        let data = read_file_contents(&shared, &path)?;
        Ok(Value::string(base16_encode(&algo.digest(&data))))
    })
}

fn convert_hash(args: Vec<Value>, shared: Rc<Shared>) -> Box<Gen> {
    make_gen(move |co| async move {
        let attrs = to_attrs(&args[0])?;
        let get = |name: &str| attrs.get(Symbol::from_str(name)).cloned();
        let Some(hash) = get("hash") else {
            return Err(eval_err!("attribute 'hash' missing"));
        };
        let hash = to_str_no_ctx(&co.force(hash).await)?;
        let algo = match get("hashAlgo") {
            Some(a) => Some(HashAlgo::parse(
                to_str_no_ctx(&co.force(a).await)?.as_bytes(),
            )?),
            None => None,
        };
        let Some(format) = get("toHashFormat") else {
            return Err(eval_err!("attribute 'toHashFormat' missing"));
        };
        let format_name = to_str_no_ctx(&co.force(format).await)?;
        let format = HashFormat::parse(format_name.as_bytes())?;
        if format_name.as_bytes() == b"base32" {
            // Current Nix's wording (a plain warning, not an evaluation warning).
            shared.trace(r#"warning: "base32" is a deprecated alias for hash format "nix32"."#);
        }
        let (algo, bytes) = parse_any_hash(hash.as_bytes(), algo)?;
        Ok(Value::string(format_hash(algo, &bytes, format)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        base16_decode(s.as_bytes()).expect("valid hex in test")
    }

    // Reference values from `nix-hash --type ALGO --to-base32 HEX`.
    const CASES: &[(HashAlgo, &str, &str)] = &[
        (
            HashAlgo::Sha256,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73",
        ),
        (HashAlgo::Sha1, "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d", "9m1skbnr5i43n3yypvda5s65vhfwdx5a"),
        (HashAlgo::Md5, "5d41402abc4b2a76b9719d911017c592", "4jqlbi14cxf6wpcajbphm40hax"),
        (
            HashAlgo::Sha512,
            "9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043",
            "11w1pmwfdpz9pisbhp5qiv38q6dmidq2ipcqykw3p0sb6yrqcij79rwcwcjbxyzwbdal349qbxrncbk7pmd6snljrfpiwv2pljd4wcv",
        ),
        (
            HashAlgo::Sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            "1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s",
        ),
    ];

    #[test]
    fn nix32_matches_nix_hash() {
        for (algo, h, n32) in CASES {
            let bytes = hex(h);
            assert_eq!(nix32_encode(&bytes), *n32);
            assert_eq!(
                nix32_decode(n32.as_bytes(), algo.size()).as_deref(),
                Some(&bytes[..])
            );
        }
    }

    #[test]
    fn nix32_rejects_bad_input() {
        assert_eq!(
            nix32_decode(b"0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c7e", 32),
            None
        );
        assert_eq!(nix32_decode(b"0mdq", 32), None);
        // The top bits of the first character must fit in the hash.
        assert_eq!(
            nix32_decode(b"zmdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73", 32),
            None
        );
    }

    #[test]
    fn parse_any_accepts_every_format() {
        let want = hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        for text in [
            "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
            "sha256:0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73",
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "sha256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
        ] {
            let (algo, bytes) = parse_any_hash(text.as_bytes(), None).expect("parses");
            assert_eq!(algo, HashAlgo::Sha256);
            assert_eq!(bytes, want);
        }
        let (_, bytes) = parse_any_hash(
            b"0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73",
            Some(HashAlgo::Sha256),
        )
        .expect("parses with algo");
        assert_eq!(bytes, want);
        assert!(parse_any_hash(
            b"0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73",
            None
        )
        .is_err());
        assert!(parse_any_hash(
            b"sha1:0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73",
            None
        )
        .is_err());
        assert!(parse_any_hash(b"sha256:abc", Some(HashAlgo::Sha1)).is_err());
        assert_eq!(
            format_hash(HashAlgo::Sha256, &want, HashFormat::Sri),
            "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
        );
    }
}
