//! Printing expressions the way C++ Nix shows them in `assert` failures.

use rnix::ast::{self, AstToken, HasEntry};

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use crate::value::{escape_string, format_float};

thread_local! {
    /// The directory relative path literals resolve against while showing.
    static SHOW_DIR: RefCell<PathBuf> = RefCell::new(PathBuf::from("/"));
}

/// Shows `e` as C++ Nix's `Expr::show` would (its syntax tree is already
/// desugared: `a - b` is `__sub a b`, paths are absolute, nested attribute
/// paths are merged).
pub fn show(e: &ast::Expr, dir: &Path) -> String {
    SHOW_DIR.with(|d| *d.borrow_mut() = dir.to_path_buf());
    let mut out = String::new();
    show_into(e, &mut out);
    out
}

fn string_lit(s: &str, out: &mut String) {
    let mut b = Vec::new();
    escape_string(s.as_bytes(), &mut b);
    out.push_str(&String::from_utf8_lossy(&b));
}

fn show_attrpath(p: &ast::Attrpath, out: &mut String) {
    let mut first = true;
    for a in p.attrs() {
        if !first {
            out.push('.');
        }
        first = false;
        if let Some(name) = super::attrs::static_key(&a) {
            out.push_str(&name.to_str_lossy());
            continue;
        }
        match a {
            ast::Attr::Ident(i) => out.push_str(&i.to_string()),
            ast::Attr::Str(s) => show_str(&s, out),
            ast::Attr::Dynamic(d) => {
                out.push_str("\"${");
                if let Some(e) = d.expr() {
                    show_into(&e, out);
                }
                out.push_str("}\"");
            }
        }
    }
}

fn show_str(s: &ast::Str, out: &mut String) {
    let parts = super::strings::string_parts(s);
    let simple: Option<String> = match parts.as_slice() {
        [] => Some(String::new()),
        [ast::InterpolPart::Literal(l)] => Some(l.clone()),
        _ => None,
    };
    if let Some(l) = simple {
        string_lit(&l, out);
        return;
    }
    out.push('(');
    let mut first = true;
    for p in parts {
        if !first {
            out.push_str(" + ");
        }
        first = false;
        match p {
            ast::InterpolPart::Literal(l) => string_lit(&l, out),
            ast::InterpolPart::Interpolation(i) => {
                if let Some(e) = i.expr() {
                    show_into(&e, out)
                }
            }
        }
    }
    out.push(')');
}

/// One binding as C++ Nix's parser leaves it: nested attribute paths and
/// attribute set literals bound to the same name merged into one set.
enum Shown {
    Expr(ast::Expr),
    Inherit,
    /// `inherit (from) name;`: the clause's number in source order, and `from`.
    InheritFrom(usize, ast::Expr),
    Set(ShownSet),
}

/// The bindings of a set, `let` or merged attribute path.
#[derive(Default)]
struct ShownSet {
    recursive: bool,
    /// Static names (unquoted) in source order.
    items: Vec<(String, Shown)>,
    /// Dynamic names in source order.
    dynamics: Vec<(ast::Attr, Shown)>,
    /// Where the first set bound to each static name is in `items`, so that
    /// later paths find it without scanning (large generated files).
    sets: std::collections::HashMap<String, usize>,
}

impl ShownSet {
    fn push_item(&mut self, name: String, value: Shown) {
        if matches!(value, Shown::Set(_)) && !self.sets.contains_key(&name) {
            self.sets.insert(name.clone(), self.items.len());
        }
        self.items.push((name, value));
    }

    /// The first set bound to `name`.
    fn set_named(&mut self, name: &str) -> Option<&mut ShownSet> {
        let i = *self.sets.get(name)?;
        match self.items.get_mut(i) {
            Some((_, Shown::Set(sub))) => Some(sub),
            _ => None,
        }
    }
}

/// Numbers `inherit (from)` clauses in source order.
#[derive(Default)]
struct Clauses(usize);

/// The bindings of a set literal (or `let`).
fn collect_entries(node: &impl HasEntry, recursive: bool, clauses: &mut Clauses) -> ShownSet {
    let mut set = ShownSet {
        recursive,
        ..ShownSet::default()
    };
    for entry in node.entries() {
        match entry {
            ast::Entry::Inherit(i) => {
                let from = i.from().and_then(|f| f.expr());
                let clause = clauses.0;
                if from.is_some() {
                    clauses.0 += 1;
                }
                for a in i.attrs() {
                    let Some(name) = super::attrs::static_key(&a) else {
                        continue;
                    };
                    let v = match &from {
                        Some(e) => Shown::InheritFrom(clause, e.clone()),
                        None => Shown::Inherit,
                    };
                    set.push_item(name.to_str_lossy().into_owned(), v);
                }
            }
            ast::Entry::AttrpathValue(kv) => {
                let path: Vec<ast::Attr> = kv
                    .attrpath()
                    .map(|p| p.attrs().collect())
                    .unwrap_or_default();
                if let Some(v) = kv.value() {
                    let value = shown_value(v, clauses);
                    insert_shown(&mut set, &path, value);
                }
            }
        }
    }
    set
}

/// A bound value: set literals become sets, so that later paths into them
/// merge (`x = { y = 1; }; x.z = 2;`).
fn shown_value(v: ast::Expr, clauses: &mut Clauses) -> Shown {
    let v = unfold(v);
    match &v {
        ast::Expr::AttrSet(a) => Shown::Set(collect_entries(a, super::is_rec(a), clauses)),
        _ => Shown::Expr(v),
    }
}

fn insert_shown(set: &mut ShownSet, path: &[ast::Attr], value: Shown) {
    let Some(first) = path.first() else { return };
    let Some(name) = super::attrs::static_key(first).map(|n| n.to_str_lossy().into_owned()) else {
        // A dynamic name: the rest of the path is a set of its own.
        let value = if path.len() == 1 {
            value
        } else {
            let mut sub = ShownSet::default();
            insert_shown(&mut sub, &path[1..], value);
            Shown::Set(sub)
        };
        set.dynamics.push((first.clone(), value));
        return;
    };
    let existing = set.set_named(&name);
    match (existing, path.len(), value) {
        (Some(sub), 1, Shown::Set(more)) => {
            // Two set literals for one name: one set (duplicates were
            // refused by the compiler).
            for (n, v) in more.items {
                sub.push_item(n, v);
            }
            sub.dynamics.extend(more.dynamics);
        }
        (Some(sub), n, value) if n > 1 => insert_shown(sub, &path[1..], value),
        (_, 1, value) => set.push_item(name, value),
        (_, _, value) => {
            let mut sub = ShownSet::default();
            insert_shown(&mut sub, &path[1..], value);
            set.push_item(name, Shown::Set(sub));
        }
    }
}

/// An attribute name as C++ Nix prints it in an expression: quoted and
/// escaped unless it is a plain identifier.
fn push_attr_name(name: &str, out: &mut String) {
    let mut bytes = Vec::new();
    crate::value::quote_attr_name(name.as_bytes(), &mut bytes);
    out.push_str(&String::from_utf8_lossy(&bytes));
}

/// Current Nix's order: plain `inherit`s, then each `inherit (from)`
/// clause, then the other attributes, names sorted in each; then the
/// dynamic attributes in source order.
fn show_bindings(set: &ShownSet, out: &mut String) {
    let mut sorted: Vec<&(String, Shown)> = set.items.iter().collect();
    sorted.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let inherits: Vec<&str> = sorted
        .iter()
        .filter(|(_, v)| matches!(v, Shown::Inherit))
        .map(|(n, _)| n.as_str())
        .collect();
    if !inherits.is_empty() {
        out.push_str("inherit");
        for name in inherits {
            out.push(' ');
            push_attr_name(name, out);
        }
        out.push_str("; ");
    }
    let mut clauses: std::collections::BTreeMap<usize, (&ast::Expr, Vec<&str>)> =
        std::collections::BTreeMap::new();
    for (name, v) in &sorted {
        if let Shown::InheritFrom(clause, from) = v {
            clauses
                .entry(*clause)
                .or_insert_with(|| (from, Vec::new()))
                .1
                .push(name);
        }
    }
    for (from, names) in clauses.values() {
        out.push_str("inherit (");
        show_into(from, out);
        out.push(')');
        for name in names {
            out.push(' ');
            push_attr_name(name, out);
        }
        out.push_str("; ");
    }
    for (name, v) in &sorted {
        if matches!(v, Shown::Expr(_) | Shown::Set(_)) {
            push_attr_name(name, out);
            out.push_str(" = ");
            show_value(v, out);
            out.push_str("; ");
        }
    }
    for (k, v) in &set.dynamics {
        out.push_str("\"${");
        match k {
            ast::Attr::Dynamic(d) => {
                if let Some(e) = d.expr() {
                    show_into(&e, out);
                }
            }
            ast::Attr::Str(s) => show_str(s, out),
            ast::Attr::Ident(i) => out.push_str(&i.to_string()),
        }
        out.push_str("}\" = ");
        show_value(v, out);
        out.push_str("; ");
    }
}

fn show_value(v: &Shown, out: &mut String) {
    match v {
        Shown::Expr(e) => show_into(e, out),
        Shown::Set(set) => show_set(set, out),
        // Only names are printed for these (see `show_bindings`).
        Shown::Inherit | Shown::InheritFrom(..) => {}
    }
}

fn show_set(set: &ShownSet, out: &mut String) {
    if set.recursive {
        out.push_str("rec ");
    }
    out.push_str("{ ");
    show_bindings(set, out);
    out.push('}');
}

fn binop_str(op: ast::BinOpKind) -> &'static str {
    use ast::BinOpKind::*;
    match op {
        Concat => "++",
        Update => "//",
        Add => "+",
        Sub => "-",
        Mul => "*",
        Div => "/",
        And => "&&",
        Equal => "==",
        Implication => "->",
        Less => "<",
        LessOrEq => "<=",
        More => ">",
        MoreOrEq => ">=",
        NotEqual => "!=",
        Or => "||",
        PipeRight => "|>",
        PipeLeft => "<|",
    }
}

fn show_into(e: &ast::Expr, out: &mut String) {
    stacker::maybe_grow(super::STACK_RED_ZONE, super::STACK_SEGMENT, || {
        show_expr(e, out)
    })
}

/// A literal folded while parsing, or a value standing in for itself,
/// parsed again so it can be shown (see [`crate::syntax::Fold`]); other
/// expressions as they are.
fn unfold(e: ast::Expr) -> ast::Expr {
    use rowan::ast::AstNode;
    let green = e.syntax().green();
    if !crate::syntax::is_folded(green) && !crate::syntax::is_stand_in(green) {
        return e;
    }
    crate::syntax::unfolded(e.syntax()).unwrap_or(e)
}

fn show_expr(e: &ast::Expr, out: &mut String) {
    use ast::Expr;
    let e = &unfold(e.clone());
    match e {
        Expr::Paren(p) => {
            if let Some(i) = p.expr() {
                show_into(&i, out)
            }
        }
        Expr::Literal(l) => match l.kind() {
            ast::LiteralKind::Float(f) => match f.value() {
                Ok(x) => out.push_str(&format_float(x)),
                Err(_) => out.push_str(&l.to_string()),
            },
            // A URL literal is a string.
            ast::LiteralKind::Uri(u) => string_lit(u.syntax().text(), out),
            _ => out.push_str(&l.to_string()),
        },
        Expr::Ident(i) => out.push_str(&i.to_string()),
        Expr::Str(s) => show_str(s, out),
        Expr::PathRel(_) => {
            let text = e.to_string();
            if text.contains("${") {
                out.push_str(&text);
            } else {
                let dir = SHOW_DIR.with(|d| d.borrow().to_string_lossy().into_owned());
                out.push_str(&super::canon_path(&format!("{dir}/{text}")));
            }
        }
        Expr::PathAbs(_) => {
            let text = e.to_string();
            out.push_str(&if text.contains("${") {
                text
            } else {
                super::canon_path(&text)
            });
        }
        Expr::PathSearch(p) => {
            // `<name>` is `__findFile __nixPath "name"`.
            let name = p
                .content()
                .map(|c| c.text().to_string())
                .unwrap_or_default();
            out.push_str("(__findFile __nixPath ");
            string_lit(name.trim_start_matches('<').trim_end_matches('>'), out);
            out.push(')');
        }
        Expr::PathHome(_) => out.push_str(&e.to_string()),
        Expr::List(l) => {
            out.push_str("[ ");
            for item in l.items() {
                out.push('(');
                show_into(&item, out);
                out.push_str(") ");
            }
            out.push(']');
        }
        Expr::AttrSet(a) => {
            let set = collect_entries(a, super::is_rec(a), &mut Clauses::default());
            show_set(&set, out);
        }
        Expr::Select(s) => {
            out.push('(');
            if let Some(i) = s.expr() {
                show_into(&i, out);
            }
            out.push_str(").");
            if let Some(p) = s.attrpath() {
                show_attrpath(&p, out);
            }
            if let Some(d) = s.default_expr() {
                out.push_str(" or (");
                show_into(&d, out);
                out.push(')');
            }
        }
        Expr::HasAttr(h) => {
            out.push_str("((");
            if let Some(i) = h.expr() {
                show_into(&i, out);
            }
            out.push_str(") ? ");
            if let Some(p) = h.attrpath() {
                show_attrpath(&p, out);
            }
            out.push(')');
        }
        Expr::Apply(_) => {
            // C++ Nix flattens `f a b` into one call node.
            let mut args = Vec::new();
            let mut cur = e.clone();
            while let Expr::Apply(a) = &cur {
                match (a.lambda(), a.argument()) {
                    (Some(f), Some(x)) => {
                        args.push(x);
                        cur = f;
                    }
                    _ => break,
                }
            }
            out.push('(');
            show_into(&cur, out);
            for a in args.iter().rev() {
                out.push(' ');
                show_into(a, out);
            }
            out.push(')');
        }
        Expr::Lambda(l) => {
            out.push('(');
            match l.param() {
                Some(ast::Param::IdentParam(i)) => {
                    if let Some(id) = i.ident() {
                        out.push_str(&id.to_string())
                    }
                }
                Some(ast::Param::Pattern(p)) => {
                    out.push_str("{ ");
                    let mut first = true;
                    // Sorted by name, as current Nix prints formals.
                    let mut entries: Vec<ast::PatEntry> = p.pat_entries().collect();
                    entries.sort_by_key(|e| e.ident().map(|i| i.to_string()).unwrap_or_default());
                    for entry in entries {
                        if !first {
                            out.push_str(", ");
                        }
                        first = false;
                        if let Some(id) = entry.ident() {
                            out.push_str(&id.to_string());
                        }
                        if let Some(d) = entry.default() {
                            out.push_str(" ? ");
                            show_into(&d, out);
                        }
                    }
                    if p.ellipsis_token().is_some() {
                        if !first {
                            out.push_str(", ");
                        }
                        out.push_str("...");
                    }
                    out.push_str(" }");
                    if let Some(b) = p.pat_bind().and_then(|b| b.ident()) {
                        out.push_str(" @ ");
                        out.push_str(&b.to_string());
                    }
                }
                None => {}
            }
            out.push_str(": ");
            if let Some(b) = l.body() {
                show_into(&b, out);
            }
            out.push(')');
        }
        Expr::LetIn(l) => {
            out.push_str("(let ");
            show_bindings(&collect_entries(l, true, &mut Clauses::default()), out);
            out.push_str("in ");
            if let Some(b) = l.body() {
                show_into(&b, out);
            }
            out.push(')');
        }
        Expr::LegacyLet(l) => {
            // `let { … }` is `(rec { … }).body`.
            out.push('(');
            show_set(&collect_entries(l, true, &mut Clauses::default()), out);
            out.push_str(").body");
        }
        Expr::With(w) => {
            out.push_str("(with ");
            if let Some(n) = w.namespace() {
                show_into(&n, out);
            }
            out.push_str("; ");
            if let Some(b) = w.body() {
                show_into(&b, out);
            }
            out.push(')');
        }
        Expr::IfElse(i) => {
            out.push_str("(if ");
            if let Some(c) = i.condition() {
                show_into(&c, out);
            }
            out.push_str(" then ");
            if let Some(c) = i.body() {
                show_into(&c, out);
            }
            out.push_str(" else ");
            if let Some(c) = i.else_body() {
                show_into(&c, out);
            }
            out.push(')');
        }
        Expr::Assert(a) => {
            out.push_str("assert ");
            if let Some(c) = a.condition() {
                show_into(&c, out);
            }
            out.push_str("; ");
            if let Some(c) = a.body() {
                show_into(&c, out);
            }
        }
        Expr::UnaryOp(u) => match u.operator() {
            Some(ast::UnaryOpKind::Invert) => {
                out.push_str("(! ");
                if let Some(i) = u.expr() {
                    show_into(&i, out);
                }
                out.push(')');
            }
            _ => {
                out.push_str("(__sub 0 ");
                if let Some(i) = u.expr() {
                    show_into(&i, out);
                }
                out.push(')');
            }
        },
        Expr::BinOp(b) => {
            let op = b.operator();
            if op == Some(ast::BinOpKind::Add) {
                // `+` is a string concatenation node in C++ Nix.
                out.push('(');
                if let Some(l) = b.lhs() {
                    show_into(&l, out);
                }
                out.push_str(" + ");
                if let Some(r) = b.rhs() {
                    show_into(&r, out);
                }
                out.push(')');
                return;
            }
            // Arithmetic and comparisons are calls of primops in C++ Nix.
            let call = match op {
                Some(ast::BinOpKind::Sub) => Some(("__sub", false, false)),
                Some(ast::BinOpKind::Mul) => Some(("__mul", false, false)),
                Some(ast::BinOpKind::Div) => Some(("__div", false, false)),
                Some(ast::BinOpKind::Less) => Some(("__lessThan", false, false)),
                Some(ast::BinOpKind::More) => Some(("__lessThan", true, false)),
                Some(ast::BinOpKind::LessOrEq) => Some(("__lessThan", true, true)),
                Some(ast::BinOpKind::MoreOrEq) => Some(("__lessThan", false, true)),
                _ => None,
            };
            if let Some((name, swap, negate)) = call {
                let (first, second) = if swap {
                    (b.rhs(), b.lhs())
                } else {
                    (b.lhs(), b.rhs())
                };
                if negate {
                    out.push_str("(! ");
                }
                out.push('(');
                out.push_str(name);
                for operand in [first, second].into_iter().flatten() {
                    out.push(' ');
                    show_into(&operand, out);
                }
                out.push(')');
                if negate {
                    out.push(')');
                }
                return;
            }
            out.push('(');
            if let Some(l) = b.lhs() {
                show_into(&l, out);
            }
            out.push(' ');
            out.push_str(op.map(binop_str).unwrap_or("?"));
            out.push(' ');
            if let Some(r) = b.rhs() {
                show_into(&r, out);
            }
            out.push(')');
        }
        Expr::CurPos(_) => out.push_str("__curPos"),
        Expr::Root(r) => {
            if let Some(e) = r.expr() {
                show_into(&e, out)
            }
        }
        Expr::Error(_) => out.push_str("<error>"),
    }
}
