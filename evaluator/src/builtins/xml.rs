//! `toXML`: C++ Nix's XML rendering of values (`value-to-xml.cc` with its
//! indenting `XMLWriter`), written with an explicit work stack.

use std::collections::HashSet;
use std::rc::Rc;

use rnix::ast;
use rowan::ast::AstNode;

use super::{BuiltinDef, BuiltinImpl::*, ALL};
use crate::errors::ErrorKind;
use crate::value::{format_float, well_known, Closure, NixString, StringBuilder, Symbol, Value};
use crate::vm::generators::{make_gen, Co, Gen};
use crate::Shared;

pub(super) static BUILTINS: &[BuiltinDef] = &[BuiltinDef {
    name: "toXML",
    arity: 1,
    strict: ALL,
    first_arg: None,
    imp: Async(to_xml),
}];

/// Escapes an attribute value as `XMLWriter::writeAttrs` does.
fn escape_attr(s: &[u8], out: &mut Vec<u8>) {
    for &c in s {
        match c {
            b'"' => out.extend_from_slice(b"&quot;"),
            b'<' => out.extend_from_slice(b"&lt;"),
            b'>' => out.extend_from_slice(b"&gt;"),
            b'&' => out.extend_from_slice(b"&amp;"),
            b'\n' => out.extend_from_slice(b"&#xA;"),
            c => out.push(c),
        }
    }
}

struct Writer {
    out: Vec<u8>,
}

impl Writer {
    fn indent(&mut self, depth: usize) {
        self.out.extend(std::iter::repeat_n(b' ', depth * 2));
    }

    /// `attrs` must be sorted by name (C++ keeps them in a `std::map`).
    fn tag(&mut self, depth: usize, name: &str, attrs: &[(&str, &[u8])], empty: bool) {
        self.indent(depth);
        self.out.push(b'<');
        self.out.extend_from_slice(name.as_bytes());
        for (k, v) in attrs {
            self.out.push(b' ');
            self.out.extend_from_slice(k.as_bytes());
            self.out.extend_from_slice(b"=\"");
            escape_attr(v, &mut self.out);
            self.out.push(b'"');
        }
        self.out
            .extend_from_slice(if empty { b" />\n" } else { b">\n" });
    }

    fn close(&mut self, depth: usize, name: &str) {
        self.indent(depth);
        self.out.extend_from_slice(b"</");
        self.out.extend_from_slice(name.as_bytes());
        self.out.extend_from_slice(b">\n");
    }
}

enum Task {
    Visit(Value, usize),
    OpenAttr(Symbol, crate::syntax::Pos, usize),
    Close(&'static str, usize),
}

/// The parameter name of a lambda (`x` in `x: …`, `args` in `args@{ … }: …`),
/// read back from its source text because compiled code keeps only slots.
fn lambda_param_name(c: &Closure) -> Option<String> {
    let span = c.lambda.span;
    let file = crate::syntax::source(span.file)?;
    let text = file.text.get(span.start as usize..span.end as usize)?;
    let root = rnix::Root::parse(text).tree();
    let ast::Expr::Lambda(l) = root.expr()? else {
        return None;
    };
    let ident = match l.param()? {
        ast::Param::IdentParam(p) => p.ident()?,
        ast::Param::Pattern(p) => p.pat_bind()?.ident()?,
    };
    Some(ident.syntax().text().to_string())
}

fn write_function(w: &mut Writer, c: &Closure, depth: usize, location: bool) {
    match crate::syntax::nix_pos(c.lambda.span).filter(|_| location) {
        Some((file, line, column)) => {
            let (line, column) = (line.to_string(), column.to_string());
            let attrs: [(&str, &[u8]); 3] = [
                ("column", column.as_bytes()),
                ("line", line.as_bytes()),
                ("path", file.as_bytes()),
            ];
            w.tag(depth, "function", &attrs, false);
        }
        None => w.tag(depth, "function", &[], false),
    }
    let name = lambda_param_name(c);
    match c.lambda.chunk.formals() {
        Some(formals) => {
            let mut attrs: Vec<(&str, &[u8])> = Vec::new();
            if formals.ellipsis {
                attrs.push(("ellipsis", b"1"));
            }
            if let Some(n) = &name {
                attrs.push(("name", n.as_bytes()));
            }
            w.tag(depth + 1, "attrspat", &attrs, false);
            for f in &formals.entries {
                w.tag(depth + 2, "attr", &[("name", f.name.as_bytes())], true);
            }
            w.close(depth + 1, "attrspat");
        }
        None => w.tag(
            depth + 1,
            "varpat",
            &[("name", name.unwrap_or_default().as_bytes())],
            true,
        ),
    }
    w.close(depth, "function");
}

/// Renders `v`, forcing it deeply; the result carries the strings' contexts.
pub(crate) async fn value_to_xml(co: &Co, v: Value) -> Result<NixString, ErrorKind> {
    value_to_xml_with(co, v, false, true).await
}

/// `location`: add `column`, `line` and `path` of attributes and functions,
/// as `nix-instantiate --eval --xml` does (`builtins.toXML` does not).
/// Without `strict` (`--xml` without `--strict`), nothing is forced except
/// a set's `type`: values not yet evaluated print as `<unevaluated />`.
async fn value_to_xml_with(
    co: &Co,
    v: Value,
    location: bool,
    strict: bool,
) -> Result<NixString, ErrorKind> {
    let visit = |v: Value| async move {
        if strict {
            co.force(v).await
        } else {
            v.shallow()
        }
    };
    let mut w = Writer {
        out: b"<?xml version='1.0' encoding='utf-8'?>\n<expr>\n".to_vec(),
    };
    let mut ctx = StringBuilder::new();
    let mut drvs_seen: HashSet<Vec<u8>> = HashSet::new();
    let (type_sym, drv_path_sym, out_path_sym) = well_known(|w| (w.type_, w.drv_path, w.out_path));
    let mut work = vec![Task::Visit(v, 1)];
    while let Some(task) = work.pop() {
        crate::state::grow_output(&mut w.out)?;
        let (v, depth) = match task {
            Task::OpenAttr(name, pos, depth) => {
                match crate::syntax::nix_pos(pos.span()).filter(|_| location) {
                    Some((file, line, column)) => {
                        let (line, column) = (line.to_string(), column.to_string());
                        let attrs: [(&str, &[u8]); 4] = [
                            ("column", column.as_bytes()),
                            ("line", line.as_bytes()),
                            ("name", name.as_bytes()),
                            ("path", file.as_bytes()),
                        ];
                        w.tag(depth, "attr", &attrs, false);
                    }
                    None => w.tag(depth, "attr", &[("name", name.as_bytes())], false),
                }
                continue;
            }
            Task::Close(name, depth) => {
                w.close(depth, name);
                continue;
            }
            Task::Visit(v, depth) => (visit(v).await, depth),
        };
        match &v {
            Value::Int(i) => w.tag(depth, "int", &[("value", i.to_string().as_bytes())], true),
            Value::Bool(b) => w.tag(
                depth,
                "bool",
                &[("value", if *b { b"true" } else { b"false" })],
                true,
            ),
            Value::String(s) => {
                ctx.add_context(s.context());
                w.tag(depth, "string", &[("value", s.as_bytes())], true);
            }
            Value::Path(p) => w.tag(
                depth,
                "path",
                &[("value", p.to_string_lossy().as_bytes())],
                true,
            ),
            Value::Null => w.tag(depth, "null", &[], true),
            Value::Float(f) => w.tag(
                depth,
                "float",
                &[("value", format_float(*f).as_bytes())],
                true,
            ),
            Value::Attrs(a) => {
                let is_drv = match a.get(type_sym) {
                    Some(t) => {
                        matches!(co.force(t.clone()).await, Value::String(s) if s.as_bytes() == b"derivation")
                    }
                    None => false,
                };
                let children_depth = depth + 1;
                if is_drv {
                    let mut drv_path: Option<Vec<u8>> = None;
                    let mut out_path: Option<Vec<u8>> = None;
                    if let Some(d) = a.get(drv_path_sym) {
                        if let Value::String(s) = visit(d.clone()).await {
                            drv_path = Some(s.as_bytes().to_vec());
                        }
                    }
                    if let Some(o) = a.get(out_path_sym) {
                        if let Value::String(s) = visit(o.clone()).await {
                            out_path = Some(s.as_bytes().to_vec());
                        }
                    }
                    let mut attrs: Vec<(&str, &[u8])> = Vec::new();
                    if let Some(d) = &drv_path {
                        attrs.push(("drvPath", d));
                    }
                    if let Some(o) = &out_path {
                        attrs.push(("outPath", o));
                    }
                    w.tag(depth, "derivation", &attrs, false);
                    work.push(Task::Close("derivation", depth));
                    let drv_path = drv_path.unwrap_or_default();
                    if !drv_path.is_empty() && drvs_seen.insert(drv_path) {
                        push_attrs(&mut work, a, children_depth);
                    } else {
                        w.tag(children_depth, "repeated", &[], true);
                    }
                } else {
                    w.tag(depth, "attrs", &[], false);
                    work.push(Task::Close("attrs", depth));
                    push_attrs(&mut work, a, children_depth);
                }
            }
            Value::List(l) => {
                w.tag(depth, "list", &[], false);
                work.push(Task::Close("list", depth));
                work.extend(l.iter().rev().map(|x| Task::Visit(x.clone(), depth + 1)));
            }
            Value::Closure(c) => write_function(&mut w, c, depth, location),
            Value::Builtin(_) | Value::Thunk(_) => w.tag(depth, "unevaluated", &[], true),
        }
    }
    w.out.extend_from_slice(b"</expr>\n");
    // `ctx` holds only the contexts of the strings written.
    ctx.finish_with(w.out)
}

fn push_attrs(work: &mut Vec<Task>, a: &crate::value::Attrs, depth: usize) {
    for attr in a.iter().rev() {
        work.push(Task::Close("attr", depth));
        work.push(Task::Visit(attr.value.clone(), depth + 1));
        work.push(Task::OpenAttr(attr.name, attr.pos, depth));
    }
}

/// The `--xml` output of the CLI, for each combination of `--strict` and
/// `--no-location` (its flags as a two-bit index: strict, location).
static CLI_XML: [BuiltinDef; 4] = [
    cli_xml_def(false, false),
    cli_xml_def(false, true),
    cli_xml_def(true, false),
    cli_xml_def(true, true),
];

const fn cli_xml_def(strict: bool, location: bool) -> BuiltinDef {
    BuiltinDef {
        name: "toXMLForCli",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Async(match (strict, location) {
            (false, false) => |a, _| cli_xml(a, false, false),
            (false, true) => |a, _| cli_xml(a, false, true),
            (true, false) => |a, _| cli_xml(a, true, false),
            (true, true) => |a, _| cli_xml(a, true, true),
        }),
    }
}

/// A function value that renders its (evaluated) argument like
/// `nix-instantiate --eval --xml`: with positions unless `--no-location`,
/// forcing everything only with `--strict`.
pub fn xml_for_cli(strict: bool, location: bool) -> Value {
    super::builtin_value(&CLI_XML[usize::from(strict) * 2 + usize::from(location)])
}

fn cli_xml(args: Vec<Value>, strict: bool, location: bool) -> Box<Gen> {
    make_gen(move |co| async move {
        Ok(Value::String(
            value_to_xml_with(&co, args[0].clone(), location, strict).await?,
        ))
    })
}

fn to_xml(args: Vec<Value>, _: Rc<Shared>) -> Box<Gen> {
    make_gen(move |co| async move { Ok(Value::String(value_to_xml(&co, args[0].clone()).await?)) })
}
