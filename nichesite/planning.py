"""The planning stage: one job per output file of the site (pages, feed and sitemap, /go/
pages, ads.txt, _headers, old URLs' redirects) and the problems of the plan (two sources on one
URL, cloaking rules, a privacy page that does not list the services). `plan.py` holds the
job type and the page jobs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from nichesite import ads, affiliate, feeds
from nichesite.config import CONFIG_FILE, SiteConfig
from nichesite.errors import Problem, warning
from nichesite.images import headers_job
from nichesite.index import SiteIndex
from nichesite.plan import RenderJob, find_collisions, plan_pages
from nichesite.reading import Site
from nichesite.redirects import RedirectPlan, plan_redirects, redirects_job
from nichesite.search import reserved_problems


def privacy_notice_problems(config: SiteConfig, index: SiteIndex) -> list[Problem]:
    """A warning when site.yaml sends readers' data to a service (analytics, a form) and no
    page lists it with `{{< privacy_services >}}`: the privacy page would not say so."""
    readers = config.readers
    own_survey = readers.survey if readers.survey != readers.questions else None
    settings = (("analytics", config.analytics), ("questions", readers.questions), ("survey", own_survey), ("helpful", readers.helpful))
    services = [name for name, value in settings if value is not None]
    if not services or any(call.name == "privacy_services" for e in index.pages + index.articles for call in e.shortcodes):
        return []
    message = (
        f"{' and '.join(services)} send{'s' if len(services) == 1 else ''} readers' data to another service, but no page says so: "
        "put {{< privacy_services >}} in your privacy page (content/pages/privacy.md), where it lists them in the site's language"
    )
    return [warning(CONFIG_FILE, config.lines.get(services[0], 1), message, "privacy-notice")]


def plan_jobs(site: Site, site_dir: Path, last: Sequence[RenderJob] = ()) -> tuple[list[RenderJob], list[Problem], RedirectPlan]:
    """One job per output file, the problems of the plan (two sources on one URL...), and the
    redirects of the old URLs with the record the build leaves. `last` is a session's last plan."""
    config, catalog, index = site.config, site.catalog, site.index
    jobs = plan_pages(index, config, last) + feeds.feed_jobs() + affiliate.redirect_jobs(config, catalog)
    problems = affiliate.cloak_problems(config, catalog) + affiliate.subid_problems(config, catalog, index)
    problems += privacy_notice_problems(config, index)
    ads_jobs, found = ads.ads_txt_jobs(config, dict(site.static_files))
    jobs += ads_jobs
    problems += found
    headers, found = headers_job(site.images, dict(site.static_files))
    jobs += headers
    problems += found
    problems += reserved_problems(site.static_files, site_dir)
    titles = {output.casefold(): "" for output, _ in site.static_files}
    titles |= {job.output.casefold(): _title(job, config) for job in jobs}
    urls = plan_redirects(config, site.record, (*index.articles, *index.pages), site.entries, site.existing, titles)
    jobs += urls.jobs
    files, found = redirects_job(config, urls.redirects, affiliate.go_rules(config, catalog))
    jobs += files
    problems += found
    outputs = [(j.output, j.source, _slug_line(j)) for j in jobs]
    root = site_dir.resolve()
    taken = Counter(o.casefold() for o, _, _ in outputs) + Counter(o.casefold() for o, _ in site.static_files)
    # A file's name for a message costs a resolve: only for the few that collide (thousands of images do not).
    outputs += [(output, _rel_or_theme(path, root) if taken[output.casefold()] > 1 else "", 1) for output, path in site.static_files]
    problems += find_collisions(outputs)
    return jobs, problems, urls


def _title(job: RenderJob, config: SiteConfig) -> str:
    """What a page is called, for the redirect pages that lead to it."""
    if job.entry is not None:
        return job.entry.title
    if job.taxonomy is not None:
        return job.taxonomy.name
    return config.title if job.kind == "home" and job.number == 1 else ""


def _slug_line(job: RenderJob) -> int:
    if job.entry is None:
        return 1
    lines = job.entry.lines
    return lines.get("slug") or lines.get("title") or 1


def _rel_or_theme(path: Path, site_dir: Path) -> str:
    resolved = path.resolve() if not path.is_symlink() else path
    return resolved.relative_to(site_dir).as_posix() if resolved.is_relative_to(site_dir) else f"theme file {path.name}"
