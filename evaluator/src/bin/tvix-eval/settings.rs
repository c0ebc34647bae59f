//! Nix configuration settings as the command line sets them: `--option NAME
//! VALUE`, `--NAME VALUE`, and `--NAME` / `--no-NAME` for booleans, with
//! `extra-NAME` appending to list settings. Settings that matter without a
//! store are applied; those that only concern building are accepted and
//! ignored with a note; unknown names get C++ Nix's warning.

use std::collections::BTreeSet;

/// How a setting's value is written.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `true`/`false` (also `yes`/`no`, `1`/`0`).
    Bool,
    /// A non-negative integer.
    Uint,
    /// Free text.
    Text,
    /// A whitespace-separated list; `extra-NAME` appends to it.
    List,
    /// `ignore`, `warn` or `fatal` (the `lint-*` settings).
    Diagnose,
}

/// What this evaluator does with a setting.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Use {
    /// Applied to the evaluation.
    Applied,
    /// Accepted without effect: the behaviour it selects is the only one
    /// this evaluator has (e.g. no debugger, no eval cache).
    Accepted,
    /// Only concerns building or the store daemon: accepted, with a note.
    BuildOnly,
}

/// One known setting.
pub struct Setting {
    /// Its name in `nix.conf`.
    pub name: &'static str,
    /// Its value syntax.
    pub kind: Kind,
    /// Whether it has an effect here.
    pub used: Use,
    /// One line for `--help`.
    pub help: &'static str,
}

const fn s(name: &'static str, kind: Kind, used: Use, help: &'static str) -> Setting {
    Setting {
        name,
        kind,
        used,
        help,
    }
}

use Kind::*;
use Use::*;

/// Every setting the command line accepts.
pub static SETTINGS: &[Setting] = &[
    s(
        "show-trace",
        Bool,
        Applied,
        "print the whole trace of an error",
    ),
    s(
        "pure-eval",
        Bool,
        Applied,
        "pure evaluation mode (no environment, no files outside the store)",
    ),
    s(
        "restrict-eval",
        Bool,
        Applied,
        "only read files below the search path and --allowed-root",
    ),
    s(
        "abort-on-warn",
        Bool,
        Applied,
        "make every evaluation warning an error with a trace (also NIX_ABORT_ON_WARN=1)",
    ),
    s(
        "max-call-depth",
        Uint,
        Applied,
        "the deepest function call nesting allowed (over it: 'stack overflow; max-call-depth exceeded')",
    ),
    s(
        "max-memory",
        Text,
        Applied,
        "stop when the evaluation's values hold more than SIZE bytes (K/M/G/T suffixes; this evaluator's own setting)",
    ),
    s(
        "max-steps",
        Uint,
        Applied,
        "stop after N evaluation steps (VM instructions and forcings; deterministic; this evaluator's own setting)",
    ),
    s(
        "eval-timeout",
        Text,
        Applied,
        "stop evaluating after SECS seconds (fractions allowed; this evaluator's own setting)",
    ),
    s(
        "experimental-features",
        List,
        Applied,
        "experimental features (parse-toml-timestamps changes fromTOML)",
    ),
    s(
        "nix-path",
        List,
        Applied,
        "search path entries, as NIX_PATH",
    ),
    s(
        "eval-system",
        Text,
        Applied,
        "the value of builtins.currentSystem",
    ),
    s(
        "system",
        Text,
        Applied,
        "the value of builtins.currentSystem unless eval-system is set",
    ),
    s(
        "lint-short-path-literals",
        Diagnose,
        Applied,
        "relative path literals without ./ (ignore, warn, fatal; parsed, not yet effective)",
    ),
    s(
        "lint-absolute-path-literals",
        Diagnose,
        Applied,
        "absolute and ~/ path literals (ignore, warn, fatal; parsed, not yet effective)",
    ),
    s(
        "lint-url-literals",
        Diagnose,
        Applied,
        "unquoted URL literals (ignore, warn, fatal; parsed, not yet effective)",
    ),
    s(
        "warn-short-path-literals",
        Bool,
        Applied,
        "deprecated: lint-short-path-literals = warn",
    ),
    s(
        "allowed-uris",
        List,
        Accepted,
        "URI prefixes fetchers may use (this evaluator fetches nothing)",
    ),
    s(
        "allow-import-from-derivation",
        Bool,
        Accepted,
        "import from derivation outputs (never possible here: nothing is built)",
    ),
    s(
        "trace-import-from-derivation",
        Bool,
        Accepted,
        "log imports from derivations",
    ),
    s(
        "allow-unsafe-native-code-during-evaluation",
        Bool,
        Accepted,
        "unsafe native builtins (not provided)",
    ),
    s(
        "trace-verbose",
        Bool,
        Accepted,
        "print builtins.traceVerbose messages",
    ),
    s("trace-function-calls", Bool, Accepted, "log function calls"),
    s("eval-cache", Bool, Accepted, "the flake evaluation cache"),
    s(
        "ignore-try",
        Bool,
        Accepted,
        "debugger: ignore errors inside tryEval",
    ),
    s(
        "debugger-on-trace",
        Bool,
        Accepted,
        "debugger: stop at builtins.trace",
    ),
    s(
        "debugger-on-warn",
        Bool,
        Accepted,
        "debugger: stop at builtins.warn",
    ),
    s("eval-profiler", Text, Accepted, "evaluation profiler"),
    s(
        "eval-profile-file",
        Text,
        Accepted,
        "evaluation profiler output",
    ),
    s(
        "eval-profiler-frequency",
        Uint,
        Accepted,
        "evaluation profiler sampling rate",
    ),
    s("accept-flake-config", Bool, Accepted, "flake nixConfig"),
    s("flake-registry", Text, Accepted, "flake registry"),
    s("use-registries", Bool, Accepted, "flake registries"),
    s("tarball-ttl", Uint, Accepted, "fetcher cache lifetime"),
    s("warn-dirty", Bool, Accepted, "warn about dirty Git trees"),
    s("pure-eval-allowed-paths", List, Accepted, "fetcher paths"),
    s("store", Text, BuildOnly, "the store URL"),
    s("timeout", Uint, BuildOnly, "build timeout"),
    s("max-silent-time", Uint, BuildOnly, "build silence timeout"),
    s("cores", Uint, BuildOnly, "cores per build"),
    s("max-jobs", Text, BuildOnly, "parallel builds"),
    s("sandbox", Text, BuildOnly, "build sandboxing"),
    s("sandbox-fallback", Bool, BuildOnly, "build sandboxing"),
    s("sandbox-paths", List, BuildOnly, "build sandboxing"),
    s("substitute", Bool, BuildOnly, "substitution"),
    s("substituters", List, BuildOnly, "substitution"),
    s("trusted-substituters", List, BuildOnly, "substitution"),
    s("trusted-public-keys", List, BuildOnly, "substitution"),
    s("require-sigs", Bool, BuildOnly, "substitution"),
    s("builders", Text, BuildOnly, "remote builds"),
    s("builders-use-substitutes", Bool, BuildOnly, "remote builds"),
    s("fallback", Bool, BuildOnly, "build instead of substituting"),
    s(
        "keep-going",
        Bool,
        BuildOnly,
        "continue after failed builds",
    ),
    s(
        "keep-failed",
        Bool,
        BuildOnly,
        "keep failed build directories",
    ),
    s("keep-outputs", Bool, BuildOnly, "garbage collection"),
    s("keep-derivations", Bool, BuildOnly, "garbage collection"),
    s("auto-optimise-store", Bool, BuildOnly, "store optimisation"),
    s("build-users-group", Text, BuildOnly, "build users"),
    s("system-features", List, BuildOnly, "build machine features"),
    s("extra-platforms", List, BuildOnly, "build platforms"),
    s("build-dir", Text, BuildOnly, "build directory"),
    s("post-build-hook", Text, BuildOnly, "build hook"),
    s("pre-build-hook", Text, BuildOnly, "build hook"),
    s("build-hook", Text, BuildOnly, "build hook"),
    s("max-build-log-size", Uint, BuildOnly, "build logs"),
    s("log-lines", Uint, BuildOnly, "build logs"),
    s("compress-build-log", Bool, BuildOnly, "build logs"),
    s("netrc-file", Text, BuildOnly, "downloads"),
    s("http-connections", Uint, BuildOnly, "downloads"),
    s("connect-timeout", Uint, BuildOnly, "downloads"),
    s("download-attempts", Uint, BuildOnly, "downloads"),
    s(
        "narinfo-cache-negative-ttl",
        Uint,
        BuildOnly,
        "substitution",
    ),
    s(
        "narinfo-cache-positive-ttl",
        Uint,
        BuildOnly,
        "substitution",
    ),
    s("min-free", Uint, BuildOnly, "garbage collection"),
    s("max-free", Uint, BuildOnly, "garbage collection"),
    s("max-substitution-jobs", Uint, BuildOnly, "substitution"),
    s("print-missing", Bool, BuildOnly, "builds"),
    s("fsync-metadata", Bool, BuildOnly, "store database"),
    s("use-sqlite-wal", Bool, BuildOnly, "store database"),
    s("impure-env", List, BuildOnly, "impure derivations"),
];

/// Experimental features current Nix knows.
const FEATURES: &[&str] = &[
    "ca-derivations",
    "impure-derivations",
    "flakes",
    "fetch-tree",
    "nix-command",
    "git-hashing",
    "recursive-nix",
    "fetch-closure",
    "auto-allocate-uids",
    "cgroups",
    "daemon-trust-override",
    "dynamic-derivations",
    "parse-toml-timestamps",
    "read-only-local-store",
    "local-overlay-store",
    "configurable-impure-env",
    "mounted-ssh-store",
    "verified-fetches",
    "pipe-operators",
    "external-builders",
    "blake3-hashes",
];

/// The setting called `name`.
pub fn find(name: &str) -> Option<&'static Setting> {
    SETTINGS.iter().find(|s| s.name == name)
}

/// A `lint-*` setting's value.
pub use tvix_eval::syntax::lint::Diagnose;

/// The settings this evaluator applies, after the command line.
#[derive(Default)]
pub struct Config {
    /// `show-trace`.
    pub show_trace: bool,
    /// `pure-eval`.
    pub pure: bool,
    /// `restrict-eval`.
    pub restrict: bool,
    /// `abort-on-warn`.
    pub abort_on_warn: bool,
    /// `max-call-depth`.
    pub max_call_depth: Option<usize>,
    /// `max-memory`, in bytes.
    pub max_memory: Option<u64>,
    /// `max-steps`.
    pub max_steps: Option<u64>,
    /// `eval-timeout`.
    pub eval_timeout: Option<std::time::Duration>,
    /// `experimental-features`.
    pub features: BTreeSet<String>,
    /// `nix-path` (replaces `NIX_PATH`; `-I` entries still come first, as in Nix).
    pub nix_path: Option<Vec<String>>,
    /// `eval-system`.
    pub eval_system: Option<String>,
    /// `system`.
    pub system: Option<String>,
    /// `lint-short-path-literals`.
    pub lint_short_paths: Diagnose,
    /// `lint-absolute-path-literals`.
    pub lint_absolute_paths: Diagnose,
    /// `lint-url-literals`.
    pub lint_urls: Diagnose,
    lint_short_paths_set: bool,
    /// Warnings and notes for stderr, in order.
    pub notes: Vec<String>,
}

fn parse_bool(name: &str, value: &str) -> Result<bool, String> {
    match value {
        "true" | "yes" | "1" => Ok(true),
        "false" | "no" | "0" => Ok(false),
        _ => Err(format!(
            "Boolean setting '{name}' has invalid value '{value}'"
        )),
    }
}

fn parse_diagnose(name: &str, value: &str) -> Result<Diagnose, String> {
    match value {
        "ignore" => Ok(Diagnose::Ignore),
        "warn" => Ok(Diagnose::Warn),
        "fatal" => Ok(Diagnose::Fatal),
        _ => Err(format!(
            "invalid value '{value}' for setting '{name}'; expected 'ignore', 'warn' or 'fatal'"
        )),
    }
}

fn words(value: &str) -> impl Iterator<Item = &str> {
    value.split_whitespace()
}

impl Config {
    /// Applies configuration-file text as C++ Nix reads `NIX_CONFIG`: one
    /// `NAME = VALUE` per line, `#` starts a comment, blank lines are
    /// skipped. `include` lines name files, which an evaluator without a
    /// configuration directory does not read (noted on stderr).
    pub fn apply_conf_text(&mut self, text: &str) {
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            if line.starts_with("include ") || line.starts_with("!include ") {
                self.notes.push(format!(
                    "note: ignoring '{line}' in NIX_CONFIG: configuration files are not read"
                ));
                continue;
            }
            match line.split_once('=') {
                Some((name, value)) => self.set(name.trim(), value.trim()),
                None => self.notes.push(format!(
                    "warning: illegal configuration line '{line}' in NIX_CONFIG"
                )),
            }
        }
    }

    /// Applies `NAME = VALUE` as `--option` does: an invalid value or an
    /// unknown name is a warning, not an error (as in C++ Nix).
    pub fn set(&mut self, name: &str, value: &str) {
        if let Err(e) = self.try_set(name, value) {
            self.notes.push(format!("warning: {e}"));
        }
    }

    fn try_set(&mut self, name: &str, value: &str) -> Result<(), String> {
        let (setting, append) = match find(name) {
            Some(s) => (s, false),
            None => match name.strip_prefix("extra-").and_then(find) {
                Some(s) if s.kind == Kind::List => (s, true),
                _ => return Err(format!("unknown setting '{name}'")),
            },
        };
        // Validate the value's syntax first, whatever the setting does.
        match setting.kind {
            Kind::Bool => {
                parse_bool(name, value)?;
            }
            Kind::Uint => {
                value
                    .parse::<u64>()
                    .map_err(|_| format!("setting '{name}' has invalid value '{value}'"))?;
            }
            Kind::Diagnose => {
                parse_diagnose(name, value)?;
            }
            Kind::Text | Kind::List => {}
        }
        match setting.used {
            Use::Accepted => return Ok(()),
            Use::BuildOnly => {
                self.notes.push(format!(
                    "note: ignoring setting '{}': it only concerns building, which this evaluator does not do",
                    setting.name
                ));
                return Ok(());
            }
            Use::Applied => {}
        }
        match setting.name {
            "show-trace" => self.show_trace = parse_bool(name, value)?,
            "pure-eval" => self.pure = parse_bool(name, value)?,
            "restrict-eval" => self.restrict = parse_bool(name, value)?,
            "abort-on-warn" => self.abort_on_warn = parse_bool(name, value)?,
            "max-call-depth" => {
                self.max_call_depth = value.parse().ok();
            }
            "max-memory" => {
                let bytes = tvix_eval::state::limits::parse_size(value).ok_or_else(|| {
                    format!("setting '{name}' has invalid value '{value}' (expected a size such as 512M or 2G)")
                })?;
                self.max_memory = Some(bytes);
            }
            "max-steps" => self.max_steps = value.parse().ok(),
            "eval-timeout" => {
                let secs = value
                    .parse::<f64>()
                    .ok()
                    .filter(|s| s.is_finite() && *s >= 0.0 && *s < 1e12)
                    .ok_or_else(|| {
                        format!("setting '{name}' has invalid value '{value}' (expected seconds)")
                    })?;
                self.eval_timeout = Some(std::time::Duration::from_secs_f64(secs));
            }
            "experimental-features" => {
                if !append {
                    self.features.clear();
                }
                for f in words(value) {
                    if FEATURES.contains(&f) {
                        self.features.insert(f.to_string());
                    } else if f == "no-url-literals" {
                        self.notes.push(format!("warning: experimental feature '{f}' has been stabilized and renamed; use 'lint-url-literals = fatal' setting instead"));
                    } else {
                        self.notes
                            .push(format!("warning: unknown experimental feature '{f}'"));
                    }
                }
            }
            "nix-path" => {
                let list = self.nix_path.get_or_insert_with(Vec::new);
                if !append {
                    list.clear();
                }
                list.extend(words(value).map(str::to_string));
            }
            "eval-system" => self.eval_system = Some(value.to_string()),
            "system" => self.system = Some(value.to_string()),
            "lint-short-path-literals" => {
                self.lint_short_paths = parse_diagnose(name, value)?;
                self.lint_short_paths_set = true;
            }
            "lint-absolute-path-literals" => {
                self.lint_absolute_paths = parse_diagnose(name, value)?
            }
            "lint-url-literals" => self.lint_urls = parse_diagnose(name, value)?,
            "warn-short-path-literals" => {
                let on = parse_bool(name, value)?;
                self.notes.push(format!(
                    "warning: '{name}' is deprecated, use 'lint-short-path-literals = {}' instead",
                    if on { "warn" } else { "ignore" }
                ));
                if !self.lint_short_paths_set {
                    self.lint_short_paths = if on { Diagnose::Warn } else { Diagnose::Ignore };
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// The `--help` section that lists the settings.
pub fn help_text() -> String {
    let mut out = String::from(
        "Settings (--option NAME VALUE, or --NAME VALUE; booleans also --NAME and --no-NAME;\n\
         list settings also --extra-NAME VALUE to append):\n",
    );
    for used in [Use::Applied, Use::Accepted] {
        for s in SETTINGS.iter().filter(|s| s.used == used) {
            out.push_str(&format!("  {:<44} {}\n", s.name, s.help));
        }
    }
    out.push_str("Accepted and ignored with a note (they only concern building):\n ");
    let mut width = 1;
    for s in SETTINGS.iter().filter(|s| s.used == Use::BuildOnly) {
        if width + s.name.len() + 1 > 78 {
            out.push_str("\n ");
            width = 1;
        }
        out.push(' ');
        out.push_str(s.name);
        width += s.name.len() + 1;
    }
    out.push('\n');
    out
}
