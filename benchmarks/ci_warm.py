"""A CI build with the cache restored, against a cold build (issue 19: CI builds warm).

Usage: python benchmarks/ci_warm.py [--sizes 1000,5000] [--rounds 3] [--work DIR]
                                    [--corpus N=DIR ...] [--nichesite "python -m nichesite"]

For each size N, on the benchmark corpus (generated with generate.py into WORK/nN-seed1, or the
nichesite folder of an existing corpus given with --corpus), each round measures, as the
command a CI job runs (`nichesite build SITE`, its own process):

- cold: a fresh copy of the site's files, no `.nichesite/`, no `public/`;
- CI, one article changed: another fresh copy at another path (new inodes and mtimes, as a
  `git clone` gives), no `public/`, `.nichesite/` copied from the cold build's (as actions/cache
  restores it), and one sentence added to the body of the corpus's newest article;
- CI, nothing changed: the same without the edit.

It prints each build's seconds and its "Search index" stage (the time Pagefind took, from the
build's stage lines), then a Markdown table of the medians: seconds, the ratio to the cold
build, and both again without the search index stage, and the size of `.nichesite/` (what CI
saves and restores) on disk and as a zstd tar.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import GENERATOR_VERSION, Manifest, generate  # noqa: E402

FUTURE_EPOCH = "1830297600"  # 2028: past the corpus's newest article, as run.py sets it
KINDS = ("cold", "ci_edit", "ci_same")
SOURCES = ("content", "data", "static", "templates", "site.yaml")


def corpus(n: int, work: Path, given: dict[int, Path]) -> tuple[Path, str]:
    """(the corpus's nichesite folder, the source path of the article to edit)."""
    if n in given:
        folder = given[n]
        manifest = Manifest.load(folder.parent)
    else:
        outdir = work / f"n{n}-seed1"
        manifest = Manifest.load(outdir) if (outdir / "manifest.json").is_file() else None
        if manifest is None or manifest.version != GENERATOR_VERSION:
            manifest = generate(n, outdir)
        folder = outdir / "nichesite"
    return folder, manifest.edit.nichesite


def fresh_copy(source: Path, target: Path) -> Path:
    """The site's files copied anew, as a checkout makes them: new inodes, new mtimes."""
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for name in SOURCES:
        if (source / name).is_dir():
            shutil.copytree(source / name, target / name, copy_function=shutil.copyfile)
        elif (source / name).is_file():
            shutil.copyfile(source / name, target / name)
    return target


def build(exe: list[str], site: Path, log: Path) -> tuple[float, float]:
    """(seconds of the whole command, seconds of its search index stage)."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": FUTURE_EPOCH}
    started = time.perf_counter()
    ran = subprocess.run([*exe, "build", str(site)], capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - started
    with log.open("a") as out:
        out.write(f"$ build {site}\n{ran.stdout}{ran.stderr}\n")
    if ran.returncode != 0:
        raise SystemExit(f"the build of {site} failed (exit {ran.returncode}); see {log}")
    found = re.search(r"^Search index: ([\d.]+) s", ran.stderr, re.M)
    return seconds, float(found.group(1)) if found else 0.0


def cache_size(site: Path) -> tuple[int, int]:
    """Bytes of `.nichesite/` on disk, and as a zstd tar (what actions/cache uploads)."""
    folder = site / ".nichesite"
    on_disk = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    if not shutil.which("zstd"):
        return on_disk, 0
    tar = subprocess.run(["tar", "-C", str(site), "-cf", "-", ".nichesite"], capture_output=True, check=True).stdout
    return on_disk, len(subprocess.run(["zstd", "-3", "-c"], input=tar, capture_output=True, check=True).stdout)


def measure(n: int, folder: Path, edit: str, args: argparse.Namespace) -> dict[str, list[tuple[float, float]]]:
    work = args.work / f"ci-n{n}"
    work.mkdir(parents=True, exist_ok=True)
    log = work / "builds.log"
    log.write_text("")
    times: dict[str, list[tuple[float, float]]] = {kind: [] for kind in KINDS}
    for r in range(args.rounds):
        cold = fresh_copy(folder, work / "runner-1" / "site")
        times["cold"].append(build(args.exe, cold, log))
        for kind, clone in (("ci_edit", work / "runner-2" / "checkout"), ("ci_same", work / "runner-3" / "checkout")):
            fresh_copy(folder, clone)
            shutil.copytree(cold / ".nichesite", clone / ".nichesite")  # restored: mtimes kept, as tar keeps them
            if kind == "ci_edit":
                path = clone / edit
                path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + f"\n\nThe benchmark changed this article ({r}).\n")
            times[kind].append(build(args.exe, clone, log))
        row = "  ".join(f"{kind} {s:6.2f} s (search {i:5.2f} s)" for kind in KINDS for s, i in [times[kind][-1]])
        print(f"N={n:,} round {r + 1}/{args.rounds}: {row}", flush=True)
    times["size"] = [cache_size(cold)]
    return times


def table(results: dict[int, dict[str, list]], rounds: int) -> str:
    lines = [
        "| articles | cold build | CI, one article changed | ratio | CI, nothing changed | ratio "
        "| of each: search index (cold / CI changed / CI same) | without it: cold / CI changed, ratio | .nichesite/ (zstd tar) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n, times in results.items():
        med = {k: statistics.median(s for s, _ in times[k]) for k in KINDS}
        search = {k: statistics.median(i for _, i in times[k]) for k in KINDS}
        rest = {k: statistics.median(s - i for s, i in times[k]) for k in KINDS}
        disk, packed = times["size"][0]
        lines.append(
            f"| {n:,} | {med['cold']:.2f} s | {med['ci_edit']:.2f} s | {med['ci_edit'] / med['cold']:.2f}x "
            f"| {med['ci_same']:.2f} s | {med['ci_same'] / med['cold']:.2f}x "
            f"| {search['cold']:.2f} / {search['ci_edit']:.2f} / {search['ci_same']:.2f} s "
            f"| {rest['cold']:.2f} / {rest['ci_edit']:.2f} s, {rest['ci_edit'] / rest['cold']:.2f}x "
            f"| {disk / 1e6:.0f} MB ({packed / 1e6:.0f} MB) |"
        )
    return "\n".join(lines) + f"\n\nMedians of {rounds} rounds; each round is a cold build, then the two CI builds from its cache.\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,5000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/nichesite-ci-bench"))
    parser.add_argument("--corpus", action="append", default=[], help="N=DIR: the nichesite folder of a generated corpus of N articles")
    parser.add_argument("--nichesite", default=f"{shlex.quote(sys.executable)} -m nichesite", help="how to start nichesite")
    args = parser.parse_args()
    args.exe = shlex.split(args.nichesite)
    given = {int(n): Path(d) for n, d in (item.split("=", 1) for item in args.corpus)}
    results = {}
    for n in [int(x) for x in args.sizes.split(",")]:
        folder, edit = corpus(n, args.work, given)
        results[n] = measure(n, folder, edit, args)
    print()
    print(table(results, args.rounds))


if __name__ == "__main__":
    main()
