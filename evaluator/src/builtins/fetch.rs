//! The fetchers (`fetchurl`, `fetchTarball`, `fetchGit`, `fetchTree`,
//! `fetchMercurial`, `fetchClosure`, `getFlake`). This evaluator has no
//! network access and no store to fetch into, so each one checks its
//! argument exactly as current Nix does (so a mistake is reported as Nix
//! reports it) and then fails with a clear error instead of fetching.

use std::rc::Rc;

use super::hash::{parse_any_hash, HashAlgo};
use super::versions::to_str_no_ctx;
use super::{to_attrs, BuiltinDef, BuiltinImpl::*, ALL};
use crate::errors::ErrorKind;
use crate::eval_err;
use crate::store::{first_illegal_name_char, MAX_NAME_LEN};
use crate::value::{well_known, Value};
use crate::vm::generators::{coerce_to_string, make_gen, Co, Coercion};
use crate::Shared;

pub(super) static BUILTINS: &[BuiltinDef] = &[
    BuiltinDef {
        name: "fetchurl",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Async(|args, shared| make_gen(move |co| fetch(co, args, shared, Fetcher::Url))),
    },
    BuiltinDef {
        name: "fetchTarball",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Async(|args, shared| make_gen(move |co| fetch(co, args, shared, Fetcher::Tarball))),
    },
    BuiltinDef {
        name: "fetchGit",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Async(|args, shared| make_gen(move |co| fetch_tree(co, args, shared, true))),
    },
    BuiltinDef {
        name: "fetchTree",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Async(|args, shared| make_gen(move |co| fetch_tree(co, args, shared, false))),
    },
    BuiltinDef {
        name: "fetchMercurial",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Sync(|_, _| Err(no_network("fetchMercurial"))),
    },
    BuiltinDef {
        name: "fetchClosure",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Sync(|_, _| Err(no_network("fetchClosure"))),
    },
    BuiltinDef {
        name: "getFlake",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Sync(|_, _| Err(no_network("getFlake"))),
    },
];

/// Builtins that exist only with an experimental feature enabled, as in
/// current Nix (which leaves them out of `builtins` otherwise).
pub(super) const EXPERIMENTAL: &[(&str, &str)] = &[
    ("fetchTree", "fetch-tree"),
    ("fetchClosure", "fetch-closure"),
    ("getFlake", "flakes"),
    ("parseFlakeRef", "flakes"),
    ("flakeRefToString", "flakes"),
];

fn no_network(name: &str) -> ErrorKind {
    eval_err!("builtins.{name} is not supported: network access is unavailable in this evaluator")
}

#[derive(Clone, Copy)]
enum Fetcher {
    Url,
    Tarball,
}

impl Fetcher {
    fn name(self) -> &'static str {
        match self {
            Fetcher::Url => "fetchurl",
            Fetcher::Tarball => "fetchTarball",
        }
    }
}

/// Why `name` cannot name a store path, in current Nix's words (its
/// `checkName`), or `None` if it can.
fn store_name_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("name must not be empty".into());
    }
    if name.len() > MAX_NAME_LEN {
        return Some(format!(
            "name '{name}' must be no longer than {MAX_NAME_LEN} characters"
        ));
    }
    let bytes = name.as_bytes();
    if bytes[0] == b'.' {
        let component = |c: &str| {
            Some(format!(
                "name '{name}' is not valid: first dash-separated component must not be '{c}'"
            ))
        };
        match bytes.get(1) {
            None => return Some(format!("name '{name}' is not valid")),
            Some(b'-') => return component("."),
            Some(b'.') => match bytes.get(2) {
                None => return Some(format!("name '{name}' is not valid")),
                Some(b'-') => return component(".."),
                _ => {}
            },
            _ => {}
        }
    }
    first_illegal_name_char(name).map(|c| format!("name '{name}' contains illegal character '{c}'"))
}

/// The last component of a URL or path, ignoring one trailing slash (C++
/// Nix's `baseNameOf`).
fn base_name(url: &str) -> &str {
    let trimmed = match url.strip_suffix('/') {
        Some(t) if !t.is_empty() => t,
        _ => url,
    };
    trimmed.rsplit('/').next().unwrap_or(trimmed)
}

/// `fetchurl` and `fetchTarball`: a URL string or `{ url; sha256?; name?; }`.
async fn fetch(
    co: Co,
    args: Vec<Value>,
    shared: Rc<Shared>,
    fetcher: Fetcher,
) -> Result<Value, ErrorKind> {
    let who = fetcher.name();
    let mut url = None;
    let mut sha256 = None;
    let mut name = match fetcher {
        Fetcher::Url => String::new(),
        Fetcher::Tarball => "source".to_string(),
    };
    let mut name_passed = false;
    let is_attrs = matches!(args[0], Value::Attrs(_));
    if is_attrs {
        for attr in to_attrs(&args[0])?.iter() {
            let text = attr.name.to_str_lossy();
            match &*text {
                "url" => {
                    let v = co.force(attr.value.clone()).await;
                    url = Some(to_str_no_ctx(&v)?.to_str_lossy().into_owned());
                }
                "sha256" => {
                    let v = co.force(attr.value.clone()).await;
                    let s = to_str_no_ctx(&v)?;
                    // An empty hash stands for "not known yet" (Nix then
                    // reports the real one after fetching).
                    if !s.as_bytes().is_empty() {
                        parse_any_hash(s.as_bytes(), Some(HashAlgo::Sha256))?;
                    }
                    sha256 = Some(());
                }
                "name" => {
                    let v = co.force(attr.value.clone()).await;
                    name = to_str_no_ctx(&v)?.to_str_lossy().into_owned();
                    name_passed = true;
                }
                other => {
                    return Err(eval_err!("unsupported argument '{other}' to '{who}'"));
                }
            }
        }
    } else {
        url = Some(to_str_no_ctx(&args[0])?.to_str_lossy().into_owned());
    }
    let Some(url) = url else {
        return Err(eval_err!("'url' argument required"));
    };
    if name.is_empty() {
        name = base_name(&url).to_string();
    }
    if let Some(problem) = store_name_problem(&name) {
        let resolution = if name_passed {
            format!("Please change the value for the 'name' attribute passed to '{who}', so that it can create a valid store path.")
        } else if is_attrs {
            format!("Please add a valid 'name' attribute to the argument for '{who}', so that it can create a valid store path.")
        } else {
            // Two spaces after the comma: current Nix's wording, kept exactly.
            format!("Please pass an attribute set with 'url' and 'name' attributes to '{who}',  so that it can create a valid store path.")
        };
        return Err(eval_err!(
            "invalid store path name when fetching URL '{url}': {problem}. {resolution}"
        ));
    }
    if shared.settings.pure && sha256.is_none() {
        return Err(eval_err!(
            "in pure evaluation mode, '{who}' requires a 'sha256' argument"
        ));
    }
    Err(no_network(who))
}

/// `fetchTree` and `fetchGit`: an attribute set of input attributes or a
/// URL string.
async fn fetch_tree(
    co: Co,
    args: Vec<Value>,
    shared: Rc<Shared>,
    is_fetch_git: bool,
) -> Result<Value, ErrorKind> {
    let fetcher = if is_fetch_git {
        "fetchGit"
    } else {
        "fetchTree"
    };
    if let Value::Attrs(attrs) = &args[0] {
        let (type_sym, name_sym) = well_known(|w| (w.type_, w.name));
        match attrs.get(type_sym) {
            Some(_) if is_fetch_git => return Err(eval_err!("unexpected argument 'type'")),
            Some(v) => {
                let v = co.force(v.clone()).await;
                to_str_no_ctx(&v)?;
            }
            None if !is_fetch_git => {
                return Err(eval_err!(
                    "argument 'type' is missing in call to '{fetcher}'"
                ))
            }
            None => {}
        }
        for attr in attrs.iter() {
            if attr.name == type_sym {
                continue;
            }
            let v = co.force(attr.value.clone()).await;
            let name = attr.name.to_str_lossy();
            match &v {
                Value::String(_) | Value::Path(_) | Value::Bool(_) => {}
                Value::Int(i) if *i < 0 => {
                    return Err(eval_err!(
                        "negative value given for '{fetcher}' argument '{name}': {i}"
                    ))
                }
                Value::Int(_) => {}
                _ if &*name == "publicKeys" => {
                    if !shared.settings.feature_enabled("verified-fetches") {
                        return Err(eval_err!("experimental Nix feature 'verified-fetches' is disabled; add '--extra-experimental-features verified-fetches' to enable it"));
                    }
                }
                other => {
                    return Err(eval_err!(
                        "argument '{name}' to '{fetcher}' is {} while a string, Boolean or integer is expected",
                        other.type_description()
                    ))
                }
            }
        }
        if !is_fetch_git && attrs.contains(name_sym) {
            return Err(eval_err!(
                "argument 'name' isn’t supported in call to '{fetcher}'"
            ));
        }
    } else {
        let url = coerce_to_string(&co, args[0].clone(), Coercion::PATH_APPEND).await?;
        let url = url.to_str_lossy().into_owned();
        if !is_fetch_git {
            if !shared.settings.feature_enabled("flakes") {
                return Err(eval_err!(
                    "passing a string argument to '{fetcher}' requires the 'flakes' experimental feature"
                ));
            }
            check_local_url(&url)?;
        }
    }
    Err(no_network(fetcher))
}

/// The check current Nix makes before fetching a `file:` tarball URL: the
/// path must be absolute.
fn check_local_url(url: &str) -> Result<(), ErrorKind> {
    let Some(rest) = url
        .strip_prefix("file:")
        .or_else(|| url.strip_prefix("tarball+file:"))
    else {
        return Ok(());
    };
    let path = rest.strip_prefix("//").map_or(rest, |r| {
        // `file://HOST/path`: only the path part matters here.
        r.find('/').map_or("", |i| &r[i..])
    });
    let path = path.split(['?', '#']).next().unwrap_or(path);
    if !path.starts_with('/') {
        return Err(eval_err!(
            "tarball '{url}' must use an absolute path. The 'file' scheme does not support relative paths."
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_names_are_checked_as_current_nix_does() {
        assert_eq!(store_name_problem("foo-1.0"), None);
        assert_eq!(
            store_name_problem("~w~").as_deref(),
            Some("name '~w~' contains illegal character '~'")
        );
        assert_eq!(
            store_name_problem("").as_deref(),
            Some("name must not be empty")
        );
        assert_eq!(
            store_name_problem(".").as_deref(),
            Some("name '.' is not valid")
        );
        assert_eq!(
            store_name_problem("..-x").as_deref(),
            Some("name '..-x' is not valid: first dash-separated component must not be '..'")
        );
        assert_eq!(store_name_problem(".hidden"), None);
        assert!(store_name_problem(&"a".repeat(212)).is_some());
        assert_eq!(store_name_problem(&"a".repeat(211)), None);
    }

    #[test]
    fn base_names_of_urls() {
        assert_eq!(base_name("https://example.com/~wiggle~"), "~wiggle~");
        assert_eq!(base_name("https://example.com/dir/"), "dir");
        assert_eq!(base_name("x.tar.gz"), "x.tar.gz");
    }

    #[test]
    fn local_urls_must_be_absolute() {
        assert!(check_local_url("file:./x.tar.gz").is_err());
        assert!(check_local_url("file:///tmp/x.tar.gz").is_ok());
        assert!(check_local_url("https://example.com/x").is_ok());
    }
}
