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
compared: this evaluator renders them differently).
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
    a = ap.parse_args()
    lang = os.path.abspath(a.lang)
    cwd = os.path.dirname(lang)
    base = dict(os.environ)
    base.update(TEST_VAR="foo", NIX_STORE_DIR="/nix/store")
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
    if want != got:
        return f"error differs\n  want: {want!r}\n  got:  {got!r}"
    return None


if __name__ == "__main__":
    sys.exit(main())
