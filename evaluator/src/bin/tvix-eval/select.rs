//! Attribute-path selection (`-A a.b.0`) and automatic calls of functions
//! with the `--arg`/`--argstr` values they ask for, as nix-instantiate does.

use tvix_eval::{Error, Evaluation, Value};

/// Calls a top-level function with the `--arg`/`--argstr` values it asks for, like Nix.
pub fn auto_call(
    eval: &mut Evaluation,
    v: Value,
    args: &[(String, Value)],
) -> Result<Value, Error> {
    let v = eval.force(&v)?;
    let chunk_formals = match &v {
        Value::Closure(c) => match c.lambda.chunk.formals() {
            Some(f) => Some((
                f.entries
                    .iter()
                    .map(|e| e.name.to_string())
                    .collect::<Vec<_>>(),
                f.ellipsis,
            )),
            None => return Ok(v),
        },
        Value::Attrs(a) if a.get(tvix_eval::Symbol::from_str("__functor")).is_some() => {
            let functor = eval.select(&v, "__functor")?;
            let r = eval.call(&functor, v.clone())?;
            return auto_call(eval, r, args);
        }
        _ => None,
    };
    let Some((formals, ellipsis)) = chunk_formals else {
        return Ok(v);
    };
    if !ellipsis {
        for f in &formals {
            let has_default = match &v {
                Value::Closure(c) => c.lambda.chunk.formals().is_some_and(|fs| {
                    fs.entries
                        .iter()
                        .any(|e| *e.name.bytes() == *f.as_bytes() && e.default.is_some())
                }),
                _ => false,
            };
            if !has_default && !args.iter().any(|(n, _)| n == f) {
                return Err(Error::from(tvix_eval::ErrorKind::Eval(format!(
                    "cannot evaluate a function that has an argument without a value ('{f}')"
                ))));
            }
        }
    }
    let pairs: Vec<tvix_eval::value::Attr> = args
        .iter()
        .filter(|(n, _)| ellipsis || formals.contains(n))
        .map(|(n, val)| tvix_eval::value::Attr {
            name: tvix_eval::Symbol::from_str(n),
            value: val.clone(),
            pos: tvix_eval::syntax::Pos::NONE,
        })
        .collect();
    let set = Value::attrs(tvix_eval::Attrs::from_unsorted_last_wins(pairs));
    eval.call(&v, set)
}

pub fn select_path(
    eval: &mut Evaluation,
    root: &Value,
    path: &str,
    args: &[(String, Value)],
) -> Result<Value, Error> {
    let mut v = root.clone();
    if path.is_empty() {
        return Ok(v);
    }
    for part in split_attr_path(path)? {
        if part.is_empty() {
            return Err(Error::from(tvix_eval::ErrorKind::Eval(format!(
                "empty attribute name in selection path '{path}'"
            ))));
        }
        let forced = auto_call(eval, v, args)?;
        v = match (&forced, part.parse::<usize>()) {
            (Value::List(l), Ok(i)) => l.get(i).cloned().ok_or_else(|| {
                Error::from(tvix_eval::ErrorKind::Eval(format!(
                    "list index {i} in selection path '{path}' is out of range"
                )))
            })?,
            (Value::Attrs(a), _) => a
                .get(tvix_eval::Symbol::from_str(&part))
                .cloned()
                .ok_or_else(|| {
                    Error::from(tvix_eval::ErrorKind::Eval(format!(
                        "attribute '{part}' in selection path '{path}' not found"
                    )))
                })?,
            (other, _) => {
                return Err(Error::from(tvix_eval::ErrorKind::Eval(format!(
                "the expression selected by the selection path '{path}' should be a set but is {}",
                other.type_description()
            ))))
            }
        };
    }
    Ok(v)
}

/// Splits `a.b."c.d"` into its components, as nix-instantiate does: a
/// trailing dot is ignored, an unclosed quote is an error.
fn split_attr_path(path: &str) -> Result<Vec<String>, Error> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = path.chars();
    while let Some(c) = chars.next() {
        match c {
            '.' => out.push(std::mem::take(&mut cur)),
            '"' => loop {
                match chars.next() {
                    Some('"') => break,
                    Some(c) => cur.push(c),
                    None => {
                        return Err(Error::from(tvix_eval::ErrorKind::Eval(format!(
                            "missing closing quote in selection path '{path}'"
                        ))))
                    }
                }
            },
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    Ok(out)
}
