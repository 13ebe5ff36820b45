"""`nichesite check`: an audit of a site's sources and built pages, each finding at a file and line.

The audit reuses the build pipeline: it loads the site as a build does (so every build error
and warning is a finding too), renders every page into a temporary folder, and then reads the
built HTML for links, anchors, images and ad units, mapping each problem back to the source
line that caused it.

It starts from the state the last `nichesite build` of the site into `public/` left, as a warm
build does, without changing it: sources whose bytes did not change are not parsed again, and
pages whose fingerprint did not change are taken from the output store instead of rendered
(each file checked against its digest). So `check` in CI, after the cache is restored, costs
what its audits cost; and it finds exactly what it finds from nothing (a test compares them).
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import asdict, dataclass, replace
from pathlib import Path, PurePosixPath

from nichesite.config import SiteConfig
from nichesite.content import split_front_matter
from nichesite.contentaudit import ContentAudit
from nichesite.errors import Problem
from nichesite.files import read_regular
from nichesite.imagecheck import check_images
from nichesite.languages import LanguageSite, check_problems
from nichesite.linkcheck import LinkAudit
from nichesite.options import BuildOptions, Session
from nichesite.pipeline import build
from nichesite.plan import RenderJob, output_for
from nichesite.planning import jobs_by_language
from nichesite.reading import Site
from nichesite.share import NETWORKS
from nichesite.slugs import slugify
from nichesite.sources import MAX_SOURCE_BYTES
from nichesite.state import EMPTY_STATE, BuildState
from nichesite.statefile import load_state
from nichesite.yamlutil import load_yaml


@dataclass(frozen=True, slots=True, order=True)
class Finding:
    """One problem the audit found: where, how bad, which rule, and a one-line fix."""

    path: str
    line: int
    severity: str  # "error", "warning" or "note" (information, such as the articles a language has no translation of)
    rule: str
    message: str
    fix: str

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.message} (fix: {self.fix})"


@dataclass(frozen=True, slots=True)
class Report:
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> int:
        return sum(f.is_error for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == "warning" for f in self.findings)

    @property
    def notes(self) -> int:
        return sum(f.severity == "note" for f in self.findings)

    def exit_code(self, strict: bool = False) -> int:
        return 1 if self.errors or (strict and self.warnings) else 0

    def summary(self) -> str:
        errors, warnings = self.errors, self.warnings
        notes = f", {self.notes} note{'s' if self.notes != 1 else ''}" if self.notes else ""
        return f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}{notes}"

    def text(self) -> str:
        return "".join(f"{finding}\n" for finding in self.findings) + self.summary() + "\n"

    def json(self) -> str:
        data = {"findings": [asdict(f) for f in self.findings], "errors": self.errors, "warnings": self.warnings}
        if self.notes:
            data["notes"] = self.notes
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# -- the audit ----------------------------------------------------------------------------------


def audit(site_dir: Path, base_url: str | None = None, use_cache: bool = True) -> Report:
    """Load, render and audit the site at `site_dir`; never raises for bad content.
    `use_cache`: start from the last build's state and output store (read, never written)."""
    findings: list[Finding] = []
    last = load_state(site_dir, site_dir / "public")[0] if use_cache else EMPTY_STATE
    with tempfile.TemporaryDirectory(prefix="nichesite-check-") as tmp:
        out = Path(tmp) / "public"
        outcome = build(
            BuildOptions(site_dir, out, base_url=base_url),
            last,
            Session(keep_going=True, image_scratch=Path(tmp) / "images", search="off", store="read" if use_cache else ""),
        )
        if outcome.site is not None and outcome.state is not None:
            site = outcome.site
            unbuilt = _unbuilt(site_dir, outcome.state, site)
            # A site with languages: each language's pages are checked with its rules; their links
            # from the domain's root (a language on a domain of its own: from its folder).
            for part, jobs in zip(site.parts, jobs_by_language(site, outcome.jobs).values(), strict=True):
                prefix = part.config.prefix
                if part.config.own_domain:
                    own = [replace(job, output=job.output.removeprefix(prefix)) for job in jobs]
                    findings += _check_site(site_dir, part, own, out / prefix, unbuilt)
                else:
                    findings += _check_site(site_dir, part, list(jobs), out, unbuilt, site.config if prefix else None)
            if site.languages:
                sites = {part.config.language: LanguageSite(part.config, part.index) for part in site.parts}
                days = site.config.translation_outdated_days
                findings += [_from_problem(p) for p in check_problems(sites, days, site.config.lines.get("translation_outdated_days", 1))]
    # Notes are information only (the build prints them); findings are errors and warnings.
    # A missing image is check's own error (missing-file), at the same line.
    findings += [_from_problem(p) for p in outcome.problems if p.severity.value != "note" and p.code != "missing-image"]
    unique = sorted(set(findings), key=lambda f: (f.path, f.line, f.severity, f.rule, f.message))
    return Report(tuple(unique))


# How to fix a build problem, by its code; any other code gets the generic advice.
_FIXES = {
    "unknown-product": "add the product to data/products.yaml or correct the id",
    "unknown-author": "add the author to data/authors.yaml or correct the id",
    "unknown-network": f"write one of {', '.join(NETWORKS)}",
    "amazon-price-rating": "remove the line: show no price or rating for Amazon products",
    "problem-solution": "add 'problem:' and 'solution:' to the front matter",
    "ad-density": "write more, or remove this {{< ad >}}: a page shows at most one ad per 150 words",
    "url-lost": "under the source in data/urls.yaml, add 'redirect: /another-page/' or 'gone: true'",
    "translation-missing": "nothing to fix: translate them when you want them in that language",
    "translation-conflict": "give the pages the same translation_key (or neither one), or move one of them",
    "translation-outdated": "bring the translation up to date with its original and set its `updated:`",
}
_BUILD_FIX = "correct the source as the message says; `nichesite build` reports the same"


def _from_problem(problem: Problem) -> Finding:
    """A build problem as a finding: its code is the rule."""
    rule = problem.code if problem.code in _FIXES else "build"
    fix = _FIXES.get(problem.code, _BUILD_FIX)
    return Finding(problem.location.path, problem.location.line, problem.severity.value, rule, problem.message, fix)


@dataclass(frozen=True, slots=True)
class Unbuilt:
    """What the sources that have errors would have made: their pages' slugs and the products
    they show. A link to such a page or a product only they use is not reported again: the
    source's own error says what is wrong (one mistake, one message)."""

    slugs: frozenset[str] = frozenset()
    products: frozenset[str] = frozenset()


def _unbuilt(site_dir: Path, state: BuildState, site: Site) -> Unbuilt:
    built = {entry.source for part in site.parts for entry in part.entries}
    slugs: set[str] = set()
    products: set[str] = set()
    for rel, record in state.sources.items():
        if rel in built:
            continue
        parsed = record.parsed
        products |= {product_id for product_id, _ in parsed.products}
        products |= {arg for call in parsed.shortcodes if call.name in ("product", "compare") for arg in call.args}
        if parsed.entry is not None:
            slugs.add(parsed.entry.slug)
            continue
        slugs.add(slugify(PurePosixPath(rel).stem, site.config.language))
        try:  # never a named pipe, never more than a source may hold
            front = split_front_matter(read_regular(site_dir / rel, MAX_SOURCE_BYTES).decode("utf-8-sig"))[0] or ""
        except (OSError, ValueError):
            continue
        data, _ = load_yaml(front, rel)
        if isinstance(data, dict):
            for key in ("slug", "title"):
                if isinstance(data.get(key), str):
                    slugs.add(slugify(data[key], site.config.language))
    return Unbuilt(frozenset(slugs - {""}), frozenset(products))


def _check_site(
    site_dir: Path, site: Site, jobs: list[RenderJob], out: Path, unbuilt: Unbuilt = Unbuilt(), links_from: SiteConfig | None = None
) -> list[Finding]:
    """The checks on one loaded and rendered site: the built pages' links, anchors and images,
    then the content and policy rules. `links_from`: the configuration whose base_url links
    resolve from (a language of a site with languages, its pages in its folder of `out`)."""
    findings: list[Finding] = []

    def add(path: str, line: int, severity: str, rule: str, message: str, fix: str) -> None:
        findings.append(Finding(path, line or 1, severity, rule, message, fix))

    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    pages = [job for job in sorted(jobs, key=lambda j: j.output) if job.output.endswith(".html") and job.output in files]
    rules = ContentAudit(site, add, unbuilt.products)
    prefix = site.config.prefix if links_from is not None else ""
    by_output = {prefix + output_for(e.path): e for e in rules.entries}
    links = LinkAudit(site_dir, links_from or site.config, out, files, by_output, add, unbuilt.slugs)
    inbound = links.check_pages(pages)
    rules.check_ad_density(pages, out)
    rules.check_entries()
    check_images(site, [out / job.output for job in pages], add)
    rules.check_headings()
    rules.check_orphans(inbound)
    rules.check_products()
    rules.check_policy_pages()
    return findings
