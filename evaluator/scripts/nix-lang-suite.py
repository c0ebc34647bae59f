#!/usr/bin/env python3
"""Runs current Nix's language test suite (`tests/functional/lang` of NixOS/nix)
against a nix-instantiate-compatible command, the way `tests/functional/lang.sh`
drives it, and prints `N/M passed`.

usage: nix-lang-suite.py --cmd BIN --lang DIR [--filter WORD] [-v]

DIR is a `lang` folder extracted from a NixOS/nix checkout, e.g.

    git -C NIX_CHECKOUT archive HEAD tests/functional/lang | tar x -C /tmp/nixlang

(never copy it into this repository). Okay cases must exit 0 and print exactly
the `.exp` (or `.exp.xml`) text; their trace/warning lines must match the
first lines of `.err.exp`'s messages. Fail cases must exit 1 with the same
final error message as `.err.exp` (C++ Nix's trace and code frames are not
compared: this evaluator renders them differently). Where C++ Nix 2.8 (this
evaluator's oracle) and current Nix word the same error differently, the
`RULES` below map both wordings to one form; `--exact` turns that off.
"""

import argparse
import os
import re
import subprocess
import sys


def run(cmd, args, cwd, env, stdin=None):
    try:
        p = subprocess.run(
            [cmd] + args,
            cwd=cwd,
            env=env,
            stdin=stdin if stdin is not None else subprocess.DEVNULL,
            capture_output=True,
            timeout=60,
        )
    except subprocess.TimeoutExpired:
        return None, b"", b"timeout"
    return p.returncode, p.stdout, p.stderr


def pwd_normalise(data, cwd):
    return data.decode("utf-8", "replace").replace(cwd, "/pwd")


def expected_error(text):
    """The final `error:` message of C++ Nix's output, without its location."""
    lines = text.splitlines()
    start = None
    for i, line in enumerate(lines):
        if re.match(r"^\s*error:", line):
            start = i
    if start is None:
        return None
    first = re.sub(r"^\s*error:\s?", "", lines[start])
    msg = [first] if first.strip() else []
    for line in lines[start + 1 :]:
        if not line.strip() or re.match(r"^\s*at (.*):\d+:\d+:$", line) or re.match(r"^\s*at «.*»:\d+:\d+:$", line):
            break
        if re.match(r"^\s*\d*\|", line):
            break
        msg.append(line)
    return "\n".join(l.strip() for l in msg).strip()


def actual_error(text):
    """The message of the first `error:` of this evaluator's output."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("error:"):
            msg = [line[len("error:") :]]
            for more in lines[i + 1 :]:
                if not more.strip() or re.match(r"^\s*(┌─|=|\d+ │|│)", more):
                    break
                msg.append(more)
            return "\n".join(l.strip() for l in msg).strip()
    return None


# Bison token names in C++ Nix 2.8's syntax errors, and how current Nix spells them.
TOKENS = {
    "AND": "'&&'", "OR": "'||'", "IMPL": "'->'", "EQ": "'=='", "NEQ": "'!='",
    "LEQ": "'<='", "GEQ": "'>='", "UPDATE": "'//'", "CONCAT": "'++'",
    "ELLIPSIS": "'...'", "ID": "identifier", "OR_KW": "'or'", "DOLLAR_CURLY": "'${'",
    "IF": "'if'", "THEN": "'then'", "ELSE": "'else'", "ASSERT": "'assert'",
    "WITH": "'with'", "LET": "'let'", "IN": "'in'", "REC": "'rec'",
    "INHERIT": "'inherit'", "FLOAT": "floating-point literal", "INT": "integer",
    "PATH": "path", "HPATH": "'~/…' path", "SPATH": "'<…>' path", "URI": "URI",
    "IND_STRING_OPEN": "start of an indented string",
    "IND_STRING_CLOSE": "end of an indented string", "STR": "string",
    "IND_STR": "indented string", "PIPE_FROM": "'<|'", "PIPE_INTO": "'|>'",
}

# Messages C++ Nix 2.8 (this evaluator's oracle) and current Nix word
# differently for the same reason: each rule maps either wording to one form.
RULES = [
    (r"^expected (.+?) but found (.+?)(: .*)?$", r"value is \2 while \1 was expected"),
    (r"^cannot coerce (.+?) to a string(: .*)?$", r"cannot coerce \1 to a string"),
    (r"^`__toString` (?:should|must) return a string, but got (.+?)(: .*)?$", r"cannot coerce \1 to a string"),
    (r"^attempt to call something which is not a function but (.+?)(: .*)?$", r"not a function: \1"),
    (r"^value is (.+?) while a function was expected$", r"not a function: \1"),
    (r"^first argument in call to '.*' is not a function but (.+)$", r"not a function: \1"),
    (r"^cannot compare (.+?) with (.+?)(;.*)?$", r"cannot compare \1 with \2"),
    (r"^attribute '(.+?)' (?:missing|required)( for call to '.*')?(\n.*)?$", r"attribute '\1' missing"),
    (r"^(?:function '.*?'|anonymous function)( at \S+)? called (without required|with unexpected) argument '(.+)'$", r"function called \2 argument '\3'"),
    (r"^'builtins\.elemAt' called with index (-?\d+) on a list of size \d+$", r"list index \1 is out of bounds"),
    (r"^'builtins\.head' called on an empty list$", r"list index 0 is out of bounds"),
    (r"^'(?:builtins\.)?tail' called on an empty list$", r"tail of an empty list"),
    (r"^(?:getting status of|opening file|opening directory) '(.+)': No such file or directory$", r"path '\1' does not exist"),
    (r"^opening directory '(.+)': Not a directory$", r"'\1' is not a directory"),
    (r"^while parsing (?:a )?TOML(?: string)?: .*(?:too large|overflow|as i128).*$", r"TOML integer out of range"),
    (r"^while parsing (?:a )?TOML(?: string)?: (.*)$", r"while parsing TOML: \1"),
    (r"^unknown hash algorithm '(.+?)'.*$", r"unknown hash algorithm '\1'"),
    (r"^(?:integer overflow in dividing .*|overflow in integer division)$", r"overflow in integer division"),
    (r"^'from' and 'to' arguments (?:passed )?to (?:builtins\.replaceStrings|'replaceStrings') have different lengths$", r"replaceStrings lengths differ"),
    (r"^stack overflow.*$", r"stack overflow"),
    (r"^.*experimental (?:Nix )?feature 'pipe-operators'.*$", r"pipe operators disabled"),
    (r"^.*name '(.+?)' contains illegal character '(.)'.*$", r"illegal character '\2'"),
    (r"^store path '.*-(.+?)' contains illegal character '(.)'$", r"illegal character '\2'"),
    (r"^syntax error, (unexpected [^,]*)(, expecting .*)?$", r"syntax error, \1"),
]

# Current Nix explains a failed `assert a == b` by the first difference it
# finds; 2.8 (and this evaluator) print the failed assertion.
EQUALITY_DETAIL = re.compile(
    r"is not equal to|differs from|distinct functions and immediate comparisons"
)


def normalise(msg):
    if msg is None:
        return None
    for word, spelled in TOKENS.items():
        msg = re.sub(r"(?<![A-Za-z_'])" + word + r"(?![A-Za-z_'])", spelled, msg) if msg.startswith("syntax error") else msg
    msg = msg.replace("$end", "end of file")
    for pattern, repl in RULES:
        msg = re.sub(pattern, repl, msg, flags=re.S)
    return msg


def same_reason(want, got):
    if want == got:
        return True
    if want is None or got is None:
        return False
    if EQUALITY_DETAIL.search(want) and got.startswith("assertion '") and "==" in got:
        return True
    return normalise(want) == normalise(got)


def message_heads(text):
    """First lines of the trace/warning messages in a stderr text."""
    heads = []
    for line in text.splitlines():
        m = re.match(r"^(trace|warning|evaluation warning): ?(.*)$", line)
        if m:
            heads.append(f"{m.group(1)}: {m.group(2).strip()}")
    return heads


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cmd", required=True)
    ap.add_argument("--lang", required=True)
    ap.add_argument("--filter", default="")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--exact", action="store_true", help="compare error messages without the 2.8/current wording rules")
    a = ap.parse_args()
    global NORMALISE
    NORMALISE = not a.exact
    lang = os.path.abspath(a.lang)
    cwd = os.path.dirname(lang)
    base = dict(os.environ)
    # The settings Nix's functional tests put in nix.conf (tests/functional/common/init.sh).
    base.update(TEST_VAR="foo", NIX_STORE_DIR="/nix/store",
                NIX_CONFIG="experimental-features = nix-command flakes\nshow-trace = true")
    base.pop("NIX_PATH", None)
    names = sorted(f[:-4] for f in os.listdir(lang) if f.endswith(".nix") and re.match(r"^(parse|eval)-(okay|fail)-", f))
    passed, failed = 0, []
    for n in names:
        if a.filter and a.filter not in n:
            continue
        if n.startswith("eval-okay") and os.path.exists(f"{lang}/{n}.exp-disabled") and not os.path.exists(f"{lang}/{n}.exp"):
            continue
        why = check(a.cmd, lang, cwd, base, n)
        if why is None:
            passed += 1
        else:
            failed.append((n, why))
    for n, why in failed:
        print(f"FAIL {n}: {why}" if a.verbose else f"FAIL {n}: {why.splitlines()[0][:200]}")
    print(f"{passed}/{passed + len(failed)} passed")


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "replace")
    except FileNotFoundError:
        return ""


def flags_of(lang, n):
    path = f"{lang}/{n}.flags"
    if not os.path.exists(path):
        return None
    text = re.sub(r"#.*", "", read(path))
    return text.split()


def check(cmd, lang, cwd, env, n):
    rel = f"lang/{n}.nix"
    if n.startswith("parse-"):
        with open(f"{lang}/{n}.nix", "rb") as f:
            rc, out, err = run(cmd, ["--parse", "-"], cwd, env, stdin=f)
        if n.startswith("parse-fail"):
            return compare_fail(rc, err, cwd, lang, n)
        if rc != 0:
            return f"exit {rc}: {pwd_normalise(err, cwd).strip()}"
        want = read(f"{lang}/{n}.exp")
        got = pwd_normalise(out, cwd)
        return None if got == want else f"output differs\n  want: {want!r}\n  got:  {got!r}"
    flags = flags_of(lang, n)
    if n.startswith("eval-fail"):
        args = (flags if flags is not None else ["--eval", "--strict", "--show-trace"]) + [rel]
        rc, out, err = run(cmd, args, cwd, env)
        return compare_fail(rc, err, cwd, lang, n)
    xml = os.path.exists(f"{lang}/{n}.exp.xml")
    env = dict(env, NIX_PATH="lang/dir3:lang/dir4", HOME="/fake-home")
    if xml:
        args = ["--eval", "--xml", "--no-location", "--strict", rel]
    else:
        args = (flags or []) + ["--eval", "--strict", rel]
    rc, out, err = run(cmd, args, cwd, env)
    if rc != 0:
        return f"exit {rc}: {pwd_normalise(err, cwd).strip()}"
    want = read(f"{lang}/{n}.exp.xml" if xml else f"{lang}/{n}.exp")
    got = pwd_normalise(out, cwd)
    if got != want:
        return f"output differs\n  want: {want!r}\n  got:  {got!r}"
    want_heads = message_heads(read(f"{lang}/{n}.err.exp"))
    got_heads = message_heads(pwd_normalise(err, cwd))
    if want_heads != got_heads:
        return f"stderr differs\n  want: {want_heads!r}\n  got:  {got_heads!r}"
    return None


def compare_fail(rc, err, cwd, lang, n):
    text = pwd_normalise(err, cwd)
    if rc != 1:
        return f"expected exit 1, got {rc}: {text.strip()[:300]}"
    want = expected_error(read(f"{lang}/{n}.err.exp"))
    got = actual_error(text)
    if os.path.exists(f"{lang}/{n}.postprocess"):
        num = lambda s: re.sub(r"[0-9]+", "<number>", s or "")
        want, got = num(want), num(got)
    if want != got and not (NORMALISE and same_reason(want, got)):
        return f"error differs\n  want: {want!r}\n  got:  {got!r}"
    return None


NORMALISE = True

if __name__ == "__main__":
    sys.exit(main())
