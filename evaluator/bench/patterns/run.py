#!/usr/bin/env python3
"""Evaluation patterns: instructions per pattern, tvix-eval against nix-instantiate.

Each pattern repeats one construct the module system and nixpkgs lib lean
on (calls with formals, `//`, selections with `or`, `mapAttrs`, `filter`
and `map`, `concatMap`, lazy sets and lists in function bodies, `rec`,
`with`, string interpolation, `listToAttrs`, type predicates, `elem`, ...)
inside a `foldl'` loop, so that one number says what that construct costs
against C++ Nix. Instructions are callgrind's Ir, with each evaluator's
start-up (evaluating `0`) subtracted; `foldl-only` is the loop alone, so a
pattern's own cost is its row minus that one.

The real-world benchmarks (../realworld) say how far off we are; these say
where. Results are deterministic, so one run is enough.

usage: run.py TVIX_EVAL [--nix nix-instantiate] [--only REGEX] [--n 100000]
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

# name -> (expression with N for the loop length, divisor of N for heavier patterns)
PATTERNS = {
    "foldl-only": ("builtins.foldl' (acc: i: acc + i) 0 (builtins.genList (i: i) N)", 1),
    "call-formals": (
        "let f = { a, b ? 1, ... }: a + b; in "
        "builtins.foldl' (acc: i: acc + f { a = i; c = 2; }) 0 (builtins.genList (i: i) N)",
        1,
    ),
    "call-formals-at": (
        "let f = { a, b ? 1, ... }@args: a + b + args.c; in "
        "builtins.foldl' (acc: i: acc + f { a = i; c = 2; }) 0 (builtins.genList (i: i) N)",
        1,
    ),
    "curried-3": (
        "let f = a: b: c: a + b + c; in "
        "builtins.foldl' (acc: i: acc + f i 1 2) 0 (builtins.genList (i: i) N)",
        1,
    ),
    "update": (
        "let base = { a = 1; b = 2; c = 3; d = 4; e = 5; f = 6; g = 7; h = 8; }; in "
        "builtins.foldl' (acc: i: acc + (base // { x = i; c = i; }).c) 0 (builtins.genList (i: i) N)",
        1,
    ),
    "select-or": (
        "let s = { a = { b = { c = 1; }; }; }; in "
        "builtins.foldl' (acc: i: acc + s.a.b.c + (s.a.x or i)) 0 (builtins.genList (i: i) N)",
        1,
    ),
    "map-attrs": (
        "let s = builtins.listToAttrs (builtins.genList (i: { name = \"k${toString i}\"; value = i; }) 20); in "
        "builtins.foldl' (acc: i: acc + (builtins.mapAttrs (n: v: v + i) s).k7) 0 (builtins.genList (i: i) N)",
        5,
    ),
    "filter-map": (
        "let l = builtins.genList (i: i) 20; in "
        "builtins.foldl' (acc: i: acc + builtins.length (builtins.filter (x: x > 10) (map (x: x + i) l))) 0 "
        "(builtins.genList (i: i) N)",
        5,
    ),
    "concat-map": (
        "let l = builtins.genList (i: i) 10; in "
        "builtins.foldl' (acc: i: acc + builtins.length (builtins.concatMap (x: [ x i ]) l)) 0 "
        "(builtins.genList (i: i) N)",
        5,
    ),
    "let-in-function": (
        "let f = i: let a = i + 1; b = a * 2; c = { x = a; y = b; }; in c.x + c.y; in "
        "builtins.foldl' (acc: i: acc + f i) 0 (builtins.genList (i: i) N)",
        1,
    ),
    "rec-set": (
        "let f = i: (rec { a = i; b = a + 1; c = b + a; }).c; in "
        "builtins.foldl' (acc: i: acc + f i) 0 (builtins.genList (i: i) N)",
        1,
    ),
    "with": (
        "let s = { a = 1; b = 2; }; f = i: with s; a + b + i; in "
        "builtins.foldl' (acc: i: acc + f i) 0 (builtins.genList (i: i) N)",
        1,
    ),
    "interpolation": (
        "builtins.foldl' (acc: i: acc + builtins.stringLength \"x-${toString i}-y-${toString (i + 1)}\") 0 "
        "(builtins.genList (i: i) N)",
        1,
    ),
    "list-to-attrs": (
        "builtins.foldl' (acc: i: acc + (builtins.listToAttrs [ { name = \"a\"; value = i; } "
        "{ name = \"b\"; value = 1; } { name = \"c\"; value = 2; } ]).a) 0 (builtins.genList (i: i) N)",
        1,
    ),
    "type-predicates": (
        "builtins.foldl' (acc: i: acc + (if builtins.isAttrs i || builtins.isList i || "
        "builtins.isFunction i || builtins.isString i then 0 else 1)) 0 (builtins.genList (i: i) N)",
        1,
    ),
    "elem": (
        "let l = [ \"a\" \"b\" \"c\" \"d\" \"e\" ]; in "
        "builtins.foldl' (acc: i: acc + (if builtins.elem \"d\" l then 1 else 0)) 0 (builtins.genList (i: i) N)",
        1,
    ),
    "has-attr-dynamic": (
        "let s = { a = 1; b = 2; c = 3; }; in "
        "builtins.foldl' (acc: i: acc + (if s ? ${if i > 5 then \"a\" else \"z\"} then 1 else 0)) 0 "
        "(builtins.genList (i: i) N)",
        1,
    ),
    "closure-captures": (
        "let a = 1; b = 2; c = 3; d = 4; e = 5; f = i: let g = x: x + a + b + c + d + e + i; in g 1; in "
        "builtins.foldl' (acc: i: acc + f i) 0 (builtins.genList (i: i) N)",
        1,
    ),
    "lazy-list": (
        "let f = i: [ (i + 1) (i + 2) (i * 3) ]; in "
        "builtins.foldl' (acc: i: acc + builtins.elemAt (f i) 2) 0 (builtins.genList (i: i) N)",
        1,
    ),
    "lazy-set": (
        "let f = i: { a = i + 1; b = i + 2; c = i * 3; d = toString i; }; in "
        "builtins.foldl' (acc: i: acc + (f i).c) 0 (builtins.genList (i: i) N)",
        1,
    ),
}


def instructions(cmd, cwd):
    """Callgrind's instruction count for a command (its output must succeed)."""
    out = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"] + cmd,
        cwd=cwd,
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{out.stderr[-2000:]}")
    m = re.search(r"Collected : (\d+)", out.stderr)
    if not m:
        raise SystemExit(f"no instruction count for {' '.join(cmd)}")
    return int(m.group(1))


def result(cmd, cwd):
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True).stdout


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("tvix_eval")
    p.add_argument("--nix", default="nix-instantiate")
    p.add_argument("--only", default="")
    p.add_argument("--n", type=int, default=100000)
    args = p.parse_args()
    ours = os.path.abspath(args.tvix_eval)
    with tempfile.TemporaryDirectory(prefix="tvix-patterns-") as d:
        with open(os.path.join(d, "zero.nix"), "w") as f:
            f.write("0\n")
        base = {
            "us": instructions([ours, "--eval", "zero.nix"], d),
            "nix": instructions([args.nix, "--eval", "zero.nix"], d),
        }
        print(f"{'pattern':20s} {'us M Ir':>9s} {'nix M Ir':>9s} {'ratio':>6s}")
        for name, (expr, divisor) in PATTERNS.items():
            if args.only and not re.search(args.only, name):
                continue
            path = f"{name}.nix"
            with open(os.path.join(d, path), "w") as f:
                f.write(expr.replace("N", str(args.n // divisor)) + "\n")
            a = result([ours, "--eval", path], d)
            b = result([args.nix, "--eval", path], d)
            if a != b:
                print(f"{name}: results differ: {a.strip()!r} vs {b.strip()!r}", file=sys.stderr)
                sys.exit(1)
            us = instructions([ours, "--eval", path], d) - base["us"]
            nix = instructions([args.nix, "--eval", path], d) - base["nix"]
            print(f"{name:20s} {us / 1e6:9.1f} {nix / 1e6:9.1f} {us / nix:6.2f}")


if __name__ == "__main__":
    main()
