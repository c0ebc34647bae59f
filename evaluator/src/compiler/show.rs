//! Printing expressions the way C++ Nix shows them in `assert` failures.

use rnix::ast::{self, AstToken, HasEntry};

use crate::value::escape_string;

/// Shows `e` as C++ Nix's `Expr::show` would.
pub fn show(e: &ast::Expr) -> String {
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
    let parts = s.normalized_parts();
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

fn show_entries(node: &impl HasEntry, out: &mut String) {
    for entry in node.entries() {
        match entry {
            ast::Entry::Inherit(i) => {
                out.push_str("inherit ");
                if let Some(from) = i.from().and_then(|f| f.expr()) {
                    out.push('(');
                    show_into(&from, out);
                    out.push_str(") ");
                }
                for a in i.attrs() {
                    out.push_str(&a.to_string());
                    out.push(' ');
                }
                out.push_str("; ");
            }
            ast::Entry::AttrpathValue(kv) => {
                if let Some(p) = kv.attrpath() {
                    show_attrpath(&p, out);
                }
                out.push_str(" = ");
                if let Some(v) = kv.value() {
                    show_into(&v, out);
                }
                out.push_str("; ");
            }
        }
    }
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
    use ast::Expr;
    match e {
        Expr::Paren(p) => {
            if let Some(i) = p.expr() {
                show_into(&i, out)
            }
        }
        Expr::Literal(l) => out.push_str(&l.to_string()),
        Expr::Ident(i) => out.push_str(&i.to_string()),
        Expr::Str(s) => show_str(s, out),
        Expr::PathAbs(_) | Expr::PathRel(_) | Expr::PathHome(_) | Expr::PathSearch(_) => {
            out.push_str(&e.to_string())
        }
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
            if a.rec_token().is_some() {
                out.push_str("rec ");
            }
            out.push_str("{ ");
            show_entries(a, out);
            out.push('}');
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
                    for entry in p.pat_entries() {
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
            show_entries(l, out);
            out.push_str("in ");
            if let Some(b) = l.body() {
                show_into(&b, out);
            }
            out.push(')');
        }
        Expr::LegacyLet(l) => {
            out.push_str("(let { ");
            show_entries(l, out);
            out.push_str("})");
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

#[allow(dead_code)]
fn _token_text<T: AstToken>(t: &T) -> &str {
    t.syntax().text()
}
