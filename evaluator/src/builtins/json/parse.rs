//! `fromJSON`'s parser: nlohmann::json's, building Nix values with an
//! explicit stack instead of recursion.

use super::lex::{token_type_name, Lexer, Tok};
use super::reject_nul_bytes;
use crate::builtins::make_attrs;
use crate::errors::ErrorKind;
use crate::value::{Symbol, Value};

enum Frame {
    Array(Vec<Value>),
    Object(Vec<(Symbol, Value)>, Option<Symbol>),
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    result: Option<Value>,
    /// The last distinct keys read, with their symbols: an array of
    /// records repeats the same few keys, which then need no interning.
    recent_keys: Vec<(Vec<u8>, Symbol)>,
}

/// How many recent keys [`Builder::key`] remembers.
const RECENT_KEYS: usize = 16;

impl Builder {
    fn value(&mut self, v: Value) {
        match self.stack.last_mut() {
            Some(Frame::Array(items)) => items.push(v),
            Some(Frame::Object(pairs, key)) => {
                if let Some(k) = key.take() {
                    pairs.push((k, v));
                }
            }
            None => self.result = Some(v),
        }
    }

    /// Records the key of the next member; current Nix refuses a key with
    /// a NUL byte (`has_nul`) as soon as it is read.
    fn key(&mut self, k: &[u8], has_nul: bool) -> Result<(), String> {
        if has_nul {
            reject_nul_bytes(k)?;
        }
        let sym = match self.recent_keys.iter().find(|(bytes, _)| bytes == k) {
            Some(&(_, sym)) => sym,
            None => {
                let sym = Symbol::new(k);
                if self.recent_keys.len() == RECENT_KEYS {
                    self.recent_keys.remove(0);
                }
                self.recent_keys.push((k.to_vec(), sym));
                sym
            }
        };
        if let Some(Frame::Object(_, key)) = self.stack.last_mut() {
            *key = Some(sym);
        }
        Ok(())
    }

    /// Bytes the arrays and objects being filled hold.
    fn pending_bytes(&self) -> u64 {
        self.stack
            .iter()
            .map(|f| match f {
                Frame::Array(items) => crate::state::vec_bytes(items),
                Frame::Object(pairs, _) => crate::state::vec_bytes(pairs),
            })
            .sum()
    }

    fn end(&mut self) {
        match self.stack.pop() {
            Some(Frame::Array(mut items)) => {
                // Exact size: an array of two would otherwise keep room for four.
                items.shrink_to_fit();
                self.value(Value::list(items))
            }
            Some(Frame::Object(pairs, _)) => self.value(make_attrs(pairs)),
            None => {}
        }
    }
}

struct Parser<'a> {
    lexer: Lexer<'a>,
    last: Tok,
}

impl Parser<'_> {
    fn get_token(&mut self) -> Tok {
        self.last = self.lexer.scan();
        self.last
    }

    fn syntax_error(&self, expected: Tok, context: &str) -> String {
        let mut msg = String::from("syntax error ");
        if !context.is_empty() {
            msg.push_str(&format!("while parsing {context} "));
        }
        msg.push_str("- ");
        if self.last == Tok::ParseError {
            msg.push_str(&format!(
                "{}; last read: '{}'",
                self.lexer.error_message,
                self.lexer.token_string()
            ));
        } else {
            msg.push_str(&format!("unexpected {}", token_type_name(self.last)));
        }
        if expected != Tok::Uninitialized {
            msg.push_str(&format!("; expected {}", token_type_name(expected)));
        }
        format!(
            "[json.exception.parse_error.101] parse error at {}: {msg}",
            self.lexer.position()
        )
    }

    /// The string just read; current Nix refuses one with a NUL byte as
    /// soon as it is read, so the first in document order is the one named.
    fn string_value(&self) -> Result<Value, String> {
        if self.lexer.string_has_nul {
            reject_nul_bytes(&self.lexer.token_buffer)?;
        }
        Ok(Value::string(self.lexer.token_buffer.clone()))
    }

    /// Parses the input; a memory limit reached on the way is left in
    /// `stop` (the `Err` text is then empty).
    fn parse(mut self, stop: &mut Option<ErrorKind>) -> Result<Value, String> {
        let mut b = Builder::default();
        // `true`: inside an array; `false`: inside an object.
        let mut states: Vec<bool> = Vec::new();
        let mut skip_to_state_evaluation = false;
        let mut rounds = 0usize;
        self.get_token();
        loop {
            // Values are charged as they are made, the arrays and objects
            // being filled only when they end.
            rounds += 1;
            if let Err(e) = crate::state::check_building(rounds, || b.pending_bytes()) {
                *stop = Some(e);
                return Err(String::new());
            }
            if !skip_to_state_evaluation {
                match self.last {
                    Tok::BeginObject => {
                        b.stack.push(Frame::Object(Vec::new(), None));
                        if self.get_token() == Tok::EndObject {
                            b.end();
                        } else {
                            if self.last != Tok::Str {
                                return Err(self.syntax_error(Tok::Str, "object key"));
                            }
                            b.key(&self.lexer.token_buffer, self.lexer.string_has_nul)?;
                            if self.get_token() != Tok::NameSeparator {
                                return Err(
                                    self.syntax_error(Tok::NameSeparator, "object separator")
                                );
                            }
                            states.push(false);
                            self.get_token();
                            continue;
                        }
                    }
                    Tok::BeginArray => {
                        b.stack.push(Frame::Array(Vec::new()));
                        if self.get_token() == Tok::EndArray {
                            b.end();
                        } else {
                            states.push(true);
                            continue;
                        }
                    }
                    Tok::Float => {
                        let f = self.lexer.value_float;
                        if !f.is_finite() {
                            return Err(format!(
                                "[json.exception.out_of_range.406] number overflow parsing '{}'",
                                self.lexer.token_string()
                            ));
                        }
                        b.value(Value::Float(f));
                    }
                    Tok::False => b.value(Value::Bool(false)),
                    Tok::True => b.value(Value::Bool(true)),
                    Tok::Null => b.value(Value::Null),
                    Tok::Integer => b.value(Value::Int(self.lexer.value_integer)),
                    Tok::Unsigned => {
                        let u = self.lexer.value_unsigned;
                        let Ok(i) = i64::try_from(u) else {
                            return Err(format!(
                                "unsigned json number {u} outside of Nix integer range"
                            ));
                        };
                        b.value(Value::Int(i));
                    }
                    Tok::Str => b.value(self.string_value()?),
                    Tok::ParseError => return Err(self.syntax_error(Tok::Uninitialized, "value")),
                    _ => return Err(self.syntax_error(Tok::LiteralOrValue, "value")),
                }
            } else {
                skip_to_state_evaluation = false;
            }
            let Some(&in_array) = states.last() else {
                break;
            };
            if in_array {
                if self.get_token() == Tok::ValueSeparator {
                    self.get_token();
                    continue;
                }
                if self.last == Tok::EndArray {
                    b.end();
                    states.pop();
                    skip_to_state_evaluation = true;
                    continue;
                }
                return Err(self.syntax_error(Tok::EndArray, "array"));
            }
            if self.get_token() == Tok::ValueSeparator {
                if self.get_token() != Tok::Str {
                    return Err(self.syntax_error(Tok::Str, "object key"));
                }
                b.key(&self.lexer.token_buffer, self.lexer.string_has_nul)?;
                if self.get_token() != Tok::NameSeparator {
                    return Err(self.syntax_error(Tok::NameSeparator, "object separator"));
                }
                self.get_token();
                continue;
            }
            if self.last == Tok::EndObject {
                b.end();
                states.pop();
                skip_to_state_evaluation = true;
                continue;
            }
            return Err(self.syntax_error(Tok::EndObject, "object"));
        }
        if self.get_token() != Tok::EndOfInput {
            return Err(self.syntax_error(Tok::EndOfInput, "value"));
        }
        Ok(b.result.unwrap_or_default())
    }
}

/// Parses JSON text into a Nix value, with nlohmann::json's error messages
/// (as `ErrorKind::Eval`), or stops at the memory limit.
pub(crate) fn parse_json(input: &[u8]) -> Result<Value, ErrorKind> {
    let mut stop = None;
    let parsed = Parser {
        lexer: Lexer::new(input),
        last: Tok::Uninitialized,
    }
    .parse(&mut stop);
    parsed.map_err(|msg| stop.unwrap_or(ErrorKind::Eval(msg)))
}
