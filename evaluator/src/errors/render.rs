//! Rustc-style rendering of errors (file:line:col, source line, caret, trace).

use codespan_reporting::diagnostic::{Diagnostic, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term;

use super::Error;
use crate::syntax::{source, Span};

/// Renders errors as text; with `show_trace`, includes every trace frame.
pub fn render_errors(errors: &[Error], show_trace: bool) -> String {
    errors
        .iter()
        .map(|e| render_error(e, show_trace))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Renders one error as text.
pub fn render_error(error: &Error, show_trace: bool) -> String {
    let mut files = SimpleFiles::new();
    let mut ids = std::collections::HashMap::new();
    let mut label_for = |span: Span,
                         files: &mut SimpleFiles<String, std::rc::Rc<str>>|
     -> Option<(usize, std::ops::Range<usize>)> {
        let src = match error.sources.context() {
            Some(ctx) => ctx.source(span.file)?,
            None => source(span.file)?,
        };
        let id = *ids
            .entry(span.file)
            .or_insert_with(|| files.add(src.name.clone(), src.text.clone()));
        let len = src.text.len();
        let start = (span.start as usize).min(len);
        let end = (span.end as usize).clamp(start, len);
        Some((id, start..end))
    };
    let mut diag = Diagnostic::error().with_message(error.message());
    if let Some((id, range)) = label_for(error.span, &mut files) {
        diag = diag.with_labels(vec![Label::primary(id, range)]);
    }
    let frames: &[_] = if show_trace { &error.trace } else { &[] };
    let mut notes = Vec::new();
    for frame in frames {
        match label_for(frame.span, &mut files) {
            Some((id, range)) => diag
                .labels
                .push(Label::secondary(id, range).with_message(frame.message.clone())),
            None => notes.push(frame.message.clone()),
        }
    }
    diag = diag.with_notes(notes);
    let config = term::Config::default();
    term::emit_into_string(&config, &files, &diag)
        .unwrap_or_else(|_| format!("error: {}\n", error.message()))
}

/// Renders a warning about the code at `span` (a parse-time lint).
pub fn render_warning(message: &str, span: Span) -> String {
    let mut files = SimpleFiles::new();
    let mut diag = Diagnostic::warning().with_message(message);
    if let Some(src) = source(span.file) {
        let len = src.text.len();
        let start = (span.start as usize).min(len);
        let end = (span.end as usize).clamp(start, len);
        let id = files.add(src.name.clone(), src.text.clone());
        diag = diag.with_labels(vec![Label::primary(id, start..end)]);
    }
    let config = term::Config::default();
    term::emit_into_string(&config, &files, &diag)
        .unwrap_or_else(|_| format!("warning: {message}\n"))
}
