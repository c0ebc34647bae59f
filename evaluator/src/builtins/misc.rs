//! Small pure builtins without a better home: `placeholder`, the string
//! context builtins (`getContext`, `appendContext`, …), flake references
//! (`parseFlakeRef`, `flakeRefToString`).

use std::collections::BTreeMap;
use std::rc::Rc;

use super::hash::NIX32_CHARS;
use super::versions::to_str_no_ctx;
use super::{make_attrs, to_attrs, to_bool, to_list, to_str, BuiltinDef, BuiltinImpl::*, ALL};
use crate::errors::ErrorKind;
use crate::eval_err;
use crate::value::{ContextElement, NixContext, NixString, Symbol, Value};
use crate::vm::generators::{coerce_to_string, make_gen, Coercion, Gen};
use crate::vm::Vm;
use crate::Shared;

pub(super) static BUILTINS: &[BuiltinDef] = &[
    BuiltinDef {
        name: "placeholder",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Sync(placeholder),
    },
    BuiltinDef {
        name: "hasContext",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Sync(has_context),
    },
    BuiltinDef {
        name: "getContext",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Sync(get_context),
    },
    BuiltinDef {
        name: "appendContext",
        arity: 2,
        strict: ALL,
        first_arg: Some("a string"),
        imp: Async(append_context),
    },
    BuiltinDef {
        name: "unsafeDiscardStringContext",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Async(discard_context),
    },
    BuiltinDef {
        name: "unsafeDiscardOutputDependency",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Async(discard_output_dependency),
    },
    BuiltinDef {
        name: "addDrvOutputDependencies",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Async(add_drv_output_dependencies),
    },
    BuiltinDef {
        name: "parseFlakeRef",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Sync(parse_flake_ref),
    },
    BuiltinDef {
        name: "flakeRefToString",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Async(flake_ref_to_string),
    },
];

/// `/` + nix32(sha256("nix-output:" + name)): stands for an output path
/// that is not known yet.
pub(crate) fn hash_placeholder(output: &[u8]) -> String {
    crate::store::placeholder(output)
}

fn placeholder(_: &mut Vm, args: Vec<Value>) -> Result<Value, ErrorKind> {
    let name = to_str_no_ctx(&args[0])?;
    Ok(Value::string(hash_placeholder(name.as_bytes())))
}

fn has_context(_: &mut Vm, args: Vec<Value>) -> Result<Value, ErrorKind> {
    Ok(Value::Bool(to_str(&args[0])?.has_context()))
}

fn get_context(_: &mut Vm, args: Vec<Value>) -> Result<Value, ErrorKind> {
    let s = to_str(&args[0])?;
    #[derive(Default)]
    struct Info {
        path: bool,
        all_outputs: bool,
        outputs: Vec<String>,
    }
    let mut infos: BTreeMap<String, Info> = BTreeMap::new();
    for elem in s.context().into_iter().flatten() {
        match elem {
            ContextElement::Plain(p) => infos.entry(p.clone()).or_default().path = true,
            ContextElement::Derivation(d) => infos.entry(d.clone()).or_default().all_outputs = true,
            ContextElement::Single { name, drv } => infos
                .entry(drv.clone())
                .or_default()
                .outputs
                .push(name.clone()),
        }
    }
    let entries = infos
        .into_iter()
        .map(|(path, mut info)| {
            let mut attrs = Vec::new();
            if info.path {
                attrs.push((Symbol::from_str("path"), Value::Bool(true)));
            }
            if info.all_outputs {
                attrs.push((Symbol::from_str("allOutputs"), Value::Bool(true)));
            }
            if !info.outputs.is_empty() {
                info.outputs.sort();
                let outs = info.outputs.into_iter().map(Value::string).collect();
                attrs.push((Symbol::from_str("outputs"), Value::list(outs)));
            }
            (Symbol::from_str(&path), make_attrs(attrs))
        })
        .collect();
    Ok(make_attrs(entries))
}

/// Whether `path` is a store path: `<storeDir>/<32 nix32 chars>-<name>`.
pub(crate) fn is_store_path(store_dir: &str, path: &str) -> bool {
    let Some(base) = path
        .strip_prefix(store_dir)
        .and_then(|r| r.strip_prefix('/'))
    else {
        return false;
    };
    let bytes = base.as_bytes();
    if bytes.len() < 34 || bytes[32] != b'-' {
        return false;
    }
    if !bytes[..32].iter().all(|c| NIX32_CHARS.contains(c)) {
        return false;
    }
    crate::store::check_name(&base[33..]).is_ok()
}

fn append_context(args: Vec<Value>, shared: Rc<Shared>) -> Box<Gen> {
    make_gen(move |co| async move {
        let s = to_str(&args[0])?;
        let attrs = to_attrs(&args[1])?;
        let mut ctx: NixContext = s.context().cloned().unwrap_or_default();
        let (path_sym, all_sym, outputs_sym) = (
            Symbol::from_str("path"),
            Symbol::from_str("allOutputs"),
            Symbol::from_str("outputs"),
        );
        for attr in attrs.iter() {
            let name = attr.name.to_str_lossy().into_owned();
            if !is_store_path(&shared.settings.store_dir, &name) {
                return Err(eval_err!("Context key '\"{name}\"' is not a store path"));
            }
            let is_drv = name.ends_with(".drv");
            let info = co.force(attr.value.clone()).await;
            let info = to_attrs(&info)?;
            if let Some(p) = info.get(path_sym).cloned() {
                if to_bool(&co.force(p).await)? {
                    ctx.insert(ContextElement::Plain(name.clone()));
                }
            }
            if let Some(a) = info.get(all_sym).cloned() {
                if to_bool(&co.force(a).await)? {
                    if !is_drv {
                        return Err(eval_err!(
                            "Tried to add all-outputs context of \"{name}\", which is not a derivation, to a string"
                        ));
                    }
                    ctx.insert(ContextElement::Derivation(name.clone()));
                }
            }
            if let Some(o) = info.get(outputs_sym).cloned() {
                let outs = to_list(&co.force(o).await)?;
                if !outs.is_empty() && !is_drv {
                    return Err(eval_err!(
                        "Tried to add derivation output context of \"{name}\", which is not a derivation, to a string"
                    ));
                }
                for out in outs.iter() {
                    let out = to_str_no_ctx(&co.force(out.clone()).await)?;
                    ctx.insert(ContextElement::Single {
                        name: out.to_str_lossy().into_owned(),
                        drv: name.clone(),
                    });
                }
            }
        }
        Ok(Value::String(NixString::with_context(s.as_bytes(), ctx)))
    })
}

fn discard_context(args: Vec<Value>, _: Rc<Shared>) -> Box<Gen> {
    make_gen(move |co| async move {
        let s = coerce_to_string(&co, args[0].clone(), Coercion::INTERPOLATION).await?;
        Ok(Value::String(s.without_context()))
    })
}

fn discard_output_dependency(args: Vec<Value>, _: Rc<Shared>) -> Box<Gen> {
    make_gen(move |co| async move {
        let s = coerce_to_string(&co, args[0].clone(), Coercion::INTERPOLATION).await?;
        let ctx: NixContext = s
            .context()
            .into_iter()
            .flatten()
            .map(|e| match e {
                ContextElement::Derivation(d) => ContextElement::Plain(d.clone()),
                other => other.clone(),
            })
            .collect();
        Ok(Value::String(NixString::with_context(s.as_bytes(), ctx)))
    })
}

fn add_drv_output_dependencies(args: Vec<Value>, _: Rc<Shared>) -> Box<Gen> {
    make_gen(move |co| async move {
        let s = coerce_to_string(&co, args[0].clone(), Coercion::INTERPOLATION).await?;
        let ctx: Vec<&ContextElement> = s.context().into_iter().flatten().collect();
        if ctx.len() != 1 {
            return Err(eval_err!(
                "context of string '{}' must have exactly one element, but has {}",
                s.to_str_lossy(),
                ctx.len()
            ));
        }
        let elem = match ctx[0] {
            ContextElement::Plain(p) if p.ends_with(".drv") => ContextElement::Derivation(p.clone()),
            ContextElement::Plain(p) => return Err(eval_err!("path '{p}' is not a derivation")),
            ContextElement::Single { name, .. } => {
                return Err(eval_err!(
                    "`addDrvOutputDependencies` can only act on derivations, not on a derivation output such as '{name}'"
                ))
            }
            d @ ContextElement::Derivation(_) => d.clone(),
        };
        Ok(Value::String(NixString::with_context(
            s.as_bytes(),
            NixContext::from([elem]),
        )))
    })
}

// ---- flake references (a basic subset of C++ Nix's `FlakeRef`) ----------

/// A parsed flake reference: its attributes in name order.
type FlakeAttrs = BTreeMap<String, FlakeAttr>;

#[derive(Clone, Debug, PartialEq)]
enum FlakeAttr {
    Str(String),
    Int(i64),
    Bool(bool),
}

fn is_rev(s: &str) -> bool {
    s.len() == 40 && s.bytes().all(|c| c.is_ascii_hexdigit())
}

fn is_flake_id(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = |c: u8| char::from(c).to_digit(16);
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn percent_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/:@!$'()*+,;".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Typed query parameters, as C++ Nix's input schemes read them.
fn query_attr(key: &str, value: String) -> Result<FlakeAttr, ErrorKind> {
    match key {
        "revCount" | "lastModified" => value
            .parse()
            .map(FlakeAttr::Int)
            .map_err(|_| eval_err!("invalid integer '{value}' for attribute '{key}'")),
        "shallow" | "submodules" | "allRefs" | "exportIgnore" | "lfs" | "unpack" => {
            match value.as_str() {
                "1" | "true" => Ok(FlakeAttr::Bool(true)),
                "0" | "false" => Ok(FlakeAttr::Bool(false)),
                _ => Err(eval_err!("invalid Boolean '{value}' for attribute '{key}'")),
            }
        }
        _ => Ok(FlakeAttr::Str(value)),
    }
}

fn parse_query(query: &str, attrs: &mut FlakeAttrs) -> Result<(), ErrorKind> {
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let k = percent_decode(k);
        let v = percent_decode(v);
        attrs.insert(k.clone(), query_attr(&k, v)?);
    }
    Ok(())
}

/// Parses the references C++ Nix's `parseFlakeRef` accepts in their basic forms.
fn parse_flake_ref_str(s: &str) -> Result<FlakeAttrs, ErrorKind> {
    let bad = || eval_err!("invalid flake reference '{s}'");
    let (main, query) = match s.split_once('?') {
        Some((m, q)) => (m, Some(q)),
        None => (s, None),
    };
    let (main, fragment) = match main.split_once('#') {
        Some((m, f)) => (m, Some(f)),
        None => (main, None),
    };
    if fragment.is_some() {
        return Err(eval_err!("unexpected fragment in flake reference '{s}'"));
    }
    let mut attrs = FlakeAttrs::new();
    let put = |attrs: &mut FlakeAttrs, k: &str, v: &str| {
        attrs.insert(k.to_string(), FlakeAttr::Str(v.to_string()))
    };
    if let Some((scheme, rest)) = main.split_once(':') {
        match scheme {
            "github" | "gitlab" | "sourcehut" => {
                let parts: Vec<&str> = rest.split('/').collect();
                if parts.len() < 2 || parts.len() > 3 || parts.iter().any(|p| p.is_empty()) {
                    return Err(bad());
                }
                put(&mut attrs, "type", scheme);
                put(&mut attrs, "owner", &percent_decode(parts[0]));
                put(&mut attrs, "repo", &percent_decode(parts[1]));
                if let Some(r) = parts.get(2) {
                    put(
                        &mut attrs,
                        if is_rev(r) { "rev" } else { "ref" },
                        &percent_decode(r),
                    );
                }
            }
            "path" => {
                if rest.is_empty() {
                    return Err(bad());
                }
                put(&mut attrs, "type", "path");
                put(&mut attrs, "path", &percent_decode(rest));
            }
            "flake" => {
                let parts: Vec<&str> = rest.split('/').collect();
                if !is_flake_id(parts[0]) || parts.len() > 3 {
                    return Err(bad());
                }
                put(&mut attrs, "type", "indirect");
                put(&mut attrs, "id", parts[0]);
                for p in &parts[1..] {
                    put(&mut attrs, if is_rev(p) { "rev" } else { "ref" }, p);
                }
            }
            _ => {
                let (kind, url) = if let Some(inner) = scheme.strip_prefix("git+") {
                    ("git", format!("{inner}:{rest}"))
                } else if let Some(inner) = scheme.strip_prefix("hg+") {
                    ("hg", format!("{inner}:{rest}"))
                } else if let Some(inner) = scheme.strip_prefix("tarball+") {
                    ("tarball", format!("{inner}:{rest}"))
                } else if let Some(inner) = scheme.strip_prefix("file+") {
                    ("file", format!("{inner}:{rest}"))
                } else if matches!(scheme, "http" | "https" | "file") {
                    let archive = [
                        ".zip", ".tar", ".tgz", ".tar.gz", ".tar.xz", ".tar.bz2", ".tar.zst",
                    ];
                    if archive.iter().any(|ext| rest.ends_with(ext)) {
                        ("tarball", main.to_string())
                    } else {
                        return Err(eval_err!("unsupported flake reference '{s}'"));
                    }
                } else {
                    return Err(eval_err!("unsupported flake reference '{s}'"));
                };
                put(&mut attrs, "type", kind);
                put(&mut attrs, "url", &url);
            }
        }
    } else if main.starts_with('/') {
        put(&mut attrs, "type", "path");
        put(&mut attrs, "path", main);
    } else {
        let parts: Vec<&str> = main.split('/').collect();
        if !is_flake_id(parts[0]) || parts.len() > 3 {
            return Err(bad());
        }
        put(&mut attrs, "type", "indirect");
        put(&mut attrs, "id", parts[0]);
        for p in &parts[1..] {
            put(&mut attrs, if is_rev(p) { "rev" } else { "ref" }, p);
        }
    }
    if let Some(q) = query {
        parse_query(q, &mut attrs)?;
    }
    Ok(attrs)
}

fn flake_attrs_value(attrs: FlakeAttrs) -> Value {
    make_attrs(
        attrs
            .into_iter()
            .map(|(k, v)| {
                let v = match v {
                    FlakeAttr::Str(s) => Value::string(s),
                    FlakeAttr::Int(i) => Value::Int(i),
                    FlakeAttr::Bool(b) => Value::Bool(b),
                };
                (Symbol::from_str(&k), v)
            })
            .collect(),
    )
}

fn parse_flake_ref(_: &mut Vm, args: Vec<Value>) -> Result<Value, ErrorKind> {
    let s = to_str_no_ctx(&args[0])?;
    Ok(flake_attrs_value(parse_flake_ref_str(&s.to_str_lossy())?))
}

/// Renders flake reference attributes the way C++ Nix's `FlakeRef::to_string` does.
fn flake_ref_string(mut attrs: FlakeAttrs) -> Result<String, ErrorKind> {
    let mut take = |k: &str| match attrs.remove(k) {
        Some(FlakeAttr::Str(s)) => Ok(Some(s)),
        Some(_) => Err(eval_err!(
            "flake reference attribute '{k}' must be a string"
        )),
        None => Ok(None),
    };
    let Some(kind) = take("type")? else {
        return Err(eval_err!(
            "flake reference attributes must have a 'type' attribute"
        ));
    };
    let missing =
        |k: &str| eval_err!("attribute '{k}' is missing in flake reference of type '{kind}'");
    let mut out = match kind.as_str() {
        "github" | "gitlab" | "sourcehut" => {
            let owner = take("owner")?.ok_or_else(|| missing("owner"))?;
            let repo = take("repo")?.ok_or_else(|| missing("repo"))?;
            let rev = take("rev")?;
            let r#ref = take("ref")?;
            let mut s = format!(
                "{kind}:{}/{}",
                percent_encode(&owner),
                percent_encode(&repo)
            );
            if let Some(r) = rev.or(r#ref) {
                s.push('/');
                s.push_str(&percent_encode(&r));
            }
            s
        }
        "path" => format!(
            "path:{}",
            percent_encode(&take("path")?.ok_or_else(|| missing("path"))?)
        ),
        "indirect" => {
            let id = take("id")?.ok_or_else(|| missing("id"))?;
            let mut s = format!("flake:{id}");
            for k in ["ref", "rev"] {
                if let Some(v) = take(k)? {
                    s.push('/');
                    s.push_str(&v);
                }
            }
            s
        }
        "git" | "hg" | "tarball" | "file" => {
            let url = take("url")?.ok_or_else(|| missing("url"))?;
            if kind == "tarball" && (url.starts_with("http:") || url.starts_with("https:")) {
                url
            } else {
                format!("{kind}+{url}")
            }
        }
        other => {
            return Err(eval_err!(
                "unsupported input type '{other}' in flake reference"
            ))
        }
    };
    let query: Vec<String> = attrs
        .into_iter()
        .map(|(k, v)| {
            let v = match v {
                FlakeAttr::Str(s) => percent_encode(&s),
                FlakeAttr::Int(i) => i.to_string(),
                FlakeAttr::Bool(b) => if b { "1" } else { "0" }.to_string(),
            };
            format!("{}={v}", percent_encode(&k))
        })
        .collect();
    if !query.is_empty() {
        out.push('?');
        out.push_str(&query.join("&"));
    }
    Ok(out)
}

fn flake_ref_to_string(args: Vec<Value>, _: Rc<Shared>) -> Box<Gen> {
    make_gen(move |co| async move {
        let attrs = to_attrs(&args[0])?;
        let mut fa = FlakeAttrs::new();
        for attr in attrs.iter() {
            let v = co.force(attr.value.clone()).await;
            let v = match &v {
                Value::String(s) => FlakeAttr::Str(s.to_str_lossy().into_owned()),
                Value::Int(i) if *i < 0 => {
                    return Err(eval_err!(
                        "negative value given for flake ref attr {}: {i}",
                        attr.name
                    ))
                }
                Value::Int(i) => FlakeAttr::Int(*i),
                Value::Bool(b) => FlakeAttr::Bool(*b),
                other => {
                    return Err(eval_err!(
                        "flake reference attribute sets may only contain integers, Booleans, and strings, but attribute '{}' is {}",
                        attr.name,
                        other.type_description()
                    ))
                }
            };
            fa.insert(attr.name.to_str_lossy().into_owned(), v);
        }
        Ok(Value::string(flake_ref_string(fa)?))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_match_cpp_nix() {
        assert_eq!(
            hash_placeholder(b"out"),
            "/1rz4g4znpzjwh1xymhjpm42vipw92pr73vdgl6xs1hycac8kf2n9"
        );
        assert_eq!(
            hash_placeholder(b"dev"),
            "/02qcpld1y6xhs5gz9bchpxaw0xdhmsp5dv88lh25r2ss44kh8dxz"
        );
    }

    #[test]
    fn store_paths_are_recognised() {
        assert!(is_store_path(
            "/nix/store",
            "/nix/store/00000000000000000000000000000000-a"
        ));
        assert!(is_store_path(
            "/nix/store",
            "/nix/store/x0sj6ynccvc1a8kxr8fifnlf7qlxw6hd-hello.drv"
        ));
        assert!(!is_store_path("/nix/store", "/nix/store/aaa"));
        assert!(!is_store_path(
            "/nix/store",
            "/nix/store/e0000000000000000000000000000000-a"
        ));
        assert!(!is_store_path(
            "/nix/store",
            "/nix/store/00000000000000000000000000000000-a/b"
        ));
        assert!(!is_store_path(
            "/nix/store",
            "/tmp/00000000000000000000000000000000-a"
        ));
    }

    #[test]
    fn flake_refs_round_trip() {
        for s in [
            "github:NixOS/nixpkgs/23.05?dir=lib",
            "github:NixOS/nixpkgs",
            "path:/foo/bar",
            "git+https://example.org/repo?ref=main",
            "flake:nixpkgs",
            "https://example.org/x.tar.gz",
        ] {
            let attrs = parse_flake_ref_str(s).expect("parses");
            assert_eq!(flake_ref_string(attrs).expect("renders"), s);
        }
        let a =
            parse_flake_ref_str("github:NixOS/nixpkgs/0123456789abcdef0123456789abcdef01234567")
                .expect("parses");
        assert_eq!(
            a.get("rev"),
            Some(&FlakeAttr::Str(
                "0123456789abcdef0123456789abcdef01234567".into()
            ))
        );
        assert!(parse_flake_ref_str("github:foo").is_err());
    }
}
