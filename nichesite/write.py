"""The write stage: render the outputs that changed, keep the others, and publish the folder.

Two ways, one result: `write_staged` builds a whole new folder aside (changed outputs rendered,
the others hard-linked from the last build, or taken from the output store when the folder lacks
them) and swaps it in when everything succeeded;
`write_in_place` (serve's preview) renders changed outputs in memory, then, only when the build
succeeded, replaces those files one by one and removes outputs that are gone. Either returns a
record per output (fingerprint, digest, size, mtime, and the problems rendering it raised).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from nichesite import workers
from nichesite.errors import Problem
from nichesite.files import read_regular, write_atomic
from nichesite.output import KEEP, MARKER, StagedOutput, UnsafeOutput, pause_point
from nichesite.outputstore import OutputStore
from nichesite.plan import RenderJob
from nichesite.render import PageRenderer
from nichesite.search import BUNDLE, SearchPlan, make_bundle
from nichesite.state import OutputRecord
from nichesite.theme import template_problem

Report = Callable[[int, int], None]  # (done, total)
StaticFile = tuple[str, Path]  # (output path, source file)

PARALLEL_RENDER_MIN = 300  # jobs to render before worker processes pay for themselves
MAX_TEMPLATE_ERRORS = 50


@dataclass(frozen=True, slots=True)
class Plan:
    """What the write stage is asked to do: every output, which are dirty, and their fingerprints."""

    jobs: Sequence[RenderJob]
    statics: Sequence[StaticFile]
    dirty: Sequence[RenderJob]
    dirty_statics: Sequence[StaticFile]
    fingerprints: Mapping[str, str]  # output → fingerprint, jobs and static files alike
    previous: Mapping[str, OutputRecord]
    search: SearchPlan | None = None  # None: no search index (a site without articles)
    restore: Mapping[str, str] = field(default_factory=dict)  # dirty output → digest: tried from `store` before rendering
    store: OutputStore | None = None  # `nichesite build`: kept to this build's pages and search index once published


Accept = Callable[[list[Problem]], bool]  # given every output's problems (in plan order): publish?


@dataclass(frozen=True, slots=True)
class Written:
    """The outcome of writing: when the folder was published, a record per output."""

    records: dict[str, OutputRecord] | None = None  # None: nothing was published
    errors: tuple[Problem, ...] = ()  # template errors (then `accept` was not asked)
    rendered: tuple[str, ...] = ()
    written: tuple[str, ...] = ()
    search_seconds: float = 0.0  # the time making the search index took (0: none was made)
    restored: tuple[str, ...] = ()  # outputs taken from the output store instead of rendered


def _problems(plan: Plan, fresh: Mapping[str, Sequence[Problem]]) -> list[Problem]:
    """Each output's problems in plan order: from this render, else from the last build."""
    problems: list[Problem] = []
    for job in plan.jobs:
        found = fresh.get(job.output)
        problems += plan.previous[job.output].problems if found is None else found
    return problems


def write_staged(
    out: Path, plan: Plan, renderer: PageRenderer, site_dir: Path, workers_max: int, report: Report, accept: Accept
) -> Written:
    """A new output folder built aside and swapped in when every dirty output rendered and
    `accept` says the problems allow it. When nothing is dirty and the folder holds exactly the
    site's files, it is already what a new folder would be: nothing is staged or swapped."""
    search = plan.search
    kept_search = search.kept if search is not None else ()
    unchanged = not plan.dirty and not plan.dirty_statics and (search is None or not search.make_now)
    # A kept bundle file may be missing or changed in the folder when the store has it: not unchanged then.
    unchanged = unchanged and not any(is_stale(search.previous[o], search.previous[o].fingerprint, out / o) for o in kept_search)
    if unchanged and holds_exactly(out, [*(j.output for j in plan.jobs), *(o for o, _ in plan.statics), *kept_search]):
        if not accept(_problems(plan, {})):
            return Written()
        records = {job.output: plan.previous[job.output] for job in plan.jobs}
        records |= {o: replace(plan.previous[o], fingerprint=plan.fingerprints[o]) for o, _ in plan.statics}
        records |= {o: plan.previous[o] for o in kept_search}
        _keep_store(out, plan, records)
        return Written(records)
    staged = StagedOutput.create(out)
    try:
        restored, render = _restore(plan, staged)
        made, errors = _render_into(renderer, render, plan.fingerprints, staged, site_dir, workers_max, report)
        if errors:
            staged.discard()
            return Written(errors=tuple(errors))
        records: dict[str, OutputRecord] = {}
        for job in plan.jobs:
            if job.output in made:
                records[job.output] = made[job.output]
            elif job.output in restored:
                records[job.output] = restored[job.output]
            else:
                _link_or_copy(out / job.output, staged.path_for(job.output))
                records[job.output] = plan.previous[job.output]
        dirty_statics = {output for output, _ in plan.dirty_statics}
        for output, path in plan.statics:
            target = staged.path_for(output)
            if output in dirty_statics:
                staged.copy(output, path)
                records[output] = _file_record(plan.fingerprints[output], target)
            else:
                _link_or_copy(out / output, target)
                records[output] = replace(plan.previous[output], fingerprint=plan.fingerprints[output])
        search_records, search_problems, search_seconds, search_restored = _search_staged(out, plan, staged)
        records |= search_records
        if not accept(_problems(plan, {output: record.problems for output, record in made.items()}) + search_problems):
            staged.discard()
            return Written(search_seconds=search_seconds)
        pause_point("before-publish")
        staged.publish()
    except BaseException:
        staged.discard()
        raise
    _keep_store(out, plan, records)
    made_search = {o for o, r in search_records.items() if plan.previous.get(o) != r} | set(search_restored)
    written = sorted(made.keys() | restored.keys() | dirty_statics | made_search | (plan.previous.keys() - records.keys()))
    taken = tuple(sorted((*restored, *search_restored)))
    return Written(records, (), tuple(sorted(made)), tuple(written), search_seconds, taken)


def _restore(plan: Plan, staged: StagedOutput) -> tuple[dict[str, OutputRecord], list[RenderJob]]:
    """The dirty outputs the output store gives (each one's bytes checked against its digest)
    linked into the staging folder, with their records; the others, to render."""
    if plan.store is None or not plan.restore:
        return {}, list(plan.dirty)
    restored: dict[str, OutputRecord] = {}
    render: list[RenderJob] = []
    for job in plan.dirty:
        digest = plan.restore.get(job.output)
        target = staged.path_for(job.output)
        if digest is not None and plan.store.take(digest, target):
            st = os.lstat(target)
            restored[job.output] = replace(plan.previous[job.output], size=st.st_size, mtime_ns=st.st_mtime_ns)
        else:
            render.append(job)
    return restored, render


def _keep_store(out: Path, plan: Plan, records: Mapping[str, OutputRecord]) -> None:
    """The output store made to hold this build's pages and search index, from the published folder."""
    if plan.store is not None:
        statics = {output for output, _ in plan.statics}
        plan.store.keep(out, {output: record.digest for output, record in records.items() if output not in statics})


def _search_staged(out: Path, plan: Plan, staged: StagedOutput) -> tuple[dict[str, OutputRecord], list[Problem], float, tuple[str, ...]]:
    """The search bundle in the staging folder, which holds every page by now: the last one
    linked when it stays (from the last folder, or from the output store when the folder lacks
    it), else a new one made from the pages. Also the seconds making it took, and the files
    taken from the store."""
    search = plan.search
    if search is None:
        return {}, [], 0.0, ()
    if not search.make_now:
        taken = _kept_bundle(out, plan, staged)
        if taken is not None:
            records = {output: search.previous[output] for output in search.kept}
            for output in taken:  # a copy (the store on another file system) has an mtime of its own
                st = os.lstat(staged.path_for(output))
                records[output] = replace(records[output], size=st.st_size, mtime_ns=st.st_mtime_ns)
            return records, [], 0.0, taken
    started = time.perf_counter()
    records, problems = _make_bundle(plan, staged)
    return records, problems, time.perf_counter() - started, ()


def _kept_bundle(out: Path, plan: Plan, staged: StagedOutput) -> tuple[str, ...] | None:
    """The last bundle linked into the staging folder: each file from the last folder when it
    is the one the last build wrote, else from the output store; the files the store gave.
    None (and nothing of it left in the staging folder) when a file is in neither."""
    search = plan.search
    assert search is not None
    linked: list[Path] = []
    taken: list[str] = []
    for output in search.kept:
        record = search.previous[output]
        target = staged.path_for(output)
        if not is_stale(record, record.fingerprint, out / output):
            _link_or_copy(out / output, target)
        elif plan.store is not None and plan.store.take(record.digest, target):
            taken.append(output)
        else:
            for path in linked:  # links to the last files: a new bundle is written in their place
                path.unlink()
            return None
        linked.append(target)
    return tuple(taken)


def _make_bundle(plan: Plan, staged: StagedOutput) -> tuple[dict[str, OutputRecord], list[Problem]]:
    search = plan.search
    assert search is not None
    files, problems = make_bundle(staged.staging, search.pages, search.prefixes)
    records = {}
    for output, data in files.items():
        st = staged.write(output, data)
        records[output] = OutputRecord(search.fingerprint, hashlib.sha256(data).hexdigest(), st.st_size, st.st_mtime_ns)
    return records, problems


def write_in_place(out: Path, plan: Plan, renderer: PageRenderer, site_dir: Path, accept: Accept) -> Written:
    """Serve's preview: dirty outputs rendered in memory, then written over the old files."""
    rendered: dict[str, tuple[bytes, list[Problem]]] = {}
    errors: list[Problem] = []
    for job in plan.dirty:
        try:
            rendered[job.output] = renderer.render(job)
        except Exception as exc:  # a template bug must not become a traceback
            errors.append(template_problem(exc, site_dir, f"rendering /{job.output} for {job.source}"))
    if errors:
        return Written(errors=tuple(errors))
    if not accept(_problems(plan, {output: problems for output, (_, problems) in rendered.items()})):
        return Written()
    records = dict(plan.previous)
    for output, _ in plan.statics:  # a kept copy is recorded under the file's current signature
        if output in records:
            records[output] = replace(records[output], fingerprint=plan.fingerprints[output])
    written: list[str] = []
    # Gone outputs first: a page that moved never shows at both URLs.
    current = {j.output for j in plan.jobs} | {output for output, _ in plan.statics}
    if plan.search is not None:
        current |= set(plan.search.previous)  # replaced below when a new index is made
    _remove_gone(out, sorted(records.keys() - current), records, written)
    for job in plan.dirty:
        data, problems = rendered[job.output]
        records[job.output] = _put(out, job.output, data, plan.previous.get(job.output), plan.fingerprints[job.output], problems, written)
    for output, path in plan.dirty_statics:
        target = inside(out, output)
        _remove_if_not_file(target)
        write_atomic(target, read_regular(path))
        records[output] = _file_record(plan.fingerprints[output], target)
        written.append(output)
    problems: tuple[Problem, ...] = ()
    seconds = 0.0
    if plan.search is not None and plan.search.make_now:
        started = time.perf_counter()
        problems = tuple(_search_in_place(out, plan, records, written))
        seconds = time.perf_counter() - started
    return Written(records, problems, tuple(j.output for j in plan.dirty), tuple(sorted(written)), seconds)


def _search_in_place(out: Path, plan: Plan, records: dict[str, OutputRecord], written: list[str]) -> list[Problem]:
    """A new search bundle made from the pages in the folder: files it shares with the last
    are kept, the entry file goes last, then the last one's others are removed. When it
    cannot be made, the last one stays (and stays stale)."""
    search = plan.search
    assert search is not None
    files, problems = make_bundle(out, search.pages, search.prefixes)
    if problems:
        return problems
    entry = f"{BUNDLE}/pagefind-entry.json"
    for output in sorted(files, key=lambda o: o.endswith(entry)):
        records[output] = _put(out, output, files[output], plan.previous.get(output), search.fingerprint, (), written)
    _remove_gone(out, sorted(search.previous.keys() - files.keys()), records, written)
    return []


def _put(
    out: Path, output: str, data: bytes, old: OutputRecord | None, fingerprint: str, problems: Sequence[Problem], written: list[str]
) -> OutputRecord:
    """Write an output in place (the file is left alone when it already holds these bytes) and
    return its record."""
    digest = hashlib.sha256(data).hexdigest()
    target = inside(out, output)
    if old is None or old.digest != digest or is_stale(old, old.fingerprint, target):
        _remove_if_not_file(target)
        write_atomic(target, data)
        written.append(output)
    st = target.stat()
    return OutputRecord(fingerprint, digest, st.st_size, st.st_mtime_ns, tuple(problems))


def _remove_gone(out: Path, outputs: Sequence[str], records: dict[str, OutputRecord], written: list[str]) -> None:
    """Remove outputs the site no longer has, from the folder and from the records."""
    for output in outputs:
        del records[output]
        _prune(out, output)
        written.append(output)


def is_stale(record: OutputRecord | None, fingerprint: str, path: Path | str) -> bool:
    """Whether an output must be made again: new fingerprint, or its file is not the one the
    last build wrote (missing, changed, or replaced by something else)."""
    if record is None or not fingerprint or record.fingerprint != fingerprint:
        return True
    try:
        st = os.lstat(path)
    except OSError:
        return True
    return not stat.S_ISREG(st.st_mode) or (st.st_size, st.st_mtime_ns) != (record.size, record.mtime_ns)


# -- rendering, in worker processes when there are many -----------------------------------------

_RENDER: tuple | None = None  # set in the parent just before forking render workers


def _render_into(
    renderer: PageRenderer,
    jobs: Sequence[RenderJob],
    fingerprints: Mapping[str, str],
    staged: StagedOutput,
    site_dir: Path,
    workers_max: int,
    report: Report,
) -> tuple[dict[str, OutputRecord], list[Problem]]:
    """Render jobs into the staging folder: a record per output, and the template errors."""
    global _RENDER
    if workers.worth_forking(len(jobs), PARALLEL_RENDER_MIN, workers_max):
        _RENDER = (renderer, jobs, staged, site_dir, fingerprints)
        renderer.compile_templates()
        try:
            made: dict[str, OutputRecord] = {}
            errors: list[Problem] = []
            batches = workers.chunks(list(range(len(jobs))), workers_max)
            for files, failed in workers.run_parallel(_render_chunk, batches, workers_max):
                made.update(files)
                errors += failed
                report(len(made), len(jobs))
            return made, errors
        finally:
            _RENDER = None
    _RENDER = (renderer, jobs, staged, site_dir, fingerprints)
    try:
        made, errors = {}, []
        for done, index in enumerate(range(len(jobs)), 1):
            files, failed = _render_chunk([index])
            made.update(files)
            errors += failed
            if len(errors) > MAX_TEMPLATE_ERRORS:
                break
            report(done, len(jobs))
        return made, errors
    finally:
        _RENDER = None


def _render_chunk(indexes: list[int]) -> tuple[list[tuple[str, OutputRecord]], list[Problem]]:
    """Render some jobs of `_RENDER` (inherited through fork) into files."""
    assert _RENDER is not None
    renderer, jobs, staged, site_dir, fingerprints = _RENDER
    files: list[tuple[str, OutputRecord]] = []
    errors: list[Problem] = []
    pause_point("rendering")
    for i in indexes:
        job = jobs[i]
        try:
            data, problems = renderer.render(job)
        except Exception as exc:
            errors.append(template_problem(exc, site_dir, f"rendering /{job.output} for {job.source}"))
            if len(errors) > MAX_TEMPLATE_ERRORS:
                break
            continue
        st = staged.write(job.output, data)
        record = OutputRecord(fingerprints[job.output], hashlib.sha256(data).hexdigest(), st.st_size, st.st_mtime_ns, tuple(problems))
        files.append((job.output, record))
    return files, errors


# -- files -------------------------------------------------------------------------------------


def _file_record(fingerprint: str, path: Path) -> OutputRecord:
    with open(path, "rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
        st = os.fstat(handle.fileno())
    return OutputRecord(fingerprint, digest, st.st_size, st.st_mtime_ns)


def holds_exactly(out: Path, outputs: Sequence[str]) -> bool:
    """Whether the output folder holds these files and nothing else: no stray file, folder or
    link (a build's own marker, and a deployed output's version-control folder, aside)."""
    wanted: dict[str, set[str]] = {"": {MARKER, *KEEP}}
    for output in outputs:
        folder, _, name = output.rpartition("/")
        wanted.setdefault(folder, set()).add(name)
        while folder:
            parent, _, name = folder.rpartition("/")
            wanted.setdefault(parent, set()).add(name)
            folder = parent
    root = str(out)
    if not os.path.isfile(f"{root}/{MARKER}"):
        return False
    for folder, names in wanted.items():
        try:
            with os.scandir(f"{root}/{folder}" if folder else root) as entries:
                for entry in entries:
                    kept = not folder and entry.name in KEEP
                    if entry.name not in names or (entry.is_symlink() and not kept):
                        return False
        except OSError:
            return False
    return True


def _link_or_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        shutil.copy2(source, target, follow_symlinks=False)


def inside(out: Path, output: str) -> Path:
    """The path of an output in a folder that already holds files: resolved, so that nothing
    (a `..`, a symlinked folder) can lead a write outside it."""
    root = out.resolve()
    relative = Path(output)
    target = (root / relative).parent.resolve() / relative.name
    if not target.is_relative_to(root) or target == root or relative.name in ("", ".", ".."):
        raise UnsafeOutput(f"refusing to write {output!r}: it would land outside the output folder")
    return target


def _remove_if_not_file(path: Path) -> None:
    """Something else where an output file goes (a folder, a symlink) is removed first."""
    try:
        st = os.lstat(path)
    except OSError:
        return
    if stat.S_ISDIR(st.st_mode):
        shutil.rmtree(path)
    elif not stat.S_ISREG(st.st_mode):
        os.unlink(path)


def _prune(out: Path, output: str) -> None:
    """Remove an output file that no longer exists in the site (never following a symlink,
    never outside the folder), then the folders it leaves empty."""
    try:
        path = inside(out, output)
    except UnsafeOutput:
        return
    try:
        if stat.S_ISREG(os.lstat(path).st_mode):
            os.unlink(path)
    except OSError:
        return
    root = out.resolve()
    folder = path.parent
    while folder != root and folder.is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            break
        folder = folder.parent
