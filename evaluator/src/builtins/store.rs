//! Store builtins computed without a store: paths copied "to the store"
//! (`"${./file}"`, `builtins.path`, `filterSource`), `toFile`, `storePath`,
//! and `derivationStrict` with C++ Nix's exact `.drv` and output paths.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use super::io::coerce_to_path;
use super::json::{escape_json_string, value_to_json};
use super::{
    make_attrs, required_attr, to_attrs, to_bool, to_list, to_str, BuiltinDef, BuiltinImpl::*, ALL,
};
use crate::errors::ErrorKind;
use crate::eval_err;
use crate::store::derivation::{make_output_path, Derivation, Output};
use crate::store::nar::{nar_hash, read_tree, Node};
use crate::store::{self, HashAlgo};
use crate::value::{ContextElement, NixContext, NixString, Symbol, Value};
use crate::vm::generators::{coerce_to_string, make_gen, Co, Coercion, Gen};
use crate::Shared;

pub(super) static BUILTINS: &[BuiltinDef] = &[
    BuiltinDef {
        name: "toFile",
        arity: 2,
        strict: ALL,
        first_arg: Some("a string without context"),
        imp: Async(to_file),
    },
    BuiltinDef {
        name: "path",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Async(path),
    },
    BuiltinDef {
        name: "filterSource",
        arity: 2,
        // The path is coerced before the filter is even forced, as in C++ Nix.
        strict: 0b10,
        first_arg: None,
        imp: Async(filter_source),
    },
    BuiltinDef {
        name: "storePath",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Async(store_path),
    },
    BuiltinDef {
        name: "derivationStrict",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Async(derivation_strict),
    },
];

/// `derivation`, written in Nix on top of `derivationStrict`: one attribute
/// set per output, each with `outPath`, `drvPath`, `outputName`, `type`,
/// and the shared `all` and `drvAttrs`.
pub const DERIVATION_NIX: &str = r#"
attrs:
let
  strict = builtins.derivationStrict attrs;
  outputNames = attrs.outputs or [ "out" ];
  forOutput = outputName: {
    name = outputName;
    value = shared // {
      outPath = builtins.getAttr outputName strict;
      drvPath = strict.drvPath;
      type = "derivation";
      inherit outputName;
    };
  };
  perOutput = map forOutput outputNames;
  shared = attrs // builtins.listToAttrs perOutput // {
    all = map (o: o.value) perOutput;
    drvAttrs = attrs;
  };
in (builtins.head perOutput).value
"#;

fn plain_context(path: &str) -> NixContext {
    NixContext::from([ContextElement::Plain(path.to_string())])
}

fn base_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Writes a store object if the embedder enabled store writes; it is then
/// valid, so the same evaluation can import it or read it back (as in
/// `nix-instantiate --read-write-mode`).
fn materialise(shared: &Shared, store_path: &str, node: &Node) -> Result<(), ErrorKind> {
    if !shared.settings.write_store {
        return Ok(());
    }
    crate::store::write::write_node(Path::new(store_path), node)
        .map_err(|e| ErrorKind::Io(format!("writing '{store_path}' to the store: {e}")))?;
    shared.realised.borrow_mut().insert(store_path.to_string());
    Ok(())
}

/// The store path `path` would be copied to (recursive, SHA-256), cached per evaluation.
pub fn path_to_store(shared: &Rc<Shared>, path: &Path) -> Result<NixString, ErrorKind> {
    if let Some(p) = shared.store_paths.borrow().get(path) {
        return Ok(NixString::with_context(p.as_bytes(), plain_context(p)));
    }
    let checked = shared.check_path(path)?;
    let name = base_name(path);
    store::check_name(&name).map_err(ErrorKind::Eval)?;
    let tree = read_tree(shared.io.as_ref(), &checked).map_err(ErrorKind::Io)?;
    let p = store::make_source_path(&shared.settings.store_dir, &name, &nar_hash(&tree));
    materialise(shared, &p, &tree)?;
    shared
        .store_paths
        .borrow_mut()
        .insert(path.to_path_buf(), p.clone());
    Ok(NixString::with_context(p.as_bytes(), plain_context(&p)))
}

fn to_file(args: Vec<Value>, shared: Rc<Shared>) -> Box<Gen> {
    make_gen(move |_co| async move {
        let name = to_str(&args[0])?.to_str_lossy().into_owned();
        let contents = to_str(&args[1])?;
        let mut refs = Vec::new();
        for c in contents.context().into_iter().flatten() {
            match c {
                ContextElement::Plain(p) => refs.push(p.clone()),
                other => {
                    return Err(eval_err!(
                        "in 'toFile': the file named '{name}' must not contain a reference to a derivation but contains ({})",
                        other.raw()
                    ))
                }
            }
        }
        let p = store::make_text_path(
            &shared.settings.store_dir,
            &name,
            &store::sha256(contents.as_bytes()),
            &refs,
        );
        // C++ Nix checks the name when it parses the finished path.
        store::check_path_name(&shared.settings.store_dir, &p).map_err(ErrorKind::Eval)?;
        let file = Node::Regular {
            executable: false,
            contents: contents.as_bytes().to_vec(),
        };
        materialise(&shared, &p, &file)?;
        Ok(Value::String(NixString::with_context(
            p.as_bytes(),
            plain_context(&p),
        )))
    })
}

/// Drops the parts of `node` the filter rejects; the filter sees full paths.
async fn apply_filter(co: &Co, filter: &Value, root: &Path, node: Node) -> Result<Node, ErrorKind> {
    // Directories are filtered level by level with an explicit work list.
    let Node::Directory { entries } = node else {
        return Ok(node);
    };
    let mut kept = Vec::new();
    for (name, child) in entries {
        let full = root.join(&name);
        let arg_path = Value::string(full.to_string_lossy().into_owned());
        let keep = co
            .call2(filter.clone(), arg_path, Value::string(child.type_name()))
            .await;
        if !to_bool(&keep)? {
            continue;
        }
        let child = Box::pin(apply_filter(co, filter, &full, child)).await?;
        kept.push((name, child));
    }
    Ok(Node::Directory { entries: kept })
}

struct AddPath {
    path: PathBuf,
    name: String,
    filter: Option<Value>,
    recursive: bool,
    expected: Option<String>,
}

async fn add_path(co: &Co, shared: &Rc<Shared>, a: AddPath) -> Result<Value, ErrorKind> {
    let checked = shared.check_path(&a.path)?;
    store::check_name(&a.name).map_err(ErrorKind::Eval)?;
    let tree = read_tree(shared.io.as_ref(), &checked).map_err(ErrorKind::Io)?;
    let tree = match &a.filter {
        Some(f) => apply_filter(co, f, &a.path, tree).await?,
        None => tree,
    };
    let dir = &shared.settings.store_dir;
    let p = if a.recursive {
        let h = nar_hash(&tree);
        check_expected(a.expected.as_deref(), HashAlgo::Sha256, &h, &a.path)?;
        store::make_fixed_output_path(dir, true, HashAlgo::Sha256, &h, &a.name)
    } else {
        let Node::Regular { contents, .. } = &tree else {
            return Err(eval_err!(
                "cannot hash '{}' flat: it is not a regular file",
                a.path.display()
            ));
        };
        let h = store::sha256(contents);
        check_expected(a.expected.as_deref(), HashAlgo::Sha256, &h, &a.path)?;
        store::make_fixed_output_path(dir, false, HashAlgo::Sha256, &h, &a.name)
    };
    materialise(shared, &p, &tree)?;
    Ok(Value::String(NixString::with_context(
        p.as_bytes(),
        plain_context(&p),
    )))
}

fn check_expected(
    expected: Option<&str>,
    algo: HashAlgo,
    actual: &[u8],
    path: &Path,
) -> Result<(), ErrorKind> {
    let Some(e) = expected else { return Ok(()) };
    let (_, want) = store::parse_hash(e, Some(algo)).map_err(ErrorKind::Eval)?;
    if want != actual {
        return Err(eval_err!(
            "store path mismatch in (possibly filtered) path added from '{}'",
            path.display()
        ));
    }
    Ok(())
}

fn path(args: Vec<Value>, shared: Rc<Shared>) -> Box<Gen> {
    make_gen(move |co| async move {
        let a = to_attrs(&args[0])?;
        let mut path = None;
        let (mut name, mut filter, mut recursive, mut expected) = (None, None, true, None);
        for attr in a.iter() {
            let v = co.force(attr.value.clone()).await;
            match attr.name.as_bytes() {
                b"path" => path = Some(coerce_to_path(&co, &shared, v).await?),
                b"name" => name = Some(to_str(&v)?.to_str_lossy().into_owned()),
                b"filter" => filter = Some(v),
                b"recursive" => recursive = to_bool(&v)?,
                b"sha256" => expected = Some(to_str(&v)?.to_str_lossy().into_owned()),
                other => {
                    return Err(eval_err!(
                        "unsupported argument '{}' to 'addPath'",
                        String::from_utf8_lossy(other)
                    ))
                }
            }
        }
        let Some(path) = path else {
            return Err(eval_err!("'path' required"));
        };
        let name = name.unwrap_or_else(|| base_name(&path));
        add_path(
            &co,
            &shared,
            AddPath {
                path,
                name,
                filter,
                recursive,
                expected,
            },
        )
        .await
    })
}

fn filter_source(args: Vec<Value>, shared: Rc<Shared>) -> Box<Gen> {
    make_gen(move |co| async move {
        let path = coerce_to_path(&co, &shared, args[1].clone()).await?;
        let f = co.force(args[0].clone()).await;
        if !matches!(f, Value::Closure(_) | Value::Builtin(_)) {
            return Err(eval_err!(
                "first argument in call to 'filterSource' is not a function but {}",
                f.type_description()
            ));
        }
        let name = base_name(&path);
        let filter = Some(f);
        add_path(
            &co,
            &shared,
            AddPath {
                path,
                name,
                filter,
                recursive: true,
                expected: None,
            },
        )
        .await
    })
}

fn store_path(args: Vec<Value>, shared: Rc<Shared>) -> Box<Gen> {
    make_gen(move |co| async move {
        if shared.settings.pure {
            return Err(eval_err!(
                "'builtins.storePath' is not allowed in pure evaluation mode"
            ));
        }
        let p = super::io::coerce_to_path_with(&co, None, args[0].clone()).await?;
        let text = crate::compiler::canon_path(&p.to_string_lossy());
        let dir = &shared.settings.store_dir;
        let rest = text
            .strip_prefix(dir.as_str())
            .and_then(|r| r.strip_prefix('/'));
        let Some(rest) = rest else {
            return Err(eval_err!("path '{text}' is not in the Nix store"));
        };
        let top = rest.split('/').next().unwrap_or_default();
        let store_path = format!("{dir}/{top}");
        Ok(Value::String(NixString::with_context(
            text.as_bytes(),
            plain_context(&store_path),
        )))
    })
}

/// Adds the closure of a `.drv` (its sources and input derivations, recursively).
fn add_drv_closure(shared: &Shared, drv_path: &str, drv: &mut Derivation) {
    let known = shared.derivations.borrow();
    let mut work = vec![drv_path.to_string()];
    let mut seen = BTreeSet::new();
    while let Some(p) = work.pop() {
        if !seen.insert(p.clone()) {
            continue;
        }
        drv.input_srcs.insert(p.clone());
        if let Some((d, _)) = known.get(&p) {
            drv.input_drvs
                .insert(p.clone(), d.outputs.keys().cloned().collect());
            for src in &d.input_srcs {
                drv.input_srcs.insert(src.clone());
            }
            work.extend(d.input_drvs.keys().cloned());
        }
    }
}

fn check_hash_mode(mode: String) -> Result<String, ErrorKind> {
    // `text` is current Nix's content-addressing method for text files (`toFile`-like paths).
    if mode != "recursive" && mode != "flat" && mode != "text" {
        return Err(eval_err!(
            "invalid value '{mode}' for 'outputHashMode' attribute"
        ));
    }
    Ok(mode)
}

fn add_output(outputs: &mut Vec<String>, o: &str) -> Result<(), ErrorKind> {
    if outputs.iter().any(|x| x == o) {
        return Err(eval_err!("duplicate derivation output '{o}'"));
    }
    // Current Nix also refuses `drvPath`, which would clash with the
    // derivation's own attribute.
    if o == "drv" || o == "drvPath" {
        return Err(eval_err!("invalid derivation output name '{o}'"));
    }
    outputs.push(o.to_string());
    Ok(())
}

/// A warning about a derivation attribute, at the attribute, as current
/// Nix gives it (a plain warning: `abort-on-warn` does not apply).
fn warn_attr(shared: &Shared, drv_name: &str, pos: crate::syntax::Pos, message: &str) {
    let rendered = crate::errors::render_warning(message, pos.span());
    shared.trace(&format!(
        "{}\n  = while evaluating derivation '{drv_name}'",
        rendered.trim_end()
    ));
}

fn derivation_strict(args: Vec<Value>, shared: Rc<Shared>) -> Box<Gen> {
    make_gen(move |co| async move {
        let attrs = to_attrs(&args[0])?;
        let name_v = required_attr(&attrs, Symbol::from_str("name"), "derivationStrict")?;
        let name_v = co.force(name_v).await;
        let drv_name = to_str(&name_v)?.to_str_lossy().into_owned();
        if drv_name.ends_with(".drv") {
            return Err(eval_err!(
                "derivation names are not allowed to end in '.drv'"
            ));
        }
        // The name is checked (as C++ Nix does) when the first store path made from it is parsed.
        let ignore_nulls = match attrs.get(Symbol::from_str("__ignoreNulls")) {
            Some(v) => to_bool(&co.force(v.clone()).await)?,
            None => false,
        };
        let structured = match attrs.get(Symbol::from_str("__structuredAttrs")) {
            Some(v) => to_bool(&co.force(v.clone()).await)?,
            None => false,
        };
        // With `__structuredAttrs`, attributes go into one JSON object (`__json`).
        let mut json: Vec<u8> = b"{".to_vec();
        let mut drv = Derivation::default();
        let mut context = NixContext::new();
        let mut outputs: Vec<String> = Vec::new();
        let mut outputs_given = false;
        let (mut hash, mut hash_algo, mut hash_mode) = (None, String::new(), String::from("flat"));
        let more = Coercion {
            more: true,
            copy_to_store: true,
        };
        for attr in attrs.iter() {
            let key = attr.name.to_str_lossy().into_owned();
            if key == "__ignoreNulls" {
                continue;
            }
            let v = co.force(attr.value.clone()).await;
            if ignore_nulls && matches!(v, Value::Null) {
                continue;
            }
            // Flags that select a derivation type: checked in attribute order,
            // never part of the environment.
            let feature = match key.as_str() {
                "__contentAddressed" => Some("ca-derivations"),
                "__impure" => Some("impure-derivations"),
                _ => None,
            };
            if let Some(feature) = feature {
                if to_bool(&v)? {
                    return Err(eval_err!(
                        "experimental Nix feature '{feature}' is disabled; use '--extra-experimental-features {feature}' to override"
                    ));
                }
                continue;
            }
            if key == "args" {
                for a in to_list(&v)?.iter() {
                    let s = coerce_to_string(&co, a.clone(), more).await?;
                    context.extend(s.context().into_iter().flatten().cloned());
                    drv.args.push(s.to_str_lossy().into_owned());
                }
                continue;
            }
            if structured {
                if key == "__structuredAttrs" {
                    continue;
                }
                let value_json = value_to_json(&co, v.clone(), shared.limits.data_depth()).await?;
                context.extend(value_json.context().into_iter().flatten().cloned());
                if json.len() > 1 {
                    json.push(b',');
                }
                escape_json_string(key.as_bytes(), &mut json);
                json.push(b':');
                json.extend_from_slice(value_json.as_bytes());
                match key.as_str() {
                    "builder" => drv.builder = to_str(&v)?.to_str_lossy().into_owned(),
                    "system" => drv.platform = to_str(&v)?.to_str_lossy().into_owned(),
                    "outputHash" => hash = Some(to_str(&v)?.to_str_lossy().into_owned()),
                    "outputHashAlgo" => hash_algo = to_str(&v)?.to_str_lossy().into_owned(),
                    "outputHashMode" => {
                        hash_mode = check_hash_mode(to_str(&v)?.to_str_lossy().into_owned())?
                    }
                    "outputs" => {
                        outputs_given = true;
                        for o in to_list(&v)?.iter() {
                            let o = to_str(&co.force(o.clone()).await)?;
                            add_output(&mut outputs, &o.to_str_lossy())?;
                        }
                    }
                    // Current Nix's hint: these only take effect per output
                    // (`outputChecks`) with structured attributes.
                    "allowedReferences" | "allowedRequisites" | "disallowedReferences"
                    | "disallowedRequisites" | "maxSize" | "maxClosureSize" => warn_attr(
                        &shared,
                        &drv_name,
                        attr.pos,
                        &format!("'structuredAttrs' disables the effect of the derivation attribute '{key}'; use 'outputChecks.<output>.{key}' instead"),
                    ),
                    _ => {}
                }
                continue;
            }
            let s = coerce_to_string(&co, v, more).await?;
            context.extend(s.context().into_iter().flatten().cloned());
            let text = s.to_str_lossy().into_owned();
            match key.as_str() {
                "__json" => warn_attr(
                    &shared,
                    &drv_name,
                    attr.pos,
                    "setting structured attributes via '__json' is deprecated, and may be disallowed in future versions of Nix. Set '__structuredAttrs = true' instead.",
                ),
                "builder" => drv.builder = text.clone(),
                "system" => drv.platform = text.clone(),
                "outputHash" => hash = Some(text.clone()),
                "outputHashAlgo" => hash_algo = text.clone(),
                "outputHashMode" => hash_mode = check_hash_mode(text.clone())?,
                "outputs" => {
                    outputs_given = true;
                    for o in text.split_whitespace() {
                        add_output(&mut outputs, o)?;
                    }
                }
                _ => {}
            }
            drv.env.insert(key, text);
        }
        if structured {
            json.push(b'}');
            drv.env
                .insert("__json".into(), String::from_utf8_lossy(&json).into_owned());
        }
        if !outputs_given {
            outputs.push("out".into());
        }
        if outputs.is_empty() {
            return Err(eval_err!("derivation cannot have an empty set of outputs"));
        }
        if !attrs.contains(Symbol::from_str("builder")) {
            return Err(eval_err!("required attribute 'builder' missing"));
        }
        if !attrs.contains(Symbol::from_str("system")) {
            return Err(eval_err!("required attribute 'system' missing"));
        }
        for c in &context {
            match c {
                ContextElement::Plain(p) => {
                    drv.input_srcs.insert(p.clone());
                }
                ContextElement::Single { name, drv: d } => {
                    drv.input_drvs
                        .entry(d.clone())
                        .or_default()
                        .insert(name.clone());
                }
                ContextElement::Derivation(d) => add_drv_closure(&shared, d, &mut drv),
            }
        }
        let dir = shared.settings.store_dir.clone();
        if let Some(h) = hash {
            if outputs != ["out"] {
                return Err(eval_err!(
                    "multiple outputs are not supported in fixed-output derivations"
                ));
            }
            let algo = if hash_algo.is_empty() {
                None
            } else {
                Some(
                    HashAlgo::parse(&hash_algo)
                        .ok_or_else(|| eval_err!("unknown hash algorithm '{hash_algo}'"))?,
                )
            };
            let (algo, digest) = store::parse_hash(&h, algo).map_err(ErrorKind::Eval)?;
            let recursive = hash_mode == "recursive";
            let text = hash_mode == "text";
            if text && algo != HashAlgo::Sha256 {
                return Err(eval_err!(
                    "text hashing requires a sha256 hash, but outputHash uses {}",
                    algo.name()
                ));
            }
            let out = if text {
                store::make_text_path(&dir, &drv_name, &digest, &[])
            } else {
                store::make_fixed_output_path(&dir, recursive, algo, &digest, &drv_name)
            };
            store::check_path_name(&dir, &out).map_err(ErrorKind::Eval)?;
            drv.env.insert("out".into(), out.clone());
            let prefix = if recursive {
                "r:"
            } else if text {
                "text:"
            } else {
                ""
            };
            drv.outputs.insert(
                "out".into(),
                Output {
                    path: out,
                    hash_algo: format!("{prefix}{}", algo.name()),
                    hash: store::hex(&digest),
                },
            );
        } else {
            for o in &outputs {
                drv.env.insert(o.clone(), String::new());
                drv.outputs.insert(o.clone(), Output::default());
            }
            let known: std::collections::HashMap<String, Vec<u8>> = shared
                .derivations
                .borrow()
                .iter()
                .map(|(k, (_, h))| (k.clone(), h.clone()))
                .collect();
            let h = drv.hash_modulo(&known).map_err(ErrorKind::Eval)?;
            for o in &outputs {
                let p = make_output_path(&dir, o, &h, &drv_name);
                store::check_path_name(&dir, &p).map_err(ErrorKind::Eval)?;
                drv.env.insert(o.clone(), p.clone());
                if let Some(out) = drv.outputs.get_mut(o) {
                    out.path = p;
                }
            }
        }
        let drv_path = drv.drv_path(&dir, &drv_name);
        let aterm = Node::Regular {
            executable: false,
            contents: drv.to_aterm().into_bytes(),
        };
        materialise(&shared, &drv_path, &aterm)?;
        let known: std::collections::HashMap<String, Vec<u8>> = shared
            .derivations
            .borrow()
            .iter()
            .map(|(k, (_, h))| (k.clone(), h.clone()))
            .collect();
        let modulo = drv.hash_modulo(&known).map_err(ErrorKind::Eval)?;
        let mut result: BTreeMap<Symbol, Value> = BTreeMap::new();
        result.insert(
            Symbol::from_str("drvPath"),
            Value::String(NixString::with_context(
                drv_path.as_bytes(),
                NixContext::from([ContextElement::Derivation(drv_path.clone())]),
            )),
        );
        for (o, out) in &drv.outputs {
            let ctx = NixContext::from([ContextElement::Single {
                name: o.clone(),
                drv: drv_path.clone(),
            }]);
            result.insert(
                Symbol::from_str(o),
                Value::String(NixString::with_context(out.path.as_bytes(), ctx)),
            );
        }
        shared
            .derivations
            .borrow_mut()
            .insert(drv_path, (drv, modulo));
        Ok(make_attrs(result.into_iter().collect()))
    })
}
