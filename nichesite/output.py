"""The output folder: refused when it is not safely ours, built aside and swapped in on success.

A folder nichesite made holds the marker file `.nichesite-output`. nichesite never writes into
the site folder, one of its parents, the home folder, a source folder of the site, or a
non-empty folder without the marker. A build is written to a sibling staging folder and only
renamed into place when everything succeeded, so a failed build leaves the old site untouched.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

MARKER = ".nichesite-output"
MARKER_TEXT = "This folder is written by nichesite and replaced on every build. Do not keep your own files here.\n"
SOURCE_FOLDERS = ("content", "data", "static", "templates", "themes")
KEEP = (".git", ".hg", ".svn")  # version-control folders of a deployed output survive a swap


class UnsafeOutput(Exception):
    """The output folder may not be written; the message says why and what to do."""


def check_output_dir(site_dir: Path, out_dir: Path) -> None:
    """Raise UnsafeOutput when writing out_dir could destroy or mix with someone's files."""
    site = site_dir.resolve()
    out = out_dir.resolve()
    home = Path.home().resolve()
    shown = str(out_dir)
    if out == Path(out.anchor):
        raise UnsafeOutput(f"refusing to write the site into the file system root {shown}")
    if out == home:
        raise UnsafeOutput(f"refusing to write the site into your home folder {shown}")
    if out == site:
        raise UnsafeOutput(f"refusing to write the site into the site folder itself ({shown}); the default is {site_dir / 'public'}")
    if site.is_relative_to(out):
        raise UnsafeOutput(f"refusing to write the site into {shown}: it contains the site folder {site_dir}")
    for name in SOURCE_FOLDERS:
        if out.is_relative_to(site / name):
            raise UnsafeOutput(f"refusing to write the site into {shown}: it is inside the site's {name}/ folder")
    if out.exists() and not out.is_dir():
        raise UnsafeOutput(f"refusing to write the site into {shown}: it is a file, not a folder")
    if out.is_dir() and not (out / MARKER).is_file() and any(out.iterdir()):
        raise UnsafeOutput(
            f"refusing to write the site into {shown}: it holds files nichesite did not create (no {MARKER} marker). "
            "Choose an empty or new folder with -o, or move those files away."
        )


@dataclass(slots=True)
class StagedOutput:
    """A staging folder beside the output, published with two renames."""

    out_dir: Path
    staging: Path

    @classmethod
    def create(cls, out_dir: Path) -> StagedOutput:
        out = out_dir.absolute()
        out.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale(out)
        staging = out.parent / f".{out.name}.nichesite-staging-{os.getpid()}"
        if staging.exists():
            shutil.rmtree(staging)
        staging.mkdir()
        (staging / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        return cls(out, staging)

    def path_for(self, output: str) -> Path:
        """The staging path for an output file; never outside the staging folder."""
        parts = output.split("/")
        if "\\" not in output and all(part not in ("", ".", "..") for part in parts):
            return self.staging.joinpath(*parts)  # plain relative path in a folder nichesite made: no links to follow
        target = (self.staging / output).resolve()
        if not target.is_relative_to(self.staging.resolve()) or target == self.staging.resolve():
            raise UnsafeOutput(f"refusing to write {output!r}: it would land outside the output folder")
        return target

    def write(self, output: str, data: bytes) -> None:
        target = self.path_for(output)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)

    def copy(self, output: str, source: Path) -> None:
        target = self.path_for(output)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)

    def publish(self) -> None:
        """Swap the staging folder in place of the output; the old output is removed after."""
        out = self.out_dir
        old = out.parent / f".{out.name}.nichesite-old-{os.getpid()}"
        if out.exists():
            for name in KEEP:
                if (out / name).exists() and not (self.staging / name).exists():
                    os.rename(out / name, self.staging / name)
            os.rename(out, old)
        try:
            os.rename(self.staging, out)
        except OSError:
            if old.exists():
                os.rename(old, out)
            raise
        if old.exists():
            shutil.rmtree(old, ignore_errors=True)

    def discard(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


def _remove_stale(out: Path) -> None:
    """Remove staging and old folders a killed build left beside the output (ours: marked)."""
    if not out.parent.is_dir():
        return
    for pattern in (f".{out.name}.nichesite-staging-*", f".{out.name}.nichesite-old-*"):
        for leftover in out.parent.glob(pattern):
            if leftover.is_dir() and not leftover.is_symlink() and (leftover / MARKER).is_file():
                shutil.rmtree(leftover, ignore_errors=True)
