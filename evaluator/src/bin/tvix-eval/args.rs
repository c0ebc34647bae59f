//! The command line: `nix-instantiate`'s flags parsed with clap, plus every
//! Nix setting (see `settings.rs`), which a first pass rewrites from
//! `--NAME VALUE`, `--NAME`, `--no-NAME` and `--extra-NAME VALUE` into
//! `--option NAME VALUE` so that all of them apply in command-line order.

use std::ffi::OsString;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::PathBuf;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{value_parser, Arg, ArgAction, ArgMatches, Command};

use crate::settings::{self, Config, Kind};

/// How results are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Output {
    /// `nix-instantiate --eval`'s value syntax.
    Plain,
    /// `--raw`: the value coerced to a string, without a newline.
    Raw,
    /// `--json`.
    Json,
    /// `--xml`.
    Xml,
}

/// An `--arg`-style automatic argument.
pub enum AutoArg {
    /// `--arg NAME EXPR`: an expression (bytes: need not be UTF-8).
    Expr(Vec<u8>),
    /// `--argstr NAME STRING`, `--arg-from-file`, `--arg-from-stdin`.
    Str(Vec<u8>),
}

/// Everything the command line asks for.
pub struct Options {
    /// `--eval`: print values instead of instantiating derivations.
    pub eval_only: bool,
    /// `--parse`: print the parsed expression.
    pub parse_only: bool,
    /// `--find-file`: print where search-path lookups resolve.
    pub find_file: bool,
    /// `--strict`.
    pub strict: bool,
    /// The output format.
    pub output: Output,
    /// Source locations in `--xml` output (off with `--no-location`).
    pub xml_location: bool,
    /// `-E`: the positional arguments are expressions.
    pub from_args: bool,
    /// `-`: read an expression from standard input.
    pub read_stdin: bool,
    /// Files (or expressions with `-E`), as bytes.
    pub files: Vec<Vec<u8>>,
    /// `-A` paths.
    pub attr_paths: Vec<String>,
    /// `--arg`/`--argstr` values, in command-line order.
    pub args: Vec<(String, AutoArg)>,
    /// `-I` entries.
    pub include: Vec<String>,
    /// `--read-write-mode`: store objects are written and can be read back.
    pub read_write: bool,
    /// `--dry-run` (instantiation without writing `.drv` files).
    pub dry_run: bool,
    /// `--drv`: print the ATerm of the selected derivation.
    pub drv: bool,
    /// `--store-dir`, else `NIX_STORE_DIR`.
    pub store_dir: Option<String>,
    /// `--write-store`.
    pub write_store: bool,
    /// `--allowed-root`.
    pub allowed_roots: Vec<PathBuf>,
    /// The settings (`--option` and friends).
    pub config: Config,
}

/// What the command line asks the program to do.
pub enum Parsed {
    /// Evaluate.
    Run(Box<Options>),
    /// Print this text (help or version) and exit successfully.
    Print(String),
}

fn flag(id: &'static str, help: &'static str) -> Arg {
    Arg::new(id).long(id).action(ArgAction::SetTrue).help(help)
}

fn valued(id: &'static str, names: &[&'static str], help: &'static str) -> Arg {
    Arg::new(id)
        .long(id)
        .num_args(names.len())
        .value_names(names.to_vec())
        .action(ArgAction::Append)
        .allow_hyphen_values(true)
        .value_parser(value_parser!(OsString))
        .help(help)
}

/// The clap command (flags of nix-instantiate and its common arguments).
pub fn command(program: &str) -> Command {
    Command::new(program.to_string())
        .about(
            "Evaluate Nix expressions: a drop-in for `nix-instantiate --eval` (and --parse), \
             built on the tvix-eval evaluator.",
        )
        .override_usage(format!(
            "{program} [--eval | --parse] [OPTIONS] [-E] [FILE | EXPR | -]..."
        ))
        .disable_help_flag(true)
        .disable_version_flag(true)
        .args_override_self(true)
        .after_help(settings::help_text())
        .arg(flag("eval", "Print the value instead of instantiating derivations").visible_alias("eval-only"))
        .arg(flag("parse", "Print the parsed expression").visible_alias("parse-only"))
        .arg(flag("strict", "Evaluate the whole result, not only its top level"))
        .arg(flag("json", "Print the result as JSON"))
        .arg(flag("xml", "Print the result as XML"))
        .arg(flag("raw", "Print the result (a string) as it is, without a newline"))
        .arg(flag("no-location", "Leave source locations out of --xml output"))
        .arg(flag("find-file", "Print the path each search-path lookup (<name>) resolves to"))
        .arg(
            Arg::new("expr")
                .short('E')
                .long("expr")
                .action(ArgAction::SetTrue)
                .help("The arguments are expressions, not files"),
        )
        .arg(valued("attr", &["ATTRPATH"], "Select an attribute of the result").short('A'))
        .arg(valued("arg", &["NAME", "EXPR"], "Pass EXPR as argument NAME to a top-level function"))
        .arg(valued("argstr", &["NAME", "STRING"], "Pass STRING as argument NAME to a top-level function"))
        .arg(valued("arg-from-file", &["NAME", "PATH"], "Pass a file's contents as argument NAME"))
        .arg(valued("arg-from-stdin", &["NAME"], "Pass standard input as argument NAME"))
        .arg(valued("include", &["PATH"], "Add [NAME=]PATH to the search path").short('I'))
        .arg(flag("impure", "Turn pure-eval off"))
        .arg(valued("option", &["NAME", "VALUE"], "Set a Nix setting (see below)"))
        .arg(flag("read-write-mode", "Write store objects (toFile, path, filterSource) to the store so the evaluation can read them back"))
        .arg(flag("readonly-mode", "Only compute store paths (the default with --eval)"))
        .arg(flag("dry-run", "Instantiate without writing .drv files"))
        .arg(valued("add-root", &["PATH"], "Ignored: no garbage-collector roots without a store daemon"))
        .arg(flag("indirect", "Ignored (as in current Nix)"))
        .arg(flag("drv", "Print the ATerm (.drv contents) of the selected derivation"))
        .arg(valued("store-dir", &["DIR"], "Store directory (default: NIX_STORE_DIR or /nix/store)"))
        .arg(flag("write-store", "Write store objects to the store directory"))
        .arg(valued("allowed-root", &["DIR"], "A directory pure or restricted evaluation may read"))
        // Common Nix arguments without effect here.
        .arg(Arg::new("verbose").short('v').long("verbose").action(ArgAction::Count).hide(true))
        .arg(flag("quiet", "").hide(true))
        .arg(flag("debug", "").hide(true))
        .arg(valued("log-format", &["FORMAT"], "").hide(true))
        .arg(Arg::new("print-build-logs").short('L').long("print-build-logs").action(ArgAction::SetTrue).hide(true))
        .arg(Arg::new("no-build-output").short('Q').long("no-build-output").action(ArgAction::SetTrue).hide(true))
        .arg(Arg::new("keep-failed-short").short('K').action(ArgAction::SetTrue).hide(true))
        .arg(Arg::new("keep-going-short").short('k').action(ArgAction::SetTrue).hide(true))
        .arg(Arg::new("max-jobs-short").short('j').num_args(1).action(ArgAction::Append).hide(true))
        .arg(flag("repair", "").hide(true))
        .arg(flag("debugger", "").hide(true))
        .arg(valued("eval-store", &["URL"], "").hide(true))
        .arg(Arg::new("help").long("help").action(ArgAction::SetTrue).help("Print this help"))
        .arg(Arg::new("version").long("version").action(ArgAction::SetTrue).help("Print the version"))
        .arg(
            Arg::new("files")
                .action(ArgAction::Append)
                .value_parser(value_parser!(OsString))
                .value_name("FILE")
                .help("Files to evaluate (default ./default.nix); `-` reads standard input"),
        )
}

/// Rewrites setting flags into `--option NAME VALUE`; other arguments
/// (and the values of flags that take them) pass through unchanged.
fn rewrite_settings(cmd: &Command, argv: Vec<OsString>) -> Result<Vec<OsString>, String> {
    let takes = |a: &Arg| -> usize {
        if a.get_action().takes_values() {
            a.get_num_args().map(|r| r.min_values()).unwrap_or(1)
        } else {
            0
        }
    };
    let mut out = Vec::with_capacity(argv.len());
    let mut it = argv.into_iter();
    while let Some(a) = it.next() {
        let bytes = a.as_bytes().to_vec();
        if bytes == b"--" {
            out.push(a);
            out.extend(it.by_ref());
            break;
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let known = |long: &str| cmd.get_arguments().find(|x| x.get_long() == Some(long));
        let skip = if let Some(long) = text.strip_prefix("--") {
            if long.contains('=') {
                0
            } else if let Some(arg) = known(long).or_else(|| {
                cmd.get_arguments()
                    .find(|x| x.get_all_aliases().is_some_and(|al| al.contains(&long)))
            }) {
                takes(arg)
            } else {
                let mut value = |n: &str| {
                    it.next()
                        .ok_or_else(|| format!("flag '--{n}' requires 1 argument(s)"))
                };
                let option =
                    |name: &str, v: OsString| vec!["--option".into(), OsString::from(name), v];
                if let Some(s) = settings::find(long) {
                    let v = if s.kind == Kind::Bool {
                        OsString::from("true")
                    } else {
                        value(long)?
                    };
                    out.extend(option(long, v));
                    continue;
                }
                if let Some(s) = long.strip_prefix("no-").and_then(settings::find) {
                    if s.kind == Kind::Bool {
                        out.extend(option(s.name, OsString::from("false")));
                        continue;
                    }
                }
                if let Some(s) = long.strip_prefix("extra-").and_then(settings::find) {
                    if s.kind == Kind::List {
                        let v = value(long)?;
                        out.extend(option(long, v));
                        continue;
                    }
                }
                0
            }
        } else if text.len() == 2 && text.starts_with('-') {
            let c = text.chars().nth(1).unwrap_or('-');
            cmd.get_arguments()
                .find(|x| x.get_short() == Some(c))
                .map(takes)
                .unwrap_or(0)
        } else {
            0
        };
        out.push(a);
        for _ in 0..skip {
            match it.next() {
                Some(v) => out.push(v),
                None => break,
            }
        }
    }
    Ok(out)
}

/// C++ Nix's wording for a command-line error.
fn usage_error(cmd: &Command, e: &clap::Error) -> String {
    let arg = match e.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(s)) => s.split_whitespace().next().unwrap_or("").to_string(),
        _ => String::new(),
    };
    match e.kind() {
        ErrorKind::UnknownArgument => format!("unrecognised flag '{arg}'"),
        ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues | ErrorKind::InvalidValue => {
            let long = arg.trim_start_matches('-');
            let n = cmd
                .get_arguments()
                .find(|a| {
                    a.get_long() == Some(long)
                        || a.get_short().is_some_and(|c| long == c.to_string())
                })
                .and_then(|a| a.get_num_args())
                .map_or(1, |r| r.min_values());
            format!("flag '{arg}' requires {n} argument(s)")
        }
        _ => {
            let text = e.to_string();
            let first = text.lines().next().unwrap_or("invalid arguments");
            first.trim_start_matches("error: ").to_string()
        }
    }
}

fn strings(m: &ArgMatches, id: &str) -> Vec<String> {
    m.get_many::<OsString>(id)
        .map(|v| v.map(|s| s.to_string_lossy().into_owned()).collect())
        .unwrap_or_default()
}

/// Values of a two-value flag, grouped, with the command-line index of each.
fn pairs(m: &ArgMatches, id: &str) -> Vec<(usize, Vec<Vec<u8>>)> {
    let Some(groups) = m.get_occurrences::<OsString>(id) else {
        return Vec::new();
    };
    let indices: Vec<usize> = m.indices_of(id).map(|i| i.collect()).unwrap_or_default();
    let mut out = Vec::new();
    let mut at = 0;
    for g in groups {
        let values: Vec<Vec<u8>> = g.map(|v| v.clone().into_vec()).collect();
        out.push((indices.get(at).copied().unwrap_or(0), values.clone()));
        at += values.len();
    }
    out
}

/// Parses the command line (`argv[0]` included).
pub fn parse(program: &str, argv: Vec<OsString>) -> Result<Parsed, String> {
    let mut cmd = command(program);
    cmd.build();
    let mut rest = argv.into_iter();
    let argv0 = rest.next().unwrap_or_else(|| OsString::from(program));
    let mut full = vec![argv0];
    full.extend(rewrite_settings(&cmd, rest.collect())?);
    let m = cmd
        .clone()
        .try_get_matches_from(full)
        .map_err(|e| usage_error(&cmd, &e))?;
    if m.get_flag("help") {
        return Ok(Parsed::Print(cmd.render_help().to_string()));
    }
    if m.get_flag("version") {
        let version = env!("CARGO_PKG_VERSION");
        return Ok(Parsed::Print(if program == "tvix-eval" {
            format!("tvix-eval {version}\n")
        } else {
            format!("{program} (tvix-eval) {version}\n")
        }));
    }

    let mut config = Config::default();
    // Settings from the environment come first; the command line overrides them.
    if let Ok(text) = std::env::var("NIX_CONFIG") {
        config.apply_conf_text(&text);
    }
    // As in current Nix, NIX_ABORT_ON_WARN=1 (or yes/true) turns abort-on-warn on.
    if let Ok(v) = std::env::var("NIX_ABORT_ON_WARN") {
        if matches!(v.as_str(), "1" | "yes" | "true") {
            config.abort_on_warn = true;
        }
    }
    // Settings and --impure apply in command-line order.
    let mut assignments: Vec<(usize, String, String)> = pairs(&m, "option")
        .into_iter()
        .map(|(i, v)| {
            let text =
                |k: usize| String::from_utf8_lossy(v.get(k).map_or(&[][..], |x| x)).into_owned();
            (i, text(0), text(1))
        })
        .collect();
    if let Some(i) = m.indices_of("impure").and_then(|mut i| i.next_back()) {
        if m.get_flag("impure") {
            assignments.push((i, "pure-eval".into(), "false".into()));
        }
    }
    assignments.sort_by_key(|a| a.0);
    for (_, name, value) in &assignments {
        config.set(name, value);
    }

    let mut args: Vec<(usize, String, AutoArg)> = Vec::new();
    for (i, v) in pairs(&m, "arg") {
        if let [name, expr] = &v[..] {
            args.push((
                i,
                String::from_utf8_lossy(name).into_owned(),
                AutoArg::Expr(expr.clone()),
            ));
        }
    }
    for (i, v) in pairs(&m, "argstr") {
        if let [name, s] = &v[..] {
            args.push((
                i,
                String::from_utf8_lossy(name).into_owned(),
                AutoArg::Str(s.clone()),
            ));
        }
    }
    for (i, v) in pairs(&m, "arg-from-file") {
        if let [name, path] = &v[..] {
            let path = PathBuf::from(OsString::from_vec(path.clone()));
            let data = std::fs::read(&path).map_err(|e| {
                format!(
                    "reading file '{}': {}",
                    path.display(),
                    tvix_eval::io::io_reason(&e)
                )
            })?;
            args.push((
                i,
                String::from_utf8_lossy(name).into_owned(),
                AutoArg::Str(data),
            ));
        }
    }
    for (i, v) in pairs(&m, "arg-from-stdin") {
        if let [name] = &v[..] {
            let mut data = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin(), &mut data)
                .map_err(|e| format!("reading standard input: {e}"))?;
            args.push((
                i,
                String::from_utf8_lossy(name).into_owned(),
                AutoArg::Str(data),
            ));
        }
    }
    args.sort_by_key(|a| a.0);

    let output = if m.get_flag("json") {
        Output::Json
    } else if m.get_flag("xml") {
        Output::Xml
    } else if m.get_flag("raw") {
        Output::Raw
    } else {
        Output::Plain
    };
    let mut files = Vec::new();
    let mut read_stdin = false;
    for f in m.get_many::<OsString>("files").into_iter().flatten() {
        if f.as_bytes() == b"-" {
            read_stdin = true;
        } else {
            files.push(f.as_bytes().to_vec());
        }
    }
    let parse_only = m.get_flag("parse");
    Ok(Parsed::Run(Box::new(Options {
        eval_only: m.get_flag("eval") || parse_only,
        parse_only,
        find_file: m.get_flag("find-file"),
        strict: m.get_flag("strict"),
        output,
        xml_location: !m.get_flag("no-location"),
        from_args: m.get_flag("expr"),
        read_stdin,
        files,
        attr_paths: strings(&m, "attr"),
        args: args.into_iter().map(|(_, n, a)| (n, a)).collect(),
        include: strings(&m, "include"),
        read_write: m.get_flag("read-write-mode"),
        dry_run: m.get_flag("dry-run"),
        drv: m.get_flag("drv"),
        store_dir: strings(&m, "store-dir").pop(),
        write_store: m.get_flag("write-store"),
        allowed_roots: strings(&m, "allowed-root")
            .into_iter()
            .map(PathBuf::from)
            .collect(),
        config,
    })))
}
