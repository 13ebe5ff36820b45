"""Shared helpers: make a site folder from a dict of files, run the real `nichesite` command."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

BASIC_CONFIG = """\
title: Shrimp Tank Fixes
base_url: https://shrimpfixes.example
language: en
description: Fixes for freshwater shrimp keepers who lose shrimp and want calm, clear tanks.
audience: Hobbyists keeping Neocaridina shrimp in small tanks
paginate: 10
"""


def article(title: str, date: str = "2026-10-02", body: str = "A paragraph of body text that is long enough.\n", **fields: str) -> str:
    """Front matter plus body for a test article; extra fields are written as given."""
    lines = [
        "---",
        f"title: {title}",
        f"date: {date}",
        "problem: Shrimp die after a water change.",
        "solution: Change less water at a time.",
    ]
    lines += [f"{key}: {value}" for key, value in fields.items()]
    lines += ["---", body]
    return "\n".join(lines)


def png(width: int = 40, height: int = 30) -> bytes:
    """A real PNG image (images are opened and measured by every build)."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (40, 90, 140)).save(out, "PNG")
    return out.getvalue()


def write_site(root: Path, files: dict[str, str | bytes], config: str | None = BASIC_CONFIG) -> Path:
    """Write a site: `files` maps relative paths to text or bytes."""
    root.mkdir(parents=True, exist_ok=True)
    if config is not None:
        (root / "site.yaml").write_text(config, encoding="utf-8")
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    return root


def run_nichesite(
    *args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess:
    """Run the real command line (`python -m nichesite`) and capture its output."""
    full_env = {**os.environ, "NICHESITE_BASE_URL": "", **(env or {})}
    if not full_env["NICHESITE_BASE_URL"]:
        del full_env["NICHESITE_BASE_URL"]
    return subprocess.run(
        [sys.executable, "-m", "nichesite", *map(str, args)],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def tree_digest(root: Path) -> dict[str, str]:
    """Relative path → sha256 of every file below root."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def site(tmp_path: Path):
    """A factory: site(files, config=...) writes a site under tmp_path and returns its folder."""

    def make(files: dict[str, str | bytes], config: str | None = BASIC_CONFIG, name: str = "site") -> Path:
        return write_site(tmp_path / name, files, config)

    return make


def indexed_pages(out: Path) -> dict[str, dict]:
    """What Pagefind indexed in a built site, by URL: each page's fragment (its text in
    `content`, its `meta`), read from the bundle's gzipped fragment files."""
    found = {}
    for path in sorted((out / "pagefind" / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd")
        fragment = json.loads(data[len(b"pagefind_dcd") :])
        found[fragment["url"]] = fragment
    return found


class Page(HTMLParser):
    """A built page: its links (attributes and text), the text of each element by class, its JSON-LD."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.html = text
        self.links: list[tuple[dict[str, str], str]] = []
        self.json_ld: list[dict] = []
        self._open: list[tuple[str, dict[str, str], list[str]]] = []
        self.texts: dict[str, list[str]] = {}
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("img", "source", "meta", "link", "br", "input"):
            return
        self._open.append((tag, {k: v or "" for k, v in attrs}, []))

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            name, attrs, text = self._open.pop()
            joined = " ".join("".join(text).split())
            if self._open:  # a block's text stands apart from its neighbours', as a browser shows it
                inline = name in ("a", "span", "time", "strong", "em", "b", "i", "code")
                self._open[-1][2].append("".join(text) if inline else f" {''.join(text)} ")
            if name == "a":
                self.links.append((attrs, joined))
            if name == "script" and attrs.get("type") == "application/ld+json":
                self.json_ld.append(json.loads("".join(text)))
            for cls in attrs.get("class", "").split():
                self.texts.setdefault(cls, []).append(joined)
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._open:
            self._open[-1][2].append(data)

    def text(self, cls: str) -> str:
        found = self.texts.get(cls)
        assert found, f"no element of class {cls}"
        return found[0]

    def links_in(self, fragment_class: str) -> list[tuple[str, str]]:
        start = self.html.index(f'class="{fragment_class}"')
        end = self.html.index("</section>", start) if "<section" in self.html[start - 20 : start] else len(self.html)
        part = Page(self.html[self.html.rfind("<", 0, start) : end])
        return [(a.get("href", ""), text) for a, text in part.links]

    def ld(self, kind: str) -> dict:
        return next(d for d in self.json_ld if d.get("@type") == kind)
