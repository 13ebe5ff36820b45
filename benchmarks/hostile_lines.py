"""Hostile lines: every step that reads an author's text, fed one long line of each hostile kind.

A pattern that backtracks (a regular expression with nested or adjacent open repeats, a parser
that rescans what it has seen) turns one long line into minutes. This feeds a line of `--size`
characters (default 100,000) of each kind below to each step that reads Markdown bodies, FAQ
answers or their HTML, and to a whole `nichesite build` (and `check`) of a one-article site
holding the line in its body or in an FAQ answer, and prints the seconds per case. A case over
`--budget` seconds (default 2; the whole-command steps, which include starting Python, get
`--budget` + 3) fails the run (exit 1); a case still running at 5 times its budget is stopped.

    python benchmarks/hostile_lines.py                    # every step × every line, 100,000 characters
    python benchmarks/hostile_lines.py --size 10000       # smaller, e.g. to see how a step grows
    python benchmarks/hostile_lines.py --only backticks --steps markdown,build
    python benchmarks/hostile_lines.py --steps python-markdown   # Python-Markdown without nichesite's guard

A cell ending in `r` is a text nichesite refused (an error at its line: Markdown that Python-
Markdown would take quadratic time on, see nichesite/slowmarkdown.py), `e` a command that
exited 1 for another error in the text, `!` over budget or failed. Each case runs in a worker
process, so a stopped case costs only its worker. Standard library and nichesite only; run it
from the repository root with nichesite importable.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

STEP_NAMES = ("shortcodes", "markdown", "plain text", "root links", "ad blocks", "affiliate", "link parse")
BUILD_STEPS = ("build", "build faq", "check")
EXTRA_STEPS = ("python-markdown",)  # not run unless named: Python-Markdown alone is quadratic on some lines
REFUSED = "Markdown's time on them grows"  # the slow-Markdown error

# name → a line of about n characters
LINES: dict[str, Callable[[int], str]] = {
    "spaces": lambda n: " " * n + "text",
    "spaces in a shortcode": lambda n: "{{<" + " " * n + "x",
    "tabs": lambda n: "\t" * n + "text",
    "backticks": lambda n: "`" * n,
    "backtick pairs": lambda n: "`a" * (n // 2),
    "unclosed <p>": lambda n: "<p>" * (n // 3),
    "unclosed <div>": lambda n: "<div>" * (n // 5),
    "stray end tags": lambda n: "<div>" * (n // 12) + "</p>" * (n // 8),
    "{{< repeated": lambda n: "{{<" * (n // 3),
    "[ repeated": lambda n: "[" * n,
    "nested brackets": lambda n: "[" * (n // 2) + "]" * (n // 2),
    "[x]( repeated": lambda n: "[x](" * (n // 4),
    "![]( repeated": lambda n: "![](" * (n // 4),
    "< repeated": lambda n: "<" * n,
    "<a repeated": lambda n: "<a " * (n // 3),
    'href=" repeated': lambda n: '<a href="' * (n // 9),
    "* run": lambda n: "*" * n,
    "_ run": lambda n: "_" * n,
    "*a run": lambda n: "*a" * (n // 2),
    "** words": lambda n: "**a " * (n // 4),
    "backslashes": lambda n: "\\" * n,
    "<b>x</b> repeated": lambda n: "<b>x</b> " * (n // 9),
    "&amp; repeated": lambda n: "&amp; " * (n // 6),
    "&# repeated": lambda n: "&#" * (n // 2),
    "unclosed comment": lambda n: "<!--" + "-" * n,
    "long URL": lambda n: "https://x.example/" + "a" * n,
    "long autolink": lambda n: "<https://x.example/" + "a" * n,
    "pipes": lambda n: "|" * n,
    "[^ repeated": lambda n: "[^" * (n // 2),
    "{: in a heading": lambda n: "# Heading" + " {:" * (n // 3),
    "``a` repeated": lambda n: "``a`" * (n // 4),
    "<a b= repeated": lambda n: "<a b=" * (n // 5),
    "<![ repeated": lambda n: "<![" * (n // 3),
    '[x]("a) repeated': lambda n: '[x]("a) ' * (n // 8),
    "<https:// repeated": lambda n: "<https://x" * (n // 10),
    "unclosed fences": lambda n: "```a\n" * (n // 5),  # one per line: the only multi-line kind
}


def _site(root: Path, line: str, in_faq: bool) -> Path:
    """A one-article site (one product, ads on) with `line` in the body or the FAQ answer."""
    (root / "content/water").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "site.yaml").write_text(
        "title: Hostile\nbase_url: https://hostile.example\nads:\n  client: ca-pub-1234567890123456\n"
        "  min_words: 0\n  placements:\n    in_content: {slot: '1'}\n",
        encoding="utf-8",
    )
    (root / "data/products.yaml").write_text("meter:\n  name: Meter\n  url: https://shop.example/meter\n", encoding="utf-8")
    faq = f"faq:\n  - q: Why?\n    a: {json.dumps(line)}\n" if in_faq else ""
    body = "" if in_faq else line
    (root / "content/water/a.md").write_text(
        f"---\ntitle: A hostile line\ndate: 2026-10-02\nproblem: P.\nsolution: S.\n{faq}---\nFirst paragraph.\n\n{body}\n\nLast.\n",
        encoding="utf-8",
    )
    return root


def _steps() -> dict[str, Callable[[str], bool]]:
    """The in-process steps, each reading the line as an author's Markdown (or the raw HTML it
    holds) reaches it; each returns whether nichesite refused the text."""
    from nichesite import adplan, body, linkcheck, shortcodes
    from nichesite.affiliate import Affiliate
    from nichesite.options import BuildOptions
    from nichesite.reading import read_site

    site_dir = _site(Path(tempfile.mkdtemp(prefix="hostile-")), "x", False)
    site, _, problems = read_site(BuildOptions(site_dir))
    assert site is not None, problems
    affiliate = Affiliate(site.config, site.catalog, site.translations)
    renderer = body.BodyRenderer()

    checked = getattr(renderer, "render_checked", None)  # absent before the checks existed (`PYTHONPATH=old-checkout`)

    def markdown(text: str) -> bool:
        """What a build does with a body: the slow-Markdown check, Python-Markdown, the URL check."""
        if checked is None:
            renderer.render(text)
            return False
        return checked(text, "a.md", 1)[0] is None

    def step(function: Callable[[str], object]) -> Callable[[str], bool]:
        def run(text: str) -> bool:
            function(text)
            return False

        return run

    return {
        "shortcodes": step(lambda text: shortcodes.extract(text, 1)),
        "markdown": markdown,
        "python-markdown": step(renderer.render),
        "plain text": step(body.plain_text),
        "root links": step(lambda text: body.prefix_root_links(text, "/sub")),
        "ad blocks": step(adplan.top_level_blocks),
        "affiliate": step(affiliate.mark_links),
        "link parse": step(linkcheck.parse_page),
    }


def _command(text: str, step: str, limit: float) -> str | None:
    """Run `nichesite build` or `check` on a one-article site holding the text: "" when it
    passed, "r" when the text was refused as slow Markdown, "e" for another error in it, None
    when it was still running after `limit` seconds (it is killed)."""
    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
        root = _site(Path(tmp) / "site", text, step == "build faq")
        command = ["check", str(root)] if step == "check" else ["build", str(root)]
        try:
            result = subprocess.run([sys.executable, "-m", "nichesite", *command], capture_output=True, text=True, timeout=limit)
        except subprocess.TimeoutExpired:
            return None
        if result.returncode not in (0, 1) or "Traceback" in result.stderr or "internal error" in result.stderr:
            raise RuntimeError(f"exit {result.returncode}: {result.stderr[-1500:]}")
        if result.returncode == 0:
            return ""
        return "r" if REFUSED in result.stderr + result.stdout else "e"


def _worker(connection) -> None:
    os.setpgrp()  # its own process group: stopping it stops the build it may be running too
    steps = _steps()
    connection.send("ready")
    while True:
        request = connection.recv()
        if request is None:
            return
        step, line_name, size, limit = request
        text = LINES[line_name](size)
        started = time.perf_counter()
        try:
            mark = _command(text, step, limit) if step in BUILD_STEPS else ("r" if steps[step](text) else "")
            outcome = ""
        except Exception as exc:  # reported, not fatal: the next case still runs
            mark, outcome = "", f"{type(exc).__name__}: {exc}"[:500]
        seconds = None if mark is None else time.perf_counter() - started
        connection.send((seconds, mark or "", outcome))


class Runner:
    """One worker process at a time; a case past its limit kills it (and what it started), and
    the next case starts another."""

    def __init__(self) -> None:
        self._context = multiprocessing.get_context("spawn")
        self._process = None
        self._connection = None

    def run(self, step: str, line_name: str, size: int, limit: float) -> tuple[float | None, str, str]:
        if self._process is None:
            self._connection, child = self._context.Pipe()
            self._process = self._context.Process(target=_worker, args=(child,), daemon=True)
            self._process.start()
            if not self._connection.poll(120) or self._connection.recv() != "ready":
                raise RuntimeError("the worker process did not start")
        self._connection.send((step, line_name, size, limit))
        if self._connection.poll(limit + (30 if step in BUILD_STEPS else 0)):  # a command step stops its command itself
            return self._connection.recv()
        self.stop()
        return None, "", ""

    def stop(self) -> None:
        if self._process is not None:
            try:
                os.killpg(self._process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._process.join()
        self._process = self._connection = None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="characters per hostile line (default 100,000)")
    parser.add_argument("--budget", type=float, default=2.0, help="seconds a case may take (default 2)")
    parser.add_argument("--only", default="", help="comma-separated line kinds (default: all)")
    parser.add_argument("--steps", default="", help="comma-separated steps (default: all)")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.only.split(",") if n.strip()] or list(LINES)
    all_steps = [*STEP_NAMES, *BUILD_STEPS, *EXTRA_STEPS]
    steps = [s.strip() for s in args.steps.split(",") if s.strip()] or [*STEP_NAMES, *BUILD_STEPS]
    unknown = [n for n in names if n not in LINES] + [s for s in steps if s not in all_steps]
    if unknown:
        parser.error(f"unknown: {', '.join(unknown)} (lines: {', '.join(LINES)}; steps: {', '.join(all_steps)})")

    runner = Runner()
    failures: list[str] = []
    print(f"seconds per case, {args.size:,}-character lines; budget {args.budget:g} s ({args.budget + 3:g} s for {', '.join(BUILD_STEPS)})")
    print(f"{'line':<22}" + "".join(f"{step[:12]:>13}" for step in steps), flush=True)
    try:
        for name in names:
            cells = []
            for step in steps:
                budget = args.budget + (3 if step in BUILD_STEPS else 0)
                seconds, mark, outcome = runner.run(step, name, args.size, budget * 5)
                if seconds is None:
                    cells.append(f">{budget * 5:g}!")
                    failures.append(f"{name} / {step}: stopped after {budget * 5:g} s")
                    continue
                over = seconds > budget
                cells.append(f"{seconds:.3f}{mark}" + ("!" if over or outcome else ""))
                if over:
                    failures.append(f"{name} / {step}: {seconds:.2f} s")
                if outcome:
                    failures.append(f"{name} / {step}: {outcome}")
            print(f"{name:<22}" + "".join(f"{cell:>13}" for cell in cells), flush=True)
    finally:
        runner.stop()
    for failure in failures:
        print("over budget or failed:", failure)
    print(f"{len(failures)} case(s) over budget or failed" if failures else "every case within budget")
    return 1 if failures else 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
