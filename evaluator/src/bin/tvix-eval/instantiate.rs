//! Instantiation (nix-instantiate without `--eval`): the derivations a value
//! holds are found as C++ Nix's `getDerivations` finds them, and their
//! `.drv` paths printed (`!OUTPUT` appended when the output is not `out`).

use tvix_eval::{Error, ErrorKind, Evaluation, Value};

use crate::select::auto_call;

fn is_derivation(eval: &mut Evaluation, v: &Value) -> Result<bool, Error> {
    let Value::Attrs(a) = v else { return Ok(false) };
    let Some(t) = a.get(tvix_eval::Symbol::from_str("type")).cloned() else {
        return Ok(false);
    };
    Ok(matches!(eval.force(&t)?, Value::String(s) if s.as_bytes() == b"derivation"))
}

fn string_attr(eval: &mut Evaluation, v: &Value, name: &str) -> Result<Option<String>, Error> {
    let Value::Attrs(a) = v else { return Ok(None) };
    let Some(x) = a.get(tvix_eval::Symbol::from_str(name)).cloned() else {
        return Ok(None);
    };
    let s = eval.coerce_to_string(&x)?;
    Ok(Some(s.to_str_lossy().into_owned()))
}

/// Prints the `.drv` path of every derivation in `v`: `v` itself, the
/// attributes of a set (descending into sets with `recurseForDerivations`),
/// or the elements of a list.
pub fn print_derivations(
    eval: &mut Evaluation,
    v: &Value,
    args: &[(String, Value)],
) -> Result<(), Error> {
    let mut found = Vec::new();
    let top = auto_call(eval, v.clone(), args)?;
    let top = eval.force(&top)?;
    // Work list of (value, whether it is the top level or was marked for recursion).
    let mut work = vec![(top, true)];
    while let Some((v, descend)) = work.pop() {
        let v = eval.force(&v)?;
        if is_derivation(eval, &v)? {
            found.push(v);
            continue;
        }
        match &v {
            Value::Attrs(a) if descend => {
                let mut children = Vec::new();
                for attr in a.iter() {
                    let child = eval.force(&attr.value)?;
                    let child = auto_call(eval, child, args)?;
                    let child = eval.force(&child)?;
                    let recurse = match &child {
                        Value::Attrs(c) => match c
                            .get(tvix_eval::Symbol::from_str("recurseForDerivations"))
                            .cloned()
                        {
                            Some(r) => matches!(eval.force(&r)?, Value::Bool(true)),
                            None => false,
                        },
                        _ => false,
                    };
                    children.push((child, recurse));
                }
                work.extend(children.into_iter().rev());
            }
            Value::List(l) if descend => {
                work.extend(l.iter().rev().map(|x| (x.clone(), true)));
            }
            Value::Attrs(_) | Value::List(_) => {}
            _ if descend => {
                return Err(Error::from(ErrorKind::Eval(
                    "expression does not evaluate to a derivation (or a set or list of those)"
                        .into(),
                )))
            }
            _ => {}
        }
    }
    let mut out = String::new();
    for d in &found {
        let Some(drv) = string_attr(eval, d, "drvPath")? else {
            return Err(Error::from(ErrorKind::Eval(
                "derivation does not have attribute 'drvPath'".into(),
            )));
        };
        let output = string_attr(eval, d, "outputName")?.unwrap_or_else(|| "out".into());
        if output == "out" {
            out.push_str(&format!("{drv}\n"));
        } else {
            out.push_str(&format!("{drv}!{output}\n"));
        }
    }
    if !found.is_empty() {
        eprintln!(
            "warning: you did not specify '--add-root'; the result might be removed by the garbage collector"
        );
    }
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(out.as_bytes());
    let _ = stdout.flush();
    Ok(())
}
