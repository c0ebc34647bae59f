#!/usr/bin/env python3
"""Real-world benchmarks: tvix-eval side by side with nix-instantiate.

Workloads (each evaluated with `--eval --strict`, output compared):
  modules-N      modules.nix: a NixOS-style module system over nixpkgs' lib
                 (2025-08 snapshot) with N services: submodules, mkIf,
                 mkMerge, mkDefault, mkOverride, mkForce, attrsOf, listOf,
                 either, nullOr, enum, assertions, option documentation.
  misc.nix       nixpkgs lib's own lib/tests/misc.nix (2025-08), from a
                 temporary copy of lib without the one case that expects
                 2.8's clamping of an overflowing TOML integer (current Nix,
                 and this evaluator, refuse it).
  flat-N         a generated file: one set literal of N package entries;
                 `attrNames` and a field of each.
  dotted-N       the same through dotted paths (`pkgs.pN.version = ...;`).
  list-N         a list literal of N sets, folded over.
  string-N       an indented string of N lines, measured.
  let-N          a `let` of N bindings, three of them used.

For each it prints wall time (median of --runs), peak RSS and, with
--callgrind, instructions (callgrind Ir) for both evaluators, and the
ratios us / C++ Nix. Nothing from nixpkgs is copied into the repository:
the snapshot is read in place (misc.nix from a temporary copy).

usage: run.py TVIX_EVAL [--nix nix-instantiate] [--lib DIR] [--runs 3]
              [--sizes 20000,100000,200000] [--services 100,300]
              [--only REGEX] [--callgrind]
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_LIB = os.path.normpath(os.path.join(HERE, "../../../../shared/nixpkgs-lib/2025-08"))


def generate(kind, n, path):
    """Writes a generated Nix file of `kind` with `n` entries to `path`."""
    with open(path, "w") as f:
        if kind == "flat":
            f.write("let pkgs = {\n")
            for i in range(n):
                f.write(
                    f'  pkg{i} = {{ pname = "pkg{i}"; version = "1.{i % 100}.{i % 7}"; '
                    f'src = {{ url = "https://example.org/pkg{i}.tar.gz"; sha256 = "{i:064x}"; }}; '
                    f'meta = {{ description = "Package number {i}"; license = "mit"; }}; }};\n'
                )
            f.write("}; in [ (builtins.length (builtins.attrNames pkgs)) "
                    "(builtins.foldl' (n: p: n + builtins.stringLength p.version) 0 "
                    "(builtins.attrValues pkgs)) ]\n")
        elif kind == "dotted":
            f.write("let pkgs = {\n")
            for i in range(n):
                f.write(f'  p{i}.version = "1.{i % 100}";\n  p{i}.src.url = "https://example.org/p{i}";\n')
            f.write("}; in [ (builtins.length (builtins.attrNames pkgs)) "
                    "(builtins.foldl' (n: p: n + builtins.stringLength p.src.url) 0 "
                    "(builtins.attrValues pkgs)) ]\n")
        elif kind == "list":
            f.write("let items = [\n")
            for i in range(n):
                f.write(f'  {{ name = "item{i}"; weight = {i % 97}; tags = [ "t{i % 5}" "all" ]; }}\n')
            f.write("]; in builtins.foldl' (n: x: n + x.weight + builtins.length x.tags) 0 items\n")
        elif kind == "string":
            f.write("let text = ''\n")
            for i in range(n):
                f.write(f"  line {i}: the quick brown fox jumps over the lazy dog ${{toString {i % 10}}}\n")
            f.write("''; in [ (builtins.stringLength text) "
                    "(builtins.length (builtins.split \"\\n\" text)) ]\n")
        elif kind == "let":
            f.write("let\n")
            for i in range(n):
                f.write(f'  v{i} = {{ id = {i}; name = "v{i}"; size = builtins.stringLength "v{i}"; }};\n')
            f.write(f"in [ v0.size v{n - 1}.id (builtins.length [ v{n // 2} ]) ]\n")
        else:
            raise ValueError(kind)


def misc_copy(lib_root, tmp):
    """A temporary copy of the snapshot's lib/ whose misc.nix lacks the case
    that needs 2.8's TOML integer clamping. Returns misc.nix's path."""
    dest = os.path.join(tmp, "nixpkgs")
    shutil.copytree(lib_root, dest, symlinks=True)
    misc = os.path.join(dest, "lib", "tests", "misc.nix")
    with open(misc) as f:
        text = f.read()
    text, n = re.subn(r"\n  testFromHexStringSecondExample = \{.*?\n  \};\n", "\n", text, flags=re.S)
    if n != 1:
        sys.exit("run.py: misc.nix no longer has testFromHexStringSecondExample; update run.py")
    with open(misc, "w") as f:
        f.write(text)
    return misc


def timed(cmd, cwd):
    """Runs `cmd` in a fresh child and returns (seconds, peak RSS MiB, stdout,
    stderr, returncode); the peak comes from the child's own rusage."""
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        try:
            os.chdir(cwd)
            out = os.open(os.path.join(TMP, "out"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            err = os.open(os.path.join(TMP, "err"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            os.dup2(out, 1)
            os.dup2(err, 2)
            os.execvp(cmd[0], cmd)
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - start
    with open(os.path.join(TMP, "out"), "rb") as f:
        out = f.read()
    with open(os.path.join(TMP, "err"), "rb") as f:
        err = f.read()
    return elapsed, usage.ru_maxrss / 1024, out, err, os.waitstatus_to_exitcode(status)


def callgrind(cmd, cwd):
    """Instructions executed by `cmd` under callgrind (None if it failed)."""
    p = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"] + cmd,
        cwd=cwd, capture_output=True, text=True,
    )
    m = re.search(r"Collected\s*:\s*(\d+)", p.stderr)
    return int(m.group(1)) if m and p.returncode == 0 else None


TMP = None


def main():
    global TMP
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("tvix")
    ap.add_argument("--nix", default="nix-instantiate")
    ap.add_argument("--lib", default=DEFAULT_LIB, help="folder holding lib/ (default: the 2025-08 snapshot)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--sizes", default="20000,100000,200000")
    ap.add_argument("--services", default="100,300")
    ap.add_argument("--only", default=None, help="only workloads whose name matches this regex")
    ap.add_argument("--callgrind", action="store_true", help="also count instructions (slow)")
    a = ap.parse_args()
    tvix = os.path.abspath(a.tvix)
    lib_dir = os.path.join(os.path.abspath(a.lib), "lib")
    if not os.path.isdir(lib_dir):
        sys.exit(f"run.py: no lib/ in {a.lib}")

    with tempfile.TemporaryDirectory(prefix="realworld-bench.") as tmp:
        TMP = tmp
        work = []  # (name, args, cwd)
        for s in a.services.split(","):
            work.append((f"modules-{s}", ["modules.nix", "--argstr", "libPath", lib_dir, "--arg", "services", s], HERE))
        if not a.only or re.search(a.only, "misc.nix"):
            misc = misc_copy(os.path.abspath(a.lib), tmp)
            work.append(("misc.nix", [misc], os.path.dirname(misc)))
        for kind in ["flat", "dotted", "list", "string", "let"]:
            for n in a.sizes.split(","):
                name = f"{kind}-{n}"
                if a.only and not re.search(a.only, name):
                    continue
                path = os.path.join(tmp, f"{name}.nix")
                generate(kind, int(n), path)
                work.append((name, [path], tmp))
        if a.only:
            work = [w for w in work if re.search(a.only, w[0])]

        cols = ["workload", "us s", "nix s", "time", "us MiB", "nix MiB", "mem"]
        if a.callgrind:
            cols += ["us Gi", "nix Gi", "Ir"]
        print("| " + " | ".join(cols) + " |")
        print("|" + "---|" * len(cols))
        ratios = {"time": [], "mem": [], "Ir": []}
        for name, args, cwd in work:
            row = [name]
            results = {}
            for who, exe in [("us", tvix), ("nix", a.nix)]:
                cmd = [exe, "--eval", "--strict"] + args
                samples = [timed(cmd, cwd) for _ in range(a.runs)]
                rc = samples[-1][4]
                if rc != 0:
                    first = samples[-1][3].decode(errors="replace").strip().splitlines()[:1]
                    results[who] = None
                    print(f"  ({who} failed on {name}: {first})", file=sys.stderr)
                    continue
                results[who] = (
                    statistics.median(s[0] for s in samples),
                    max(s[1] for s in samples),
                    samples[-1][2],
                    callgrind(cmd, cwd) if a.callgrind else None,
                )
            us, nix = results.get("us"), results.get("nix")
            if us and nix and us[2] != nix[2]:
                print(f"  (outputs differ on {name})", file=sys.stderr)

            def ratio(key, i):
                if us and nix and us[i] and nix[i]:
                    r = us[i] / nix[i]
                    ratios[key].append(r)
                    return f"{r:.2f}"
                return "–"

            fmt = lambda r, i, f: (f.format(r[i]) if r and r[i] is not None else "–")
            row += [fmt(us, 0, "{:.3f}"), fmt(nix, 0, "{:.3f}"), ratio("time", 0)]
            row += [fmt(us, 1, "{:.0f}"), fmt(nix, 1, "{:.0f}"), ratio("mem", 1)]
            if a.callgrind:
                row += [
                    fmt(us, 3, "{}") if not us or us[3] is None else f"{us[3] / 1e9:.2f}",
                    fmt(nix, 3, "{}") if not nix or nix[3] is None else f"{nix[3] / 1e9:.2f}",
                    ratio("Ir", 3),
                ]
            print("| " + " | ".join(row) + " |", flush=True)
        for key, rs in ratios.items():
            if rs:
                geo = statistics.geometric_mean(rs)
                print(f"geometric mean of {key} ratios: {geo:.2f} (max {max(rs):.2f})")


if __name__ == "__main__":
    main()
