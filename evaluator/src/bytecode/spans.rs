//! Instructions' spans in eight bytes each: a chunk's code comes from one
//! file, so the file is stored once per chunk rather than with every span.

use crate::syntax::Span;

/// Where one instruction is in its chunk's file: a [`Span`] without the
/// file, 8 bytes instead of 12 (the code of a chunk and its spans are most
/// of a large file's compiled size).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpSpan {
    start: u32,
    end: u32,
}

impl OpSpan {
    /// No span in the chunk's file: [`Span::NONE`], or a span kept aside.
    /// Any span that starts at `u32::MAX` is kept aside (none does: files
    /// are smaller), so the start alone tells.
    const ELSEWHERE: OpSpan = OpSpan {
        start: u32::MAX,
        end: 0,
    };

    #[inline]
    pub(super) fn is_elsewhere(self) -> bool {
        self.start == u32::MAX
    }

    /// The whole span, in `file`.
    #[inline]
    pub(super) fn in_file(self, file: u32) -> Span {
        Span {
            file,
            start: self.start,
            end: self.end,
        }
    }
}

/// Spans kept aside, by the index of their instruction: those in another
/// file than their chunk (see [`OpSpan`]).
pub type AsideSpans = Box<[(u32, Span)]>;

/// The spans of a chunk under construction (see [`OpSpan`]).
#[derive(Debug, Default)]
pub(crate) struct SpanBuilder {
    /// The file of the first span that has one.
    file: Option<u32>,
    spans: Vec<OpSpan>,
    /// Spans in another file than `file`, with their instruction's index:
    /// the compiler makes none today, but a chunk must not lose one.
    aside: Vec<(u32, Span)>,
}

impl SpanBuilder {
    /// Adds the span of the next instruction.
    #[inline]
    pub(crate) fn push(&mut self, span: Span) {
        let short = OpSpan {
            start: span.start,
            end: span.end,
        };
        if self.file == Some(span.file) && !short.is_elsewhere() {
            self.spans.push(short);
        } else {
            self.push_other(span, short);
        }
    }

    /// [`SpanBuilder::push`] for no span, the first span, or one that
    /// cannot be stored short.
    #[cold]
    fn push_other(&mut self, span: Span, short: OpSpan) {
        if span == Span::NONE {
            self.spans.push(OpSpan::ELSEWHERE);
            return;
        }
        let file = *self.file.get_or_insert(span.file);
        if file == span.file && !short.is_elsewhere() {
            self.spans.push(short);
        } else {
            self.aside.push((self.spans.len() as u32, span));
            self.spans.push(OpSpan::ELSEWHERE);
        }
    }

    /// Moves the spans out (see `ChunkBuilder::take_exact`): the file, the
    /// table and the spans kept aside. The builder is left empty.
    pub(super) fn take(&mut self) -> (u32, Box<[OpSpan]>, AsideSpans) {
        let file = self.file.take().unwrap_or(Span::NONE.file);
        let spans = super::exact(&mut self.spans);
        let aside = std::mem::take(&mut self.aside).into_boxed_slice();
        (file, spans, aside)
    }
}

/// The span kept aside for instruction `ip`, else none.
#[cold]
pub(super) fn span_aside(aside: &[(u32, Span)], ip: usize) -> Span {
    aside
        .binary_search_by_key(&ip, |&(at, _)| at as usize)
        .map_or(Span::NONE, |k| aside[k].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_read_back_as_they_were_added() {
        let spans = [
            Span::NONE,
            Span {
                file: 3,
                start: 10,
                end: 20,
            },
            Span::NONE,
            Span {
                file: 3,
                start: 0,
                end: 0,
            },
            // Another file, and a span that looks like the sentinel.
            Span {
                file: 7,
                start: 1,
                end: 2,
            },
            Span {
                file: 3,
                start: u32::MAX,
                end: 0,
            },
            Span {
                file: 3,
                start: u32::MAX,
                end: u32::MAX,
            },
            Span {
                file: u32::MAX,
                start: 5,
                end: 9,
            },
            Span {
                file: 3,
                start: 30,
                end: 31,
            },
        ];
        // Through a whole chunk, as the VM reads them.
        let mut b = super::super::ChunkBuilder::default();
        for s in spans {
            b.spans.push(s);
        }
        let chunk = b.take_exact();
        assert_eq!(chunk.span_file, 3);
        assert_eq!(chunk.spans.len(), spans.len());
        let aside = chunk.rare.as_ref().map_or(0, |r| r.aside_spans.len());
        assert_eq!(aside, 4);
        for (ip, s) in spans.iter().enumerate() {
            assert_eq!(chunk.span_at(ip), *s, "instruction {ip}");
        }
        assert_eq!(chunk.span_at(spans.len()), Span::NONE);
        assert_eq!(chunk.last_span(), spans[spans.len() - 1]);
        assert_eq!(b.take_exact().spans.len(), 0, "the builder is left empty");
    }

    #[test]
    fn spans_take_eight_bytes() {
        assert_eq!(std::mem::size_of::<OpSpan>(), 8);
    }
}
