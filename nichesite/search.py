"""The search index: Pagefind's bundle, made from the rendered pages.

Pagefind (a Rust program, shipped as a Python package) reads every HTML page of a folder and
indexes the part a template marks `data-pagefind-body` (the default theme: an article's title
and text, not its ads, product boxes or related list), stemming words in the languages it has
a stemmer for and matching by prefix in the others. It writes `pagefind/`: a small entry file,
its script and WebAssembly, and the index split into fragments, so a search downloads only the
parts its words need. Its output is byte-identical for identical pages.

Pagefind cannot update an index: it reads every page again. So the bundle is one unit with one
fingerprint (that of every page it reads); a build whose pages did not change keeps it, and
serve, which must reload a page as soon as it is saved, makes it when the site is quiet.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import subprocess
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from nichesite.errors import Problem, error
from nichesite.files import plain_path
from nichesite.fingerprint import digest
from nichesite.plan import RenderJob
from nichesite.state import OutputRecord

BUNDLE = "pagefind"
BUNDLE_FORMAT = 1  # bump when what nichesite keeps of the bundle changes
# Pagefind's ready-made interfaces (the theme has its own search page) and its WebAssembly for
# languages the site is not in: not published.
UNUSED = frozenset(
    {
        "wasm.unknown.pagefind",
        "pagefind-ui.js",
        "pagefind-ui.css",
        "pagefind-component-ui.js",
        "pagefind-component-ui.css",
        "pagefind-modular-ui.js",
        "pagefind-modular-ui.css",
        "pagefind-highlight.js",
    }
)
SECONDS_PER_PAGE = 0.05  # the time Pagefind is given: far more than it takes (a few ms a page)
SECONDS_MIN = 60


@dataclass(frozen=True, slots=True)
class SearchPlan:
    """What the write stage does about the search index.

    `stale`: the pages changed since the bundle in `previous` was made (or there is none), so it
    is made again, unless `later` (serve): then the last bundle stays until the site is quiet."""

    fingerprint: str
    pages: tuple[str, ...]  # the outputs indexed (articles), in the order Pagefind numbers them
    previous: Mapping[str, OutputRecord]  # output → record, the last build's bundle files
    stale: bool
    later: bool = False
    prefixes: tuple[str, ...] = ("",)  # a site with languages: each language's folder has a bundle of its own

    @property
    def make_now(self) -> bool:
        return self.stale and not (self.later and self.previous)

    @property
    def kept(self) -> tuple[str, ...]:
        """The bundle files this build publishes without making them."""
        return () if self.make_now else tuple(self.previous)


def is_bundle_file(output: str, prefixes: Sequence[str] = ("",)) -> bool:
    return any(output.startswith(prefix + BUNDLE + "/") for prefix in prefixes)


def plan_search(
    jobs: Sequence[RenderJob],
    fingerprints: Mapping[str, str],
    previous: Mapping[str, OutputRecord],
    stale_file,
    later: bool,
    prefixes: tuple[str, ...] = ("",),
) -> SearchPlan | None:
    """The search plan of a build: None for a site without articles (nothing to search). The
    fingerprint is that of every article page and of Pagefind's version; `stale_file(output,
    record, fingerprint)` says whether a file must be made again. `prefixes`: the output folders
    of a site's languages, each of which gets a bundle of its language's pages."""
    pages = tuple(sorted(job.output for job in jobs if job.kind == "article"))
    if not pages:
        return None
    fingerprint = digest("search", BUNDLE_FORMAT, version(), [(page, fingerprints[page]) for page in pages])
    if prefixes != ("",):
        fingerprint = digest(fingerprint, prefixes)
    kept = {output: record for output, record in previous.items() if is_bundle_file(output, prefixes)}
    stale = not kept or any(stale_file(output, record, fingerprint) for output, record in kept.items())
    return SearchPlan(fingerprint, pages, kept, stale, later, prefixes)


def version() -> str:
    try:
        return metadata.version("pagefind_bin_extended")
    except metadata.PackageNotFoundError:
        return ""


def executable() -> Path | None:
    """Pagefind's program: PAGEFIND_BINARY_PATH when set, else the one its Python package ships."""
    chosen = os.environ.get("PAGEFIND_BINARY_PATH")
    if chosen:
        return Path(chosen)
    try:
        from pagefind_bin_extended import get_executable
    except ImportError:
        return None
    try:
        return get_executable()
    except FileNotFoundError:
        return None


def make_bundle(root: Path, pages: Sequence[str], prefixes: Sequence[str] = ("",)) -> tuple[dict[str, bytes], list[Problem]]:
    """Index the pages (outputs in the folder `root`): the bundle's files (output → bytes), or
    the problems. With `prefixes` (the output folders of a site's languages), a bundle in each
    folder holds the pages below it (and in no longer prefix): one language each, its URLs
    from that folder, as the language's search page asks for them."""
    if tuple(prefixes) == ("",):
        return _make_bundle(root, pages)
    files: dict[str, bytes] = {}
    problems: list[Problem] = []
    longest = sorted(prefixes, key=len, reverse=True)
    for prefix in prefixes:
        own = [page[len(prefix) :] for page in pages if next(p for p in longest if page.startswith(p)) == prefix]
        if not own:
            continue
        made, found = _make_bundle(root / prefix if prefix else root, own)
        files |= {prefix + output: data for output, data in made.items()}
        problems += found
    return (files, []) if not problems else ({}, problems)


def _make_bundle(root: Path, pages: Sequence[str]) -> tuple[dict[str, bytes], list[Problem]]:
    """One bundle of the pages (outputs in the folder `root`): its files (output → bytes),
    without those the theme does not use, or the problems (Pagefind missing, failing, too slow).

    The pages go to Pagefind's service one by one, in the order given: given a folder, it
    numbers pages in the order the file system lists them, so the same pages would give
    another index on another disk. Its files come back in the answer, not written by it: it
    writes them in the background and does not say when it is done."""
    program = executable()
    if program is None:
        return {}, [_problem("Pagefind is not installed; install nichesite again (pip install nichesite) to get it")]
    limit = SECONDS_MIN + SECONDS_PER_PAGE * len(pages)
    try:
        service = subprocess.Popen([str(program), "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    except OSError as exc:
        return {}, [_problem(f"Pagefind could not be started ({program}): {exc.strerror or exc}")]
    timed_out = threading.Event()

    def stop() -> None:
        timed_out.set()
        service.kill()

    watchdog = threading.Timer(limit, stop)
    watchdog.start()
    writer = threading.Thread(target=_send, args=(service, root, pages), daemon=True)
    writer.start()
    try:
        answer = _receive(service, len(pages) + 1)
    finally:
        watchdog.cancel()
        with contextlib.suppress(OSError):  # a service that died: the pipe is broken
            service.stdin.close()  # type: ignore[union-attr]
        service.kill()
        service.wait()
        writer.join()
    if isinstance(answer, str):
        return {}, [_problem(answer)]
    if answer is None:
        said = f"did not finish within {limit:.0f} s" if timed_out.is_set() else f"stopped (exit {service.returncode})"
        return {}, [_problem(f"Pagefind {said}")]
    files = {f"{BUNDLE}/{item['path']}": base64.b64decode(item["content"]) for item in answer.get("files", [])}
    entry = files.get(f"{BUNDLE}/pagefind-entry.json")
    if entry is None or not all(plain_path(output) for output in files):
        return {}, [_problem("Pagefind gave no index")]
    languages = json.loads(entry).get("languages", {}).values()
    unused = UNUSED - {f"wasm.{language.get('wasm') or 'unknown'}.pagefind" for language in languages}
    return {output: data for output, data in sorted(files.items()) if output.rpartition("/")[2] not in unused}, []


def page_url(output: str) -> str:
    """The URL of an output, as the site links it (without its base path)."""
    return "/" + output.removesuffix("index.html")


def _send(service: subprocess.Popen, root: Path, pages: Sequence[str]) -> None:
    """Ask the service for a new index (message 0), each page (1..n, its HTML read as it goes)
    and the index's files (n + 1)."""
    assert service.stdin is not None

    def send(number: int, payload: dict) -> None:
        message = json.dumps({"message_id": number, "payload": payload}, ensure_ascii=False).encode("utf-8")
        service.stdin.write(base64.b64encode(message) + b",")

    try:
        send(0, {"type": "NewIndex", "config": None})
        for number, page in enumerate(pages, 1):
            html = (root / page).read_text(encoding="utf-8", errors="replace")
            send(number, {"type": "AddFile", "index_id": 0, "url": page_url(page), "file_contents": html})
        send(len(pages) + 1, {"type": "GetFiles", "index_id": 0})
        service.stdin.flush()
    except (OSError, ValueError):
        service.kill()  # the service is gone, or a page could not be read: the reader stops


def _receive(service: subprocess.Popen, last: int) -> dict | str | None:
    """Read the service's answers (base64 JSON, each ended by a comma) until the one to message
    `last`: its payload; the first error's message; None when the service stopped first."""
    assert service.stdout is not None
    pending: list[bytes] = []  # the message being read, in pieces (the last one is megabytes)
    while chunk := service.stdout.read1(1 << 20):
        *ends, rest = chunk.split(b",")
        for end in ends:
            answer = json.loads(base64.b64decode(b"".join([*pending, end])))
            pending = []
            payload = answer.get("payload", {})
            if payload.get("type") == "Error":
                return f"Pagefind said: {payload.get('message', 'an error')}"
            if answer.get("message_id") == last:
                return payload
        pending.append(rest)
    return None


def _problem(message: str) -> Problem:
    return error("search index", 1, f"the search index was not built: {message}", "search-index")


def reserved_problems(static_files: Sequence[tuple[str, Path]], site_dir: Path) -> list[Problem]:
    """An error for each static file the search index would overwrite."""
    problems = []
    for output, path in static_files:
        if output == BUNDLE or is_bundle_file(output):
            shown = path.relative_to(site_dir).as_posix() if path.is_relative_to(site_dir) else path.name
            message = f"/{output} is where the search index goes (/{BUNDLE}/); rename or move this file"
            problems.append(error(shown, 1, message, "output-collision"))
    return problems
