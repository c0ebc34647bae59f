//! Runs the language corpus in `tests/lang/` through the `tvix-eval` binary
//! and compares with the expectations C++ Nix produced. A case's
//! `NAME.flags` file adds command-line flags.
//!
//! `tests/lang/known-failures.txt` lists cases that do not pass yet. A listed
//! case that passes fails the run too, so the list only ever shrinks
//! (`PRUNE_KNOWN_FAILURES=1` removes the names that pass now).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn lang_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lang")
}

enum Outcome {
    Pass,
    Fail(String),
}

fn run_case(dir: &Path, name: &str) -> Outcome {
    let okay = name.starts_with("eval-okay-");
    // `NAME.flags` holds extra command-line flags, as in Nix's own suite.
    let flags = std::fs::read_to_string(dir.join(format!("{name}.flags"))).unwrap_or_default();
    let out = Command::new(env!("CARGO_BIN_EXE_tvix-eval"))
        .args(flags.split_whitespace())
        .args(["--eval", "--strict", &format!("{name}.nix")])
        .current_dir(dir)
        .env("NIX_PATH", "")
        .env("HOME", std::env::temp_dir())
        .output();
    let out = match out {
        Ok(o) => o,
        Err(e) => return Outcome::Fail(format!("could not run tvix-eval: {e}")),
    };
    if okay {
        let expected = std::fs::read(dir.join(format!("{name}.exp"))).unwrap_or_default();
        if !out.status.success() {
            return Outcome::Fail(format!(
                "expected success, got exit {:?}\nstderr:\n{}",
                out.status.code(),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        if out.stdout != expected {
            return Outcome::Fail(format!(
                "output differs\n  expected: {}\n  actual:   {}",
                String::from_utf8_lossy(&expected).trim_end(),
                String::from_utf8_lossy(&out.stdout).trim_end()
            ));
        }
        return Outcome::Pass;
    }
    if out.status.success() {
        return Outcome::Fail(format!(
            "expected failure, got success: {}",
            String::from_utf8_lossy(&out.stdout)
        ));
    }
    if out.status.code() != Some(1) {
        return Outcome::Fail(format!("expected exit 1, got {:?}", out.status.code()));
    }
    let Ok(expected) = std::fs::read_to_string(dir.join(format!("{name}.err"))) else {
        return Outcome::Pass;
    };
    let prefix = format!("{}/", dir.display());
    let stderr = String::from_utf8_lossy(&out.stderr).replace(&prefix, "");
    let first = stderr
        .lines()
        .find(|l| !l.starts_with("warning: "))
        .unwrap_or("");
    if first.trim_end() != expected.trim_end() {
        return Outcome::Fail(format!(
            "error differs\n  expected: {}\n  actual:   {}",
            expected.trim_end(),
            first
        ));
    }
    Outcome::Pass
}

#[test]
fn language_corpus() {
    let dir = lang_dir();
    let known: BTreeSet<String> = std::fs::read_to_string(dir.join("known-failures.txt"))
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("tests/lang exists")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| {
            (n.starts_with("eval-okay-") || n.starts_with("eval-fail-")) && n.ends_with(".nix")
        })
        .map(|n| n.trim_end_matches(".nix").to_string())
        .collect();
    names.sort();
    let only = std::env::var("LANG_TEST_FILTER").ok();
    let (mut passed, mut failed, mut expected_failures) = (0, 0, 0);
    let mut report = String::new();
    let mut newly_passing = Vec::new();
    for name in &names {
        if let Some(f) = &only {
            if !name.contains(f.as_str()) {
                continue;
            }
        }
        match run_case(&dir, name) {
            Outcome::Pass if known.contains(name) => newly_passing.push(name.clone()),
            Outcome::Pass => passed += 1,
            Outcome::Fail(_) if known.contains(name) => expected_failures += 1,
            Outcome::Fail(why) => {
                failed += 1;
                report.push_str(&format!("FAIL {name}: {why}\n"));
            }
        }
    }
    eprint!("{report}");
    if std::env::var_os("PRUNE_KNOWN_FAILURES").is_some() && !newly_passing.is_empty() {
        // Only removes names: a failing case can never be added this way.
        let path = dir.join("known-failures.txt");
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let kept: Vec<&str> = text
            .lines()
            .filter(|l| !newly_passing.iter().any(|n| n == l.trim()))
            .collect();
        std::fs::write(&path, kept.join("\n") + "\n").expect("known-failures.txt is writable");
        eprintln!(
            "pruned {} names from known-failures.txt",
            newly_passing.len()
        );
        newly_passing.clear();
    }
    for n in &newly_passing {
        eprintln!("NOW PASSING (remove from known-failures.txt): {n}");
    }
    eprintln!(
        "language corpus: {passed} passed, {failed} failed, {expected_failures} known failures, {} newly passing",
        newly_passing.len()
    );
    assert!(
        failed == 0 && newly_passing.is_empty(),
        "language corpus has unexpected results (see above)"
    );
}
