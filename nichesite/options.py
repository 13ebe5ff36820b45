"""What a build is asked to do (BuildOptions: the site, the output, the switches) and how it
runs (Session: in place or aside, workers, the compiled templates a session keeps)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from nichesite.theme import CompiledTemplates

if TYPE_CHECKING:
    from nichesite.aside import Aside

# (stage, done, total) while a stage runs; a display that also has `finished(stage, seconds)`
# is told when each stage ends and how long it took.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class BuildOptions:
    site_dir: Path
    out_dir: Path | None = None  # default: SITE/public
    drafts: bool = False
    base_url: str | None = None
    strict: bool = False
    preview: bool = False  # ad placeholders instead of ad code (serve)
    future: bool = False  # also articles dated after today

    @property
    def today(self) -> dt.date | None:
        """The day articles dated after it are held back (None: none is): the build machine's
        local date, or SOURCE_DATE_EPOCH's when set (reproducible builds)."""
        if self.future:
            return None
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
        if epoch.isdigit():
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
        return dt.date.today()

    @property
    def output(self) -> Path:
        return self.out_dir if self.out_dir is not None else self.site_dir / "public"


@dataclass(frozen=True, slots=True)
class Session:
    """How a build runs, as opposed to what it builds: serve's in-place writes, workers, and
    the compiled templates a long-lived session keeps."""

    in_place: bool = False
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    compiled: CompiledTemplates | None = None
    keep_going: bool = False  # `check`: render and write even when the sources have errors
    image_scratch: Path | None = None  # `check`: new image results go here, not into the site's cache
    progress: Progress | None = None
    search: str = "now"  # the search index: "now"; "later" (serve: the last one stays until the site is quiet); "off" (check)
    record_urls: bool = False  # `nichesite build`: add the URLs it publishes to data/urls.yaml (serve and check only read it)
    store: str = ""  # the output store (outputstore.py): "keep" (`nichesite build`: take from it what the folder lacks, then keep it to the build), "read" (`check`: only take from it)
    aside: Aside | None = None  # `nichesite build`: the templates compiled by a forked process while it plans
