//! Bytecode: fixed-width opcodes, chunks with constant tables and one span
//! per instruction (`spans.rs`), and lambda descriptions.

use std::rc::Rc;

use crate::syntax::Span;
use crate::value::{Symbol, Value};

mod spans;
pub(crate) use spans::SpanBuilder;
pub use spans::{AsideSpans, OpSpan};

/// Index into one of a chunk's tables.
pub type Idx = u32;

/// One instruction. Operands are inline, so decoding is a plain `match`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Op {
    /// Push `constants[i]`.
    Constant(Idx),
    /// Push local slot `i` of the current frame (not forced).
    GetLocal(u32),
    /// Push captured upvalue `i` of the running thunk or closure (not forced).
    GetUpvalue(u32),
    /// Push local slot `i`, leaving `null` there: its last read (so the value
    /// may be the only reference, and `++` can extend it in place).
    MoveLocal(u32),
    /// Push upvalue `i` at its last read; moves it when the frame owns it
    /// (the outer argument of a curried call), otherwise copies.
    MoveUpvalue(u32),
    /// Pop a value into local slot `i`.
    SetLocal(u32),
    /// `GetLocal(i)` followed by a `Force` that it skips when the value
    /// needs no evaluation (pushing an evaluated thunk's value directly).
    GetLocalF(u32),
    /// `MoveLocal(i)`, skipping the `Force` after it likewise.
    MoveLocalF(u32),
    /// `GetUpvalue(i)`, skipping the `Force` after it likewise.
    GetUpvalueF(u32),
    /// `MoveUpvalue(i)`, skipping the `Force` after it likewise.
    MoveUpvalueF(u32),
    /// `Constant(i)`, skipping the `Force` after it likewise.
    ConstantF(Idx),
    /// `Select(i)`, skipping the `Force` after it likewise.
    SelectF(Idx),
    /// `SelectOr(i, t)`, skipping the `Force` after it likewise when the
    /// attribute is there.
    SelectOrF(Idx, u32),
    /// Put a fresh, not yet runnable thunk into local slot `i`, so that
    /// recursive bindings can capture it before its code is attached.
    MakeBlank(u32),
    /// Attach `chunks[chunk]` and its captures to the blank thunk in local `slot`.
    InitThunk {
        /// Index into `chunks`.
        chunk: Idx,
        /// The local slot holding the blank thunk.
        slot: u32,
    },
    /// Force the top of the stack to weak head normal form.
    Force,
    /// Drop the top of the stack.
    Pop,
    /// Push a thunk running `chunks[i]` over the values its `captures` name.
    MakeThunk(Idx),
    /// As `MakeThunk(chunk)` for a thunk whose code is one integer
    /// operation, `speculations[spec]`: when its operands are evaluated
    /// integers already, the thunk is made holding the result (see
    /// `compiler/speculate.rs`).
    MakeSpeculativeThunk {
        /// The thunk's code.
        chunk: Idx,
        /// Its operation.
        spec: Idx,
    },
    /// Push a closure of `lambdas[i]` over the values its chunk's `captures` name.
    MakeClosure(Idx),
    /// As `MakeClosure`, but push a thunk standing for the closure (a
    /// lambda in a lazy position, which C++ Nix evaluates only when used).
    MakeClosureThunk(Idx),
    /// Push a thunk giving a copy of `constants[i]`, a list or set literal
    /// of literals only (a thunk in C++ Nix, but one with nothing to run:
    /// see `compiler/constants.rs`).
    MakeLiteralThunk(Idx),
    /// Stack: [f, arg] → f arg (in weak head normal form).
    Call,
    /// Stack: [f, a, b] → f a b.
    Call2,
    /// Look `names[i]` up through the `with` namespaces listed in `withs[j]`.
    WithLookup {
        /// Index into `names`.
        name: Idx,
        /// Index into `withs`.
        withs: Idx,
    },
    /// Check the left operand of `+` on top (it is coerced before the right
    /// one is evaluated): a value no `+` accepts fails now.
    CheckAddLhs,
    /// Check the left operand of `//` on top is a set before the right one is evaluated.
    CheckUpdateLhs,
    /// `a + b` (numbers, strings, paths).
    Add,
    /// `a - b`.
    Sub,
    /// `a * b`.
    Mul,
    /// `a / b`.
    Div,
    /// `a == b` (deep).
    Equal,
    /// `a != b`.
    NotEqual,
    /// `a < b` (`>`, `<=`, `>=` compile to this with swapped operands and `Not`).
    Less,
    /// `a ++ b`.
    Concat,
    /// `a // b`.
    Update,
    /// `!a`.
    Not,
    /// `-a`.
    Negate,
    /// Check the top is a Boolean (for the right side of `&&`, `||`, `->`).
    AssertBool,
    /// Continue at the given instruction.
    Jump(u32),
    /// Pop a Boolean; jump if false.
    JumpIfFalse(u32),
    /// Pop a Boolean; jump if true.
    JumpIfTrue(u32),
    /// Pop a set; push its attribute `names[i]` (not forced).
    Select(Idx),
    /// Pop a string key, then a set; push the attribute.
    SelectDyn,
    /// Pop a value; if it is a set with `names[i]` push the attribute, else jump.
    SelectOr(Idx, u32),
    /// As `SelectOr`, with the key popped from the stack first.
    SelectOrDyn(u32),
    /// Pop a value; push whether it is a set with `names[i]`.
    HasAttr(Idx),
    /// Pop a key then a value; push whether it is a set with that key.
    HasAttrDyn,
    /// Build a set: `attr_sets[i]` names the static keys (values on the stack
    /// in that order), followed by `dynamic` (key, value) pairs.
    MakeAttrs {
        /// Index into `attr_sets`.
        desc: Idx,
        /// Number of dynamic (key, value) pairs.
        dynamic: u32,
    },
    /// Pop `n` values and push them as a list.
    MakeList(u32),
    /// Coerce the top to a string for interpolation.
    CoerceToString,
    /// Pop `n` strings and push their concatenation (contexts merged).
    Interpolate(u32),
    /// Pop `n` values (a path then strings) and push the joined path.
    InterpolatePath(u32),
    /// Fail the assertion whose printed condition is `constants[i]`.
    AssertFail(Idx),
    /// `rec { __overrides = …; }`: pop the forced overrides set, store the
    /// attributes named in `rec_slots[i]` into their local slots (and into the
    /// thunks other bindings captured), and push a set of the remaining ones.
    ApplyOverrides(Idx),
    /// Bind a called lambda's formal arguments from the forced argument on top.
    BindFormals,
    /// End of the chunk: its value is on top of the stack.
    Return,
}

/// Where a captured value comes from in the frame that makes the thunk or closure.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Capture {
    /// A local slot of that frame.
    Local(u32),
    /// One of that frame's own upvalues.
    Upvalue(u32),
}

/// The one integer operation a thunk's code performs, over values the
/// frame making the thunk can read without evaluating anything.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Speculation {
    /// `Add`, `Sub`, `Mul`, `Div`, `Less`, `Equal` or `NotEqual`.
    pub op: Op,
    /// Whether the result is negated (`x >= y` and `y <= x` are `!(x < y)`).
    pub negate: bool,
    /// The left operand.
    pub lhs: SpecOperand,
    /// The right operand.
    pub rhs: SpecOperand,
}

/// An operand of a [`Speculation`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SpecOperand {
    /// A value the thunk captures, read where the making frame reads it.
    Captured(Capture),
    /// An integer literal.
    Int(i64),
}

/// The static part of an attribute-set literal.
#[derive(Debug, Clone)]
pub struct AttrsDesc {
    /// Static names in sorted order, with their definition positions.
    pub names: Vec<(Symbol, crate::syntax::Pos)>,
    /// Spans of the dynamic keys, in order (for errors), and their positions.
    pub dynamic_spans: Vec<Span>,
    /// Positions of the dynamic attributes.
    pub dynamic_pos: Vec<crate::syntax::Pos>,
}

/// A compiled piece of code. Its tables are boxed slices, exactly as long
/// as what they hold (a generated file makes hundreds of thousands of
/// chunks); the compiler fills a `ChunkBuilder` and then takes the chunk
/// out of it.
#[derive(Debug)]
pub struct Chunk {
    /// The instructions.
    pub code: Box<[Op]>,
    /// One span per instruction (for errors only; read them with
    /// [`Chunk::span_at`]), in file `span_file`.
    pub spans: Box<[OpSpan]>,
    /// Constants used by `Constant`.
    pub constants: Box<[Value]>,
    /// Attribute and variable names used by instructions.
    pub names: Box<[Symbol]>,
    /// Thunk bodies made by `MakeThunk`.
    pub chunks: Box<[Rc<Chunk>]>,
    /// Lambdas made by `MakeClosure`.
    pub lambdas: Box<[Rc<Lambda>]>,
    /// Static parts of attribute-set literals.
    pub attr_sets: Box<[AttrsDesc]>,
    /// The values a thunk or closure of this chunk captures when it is made,
    /// read from the frame that makes it.
    pub captures: Box<[Capture]>,
    /// Local slots a frame running this chunk needs.
    pub locals: u32,
    /// The file of the spans in `spans`.
    pub span_file: u32,
    /// For the thunk of an attribute's value: the attribute, for error
    /// traces (see [`Chunk::description`]).
    pub attribute: Option<Symbol>,
    /// Operations of the thunks made by `MakeSpeculativeThunk` (hot in
    /// integer recursion: not among the rare parts).
    pub speculations: Box<[Speculation]>,
    /// What few chunks have (see [`ChunkRare`]); `None` when all is empty.
    pub rare: Option<Box<ChunkRare>>,
    /// For the stand-in of a binding compiled when first forced: its
    /// expression (see [`crate::compiler::defer`]). Here rather than among
    /// the rare parts: a large scope has a stand-in per binding, and this
    /// field fits in the chunk's allocation size class where a rare part
    /// would be an allocation of its own.
    pub(crate) deferred: Option<Box<crate::compiler::defer::Deferred>>,
    /// Keeps the names this code uses interned (zero-sized).
    pub names_lease: crate::value::NameLease,
}

// Boxed slices instead of vectors (328 bytes before), the rare parts
// behind one pointer (240 before). With its `Rc` counts a chunk is then in
// mimalloc's 192-byte size class.
const _: () = assert!(std::mem::size_of::<Chunk>() <= 176);

/// The parts of a [`Chunk`] that only some chunks have: `with` bodies,
/// `rec` sets with `__overrides` and lambda bodies.
#[derive(Debug)]
pub struct ChunkRare {
    /// `with` namespaces searched by `WithLookup`, innermost first.
    pub withs: Box<[Vec<Capture>]>,
    /// Names and local slots of `rec` sets that use `__overrides`.
    pub rec_slots: Box<[Vec<(Symbol, u32)>]>,
    /// For a lambda body with a `{ … }` pattern: its formals.
    pub formals: Option<Formals>,
    /// For a lambda body: the lambda's name and position, for error messages.
    pub lambda_name: Option<Symbol>,
    /// Where the lambda is written.
    pub lambda_span: Span,
    /// Spans of instructions from another file than the chunk's, by
    /// instruction (see [`OpSpan`]).
    pub aside_spans: AsideSpans,
}

/// A chunk under construction: [`Chunk`]'s fields, its tables as vectors
/// the compiler pushes to. [`ChunkBuilder::take_exact`] moves them out.
#[derive(Debug)]
pub(crate) struct ChunkBuilder {
    pub code: Vec<Op>,
    pub spans: SpanBuilder,
    pub constants: Vec<Value>,
    pub names: Vec<Symbol>,
    pub chunks: Vec<Rc<Chunk>>,
    pub lambdas: Vec<Rc<Lambda>>,
    pub attr_sets: Vec<AttrsDesc>,
    pub withs: Vec<Vec<Capture>>,
    pub rec_slots: Vec<Vec<(Symbol, u32)>>,
    pub speculations: Vec<Speculation>,
    pub captures: Vec<Capture>,
    pub locals: u32,
    pub attribute: Option<Symbol>,
    pub formals: Option<Formals>,
    pub lambda_name: Option<Symbol>,
    pub lambda_span: Span,
    pub deferred: Option<Box<crate::compiler::defer::Deferred>>,
    pub names_lease: crate::value::NameLease,
}

/// A table at least this long is handed over rather than copied (see
/// [`exact`]).
const LARGE_TABLE: usize = 1 << 12;

/// The elements of `v` moved into a boxed slice exactly as long (`v` keeps
/// its room for the next chunk). A large table is handed over and shrunk
/// where it lies instead (allocators shrink a block in place when at least
/// half of it stays, which growth by doubling leaves): a copy would hold
/// the chunk's code twice at the peak of compiling it (a 100,000-line
/// interpolated string, 14 MB of code and spans), and such room is rarely
/// needed again.
fn exact<T>(v: &mut Vec<T>) -> Box<[T]> {
    if v.capacity() >= LARGE_TABLE {
        return std::mem::take(v).into_boxed_slice();
    }
    let mut out = Vec::with_capacity(v.len());
    out.append(v);
    // Already exactly as long as it holds: no reallocation.
    out.into_boxed_slice()
}

/// Code nests as deep as the source (a 10,000-deep list literal makes
/// 10,000 nested chunks): free the nested chunks with a work list instead
/// of recursively.
impl Drop for Chunk {
    fn drop(&mut self) {
        if self.chunks.is_empty() && self.lambdas.is_empty() {
            return;
        }
        let mut pending = std::mem::take(&mut self.chunks).into_vec();
        let mut lambdas = std::mem::take(&mut self.lambdas).into_vec();
        loop {
            for lambda in lambdas.drain(..) {
                if let Ok(lambda) = Rc::try_unwrap(lambda) {
                    pending.push(lambda.chunk);
                }
            }
            let Some(chunk) = pending.pop() else {
                break;
            };
            if let Ok(mut chunk) = Rc::try_unwrap(chunk) {
                pending.extend(std::mem::take(&mut chunk.chunks));
                lambdas.extend(std::mem::take(&mut chunk.lambdas));
            }
        }
    }
}

impl Default for ChunkBuilder {
    fn default() -> ChunkBuilder {
        ChunkBuilder {
            code: Vec::new(),
            spans: SpanBuilder::default(),
            constants: Vec::new(),
            names: Vec::new(),
            chunks: Vec::new(),
            lambdas: Vec::new(),
            attr_sets: Vec::new(),
            withs: Vec::new(),
            rec_slots: Vec::new(),
            speculations: Vec::new(),
            captures: Vec::new(),
            locals: 0,
            attribute: None,
            formals: None,
            lambda_name: None,
            lambda_span: Span::NONE,
            deferred: None,
            names_lease: crate::value::NameLease::new(),
        }
    }
}

impl ChunkBuilder {
    /// Moves everything out into a new chunk whose tables are exactly as
    /// long as what they hold; this builder is left empty (as new), its
    /// vectors keeping their room for the next chunk.
    pub fn take_exact(&mut self) -> Chunk {
        let (span_file, spans, aside_spans) = self.spans.take();
        Chunk {
            code: exact(&mut self.code),
            spans,
            span_file,
            constants: exact(&mut self.constants),
            names: exact(&mut self.names),
            chunks: exact(&mut self.chunks),
            lambdas: exact(&mut self.lambdas),
            attr_sets: exact(&mut self.attr_sets),
            captures: exact(&mut self.captures),
            locals: std::mem::take(&mut self.locals),
            attribute: self.attribute.take(),
            speculations: exact(&mut self.speculations),
            rare: self.take_rare(aside_spans),
            deferred: self.deferred.take(),
            names_lease: std::mem::take(&mut self.names_lease),
        }
    }

    /// The rare parts ([`ChunkRare`]), if any is not empty.
    fn take_rare(&mut self, aside_spans: AsideSpans) -> Option<Box<ChunkRare>> {
        let none = aside_spans.is_empty()
            && self.withs.is_empty()
            && self.rec_slots.is_empty()
            && self.formals.is_none()
            && self.lambda_name.is_none()
            && self.lambda_span == Span::NONE;
        if none {
            return None;
        }
        Some(Box::new(ChunkRare {
            withs: exact(&mut self.withs),
            rec_slots: exact(&mut self.rec_slots),
            formals: self.formals.take(),
            lambda_name: self.lambda_name.take(),
            lambda_span: std::mem::replace(&mut self.lambda_span, Span::NONE),
            aside_spans,
        }))
    }
}

impl Chunk {
    /// What a thunk of this chunk computes, as error traces say it.
    pub fn description(&self) -> Option<String> {
        self.attribute
            .map(|n| format!("while evaluating the attribute '{n}'"))
    }

    /// The span of the instruction at `ip`.
    #[inline]
    pub fn span_at(&self, ip: usize) -> Span {
        // Read on every builtin call (which keeps its span for errors).
        match self.spans.get(ip) {
            Some(&s) if !s.is_elsewhere() => s.in_file(self.span_file),
            _ => self.span_aside(ip),
        }
    }

    /// The span kept aside for instruction `ip` (see [`OpSpan`]), else none.
    #[cold]
    fn span_aside(&self, ip: usize) -> Span {
        let aside = self.rare.as_ref().map_or(&[][..], |r| &r.aside_spans[..]);
        spans::span_aside(aside, ip)
    }

    /// The span of the last instruction (a thunk's or body's `Return`,
    /// which spans the whole expression).
    pub fn last_span(&self) -> Span {
        self.span_at(self.spans.len().wrapping_sub(1))
    }

    /// `with` namespaces searched by `WithLookup`, innermost first.
    pub fn withs(&self) -> &[Vec<Capture>] {
        self.rare.as_deref().map_or(&[], |r| &r.withs)
    }

    /// Names and local slots of `rec` sets that use `__overrides`.
    pub fn rec_slots(&self) -> &[Vec<(Symbol, u32)>] {
        self.rare.as_deref().map_or(&[], |r| &r.rec_slots)
    }

    /// For the stand-in of a deferred binding: its expression.
    pub(crate) fn deferred(&self) -> Option<&crate::compiler::defer::Deferred> {
        self.deferred.as_deref()
    }

    /// For a lambda body with a `{ … }` pattern: its formals.
    pub fn formals(&self) -> Option<&Formals> {
        self.rare.as_deref().and_then(|r| r.formals.as_ref())
    }

    /// For a lambda body: the lambda's name.
    pub fn lambda_name(&self) -> Option<Symbol> {
        self.rare.as_deref().and_then(|r| r.lambda_name)
    }

    /// For a lambda body: where the lambda is written.
    pub fn lambda_span(&self) -> Span {
        self.rare.as_deref().map_or(Span::NONE, |r| r.lambda_span)
    }
}

/// One formal argument of a lambda.
#[derive(Debug)]
pub struct Formal {
    /// The formal's name.
    pub name: Symbol,
    /// Its default value, if any.
    pub default: Option<FormalDefault>,
    /// Where the formal is declared (`unsafeGetAttrPos` on `functionArgs`).
    pub pos: crate::syntax::Pos,
}

/// How a missing formal argument gets its default, decided at compile time
/// the way C++ Nix's `maybeThunk` decides it.
#[derive(Debug)]
pub enum FormalDefault {
    /// A literal.
    Constant(Value),
    /// A variable already bound when the formal is (an earlier formal or an
    /// outer variable), shared without a thunk.
    Share(Capture),
    /// A thunk running this chunk (its captures are read from the lambda's frame).
    Thunk(Rc<Chunk>),
}

/// A lambda's `{ a, b ? d, ... }@x` pattern.
#[derive(Debug)]
pub struct Formals {
    /// Sorted by name; formal `i` lives in local slot `i`.
    pub entries: Vec<Formal>,
    /// Whether `...` accepts other attributes.
    pub ellipsis: bool,
}

/// A compiled lambda. Its formals live in its chunk, where `BindFormals` reads them.
#[derive(Debug)]
pub struct Lambda {
    /// The body.
    pub chunk: Rc<Chunk>,
    /// Whether the argument is a `{ … }` pattern.
    pub has_formals: bool,
    /// The name it was bound to, for error messages.
    pub name: Option<Symbol>,
    /// Where the lambda is written.
    pub span: Span,
    /// Slot of the `@` binding, if any.
    pub bind_slot: Option<u32>,
}
