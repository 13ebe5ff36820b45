"""The planning stage: one job per output file of the site (pages, feed and sitemap, /go/
pages, ads.txt, _headers, old URLs' redirects) and the problems of the plan (two sources on one
URL, cloaking rules, a privacy page that does not list the services). `plan.py` holds the
job type and the page jobs. A site with languages is planned one language at a time, each
language's outputs in its folder, with the files a domain's root holds (robots.txt, ads.txt,
_headers, _redirects) made once for the languages served there."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from nichesite import ads, affiliate, feeds
from nichesite.config import CONFIG_FILE, SiteConfig
from nichesite.errors import Problem, error, warning
from nichesite.images import HEADERS, headers_job
from nichesite.index import SiteIndex
from nichesite.plan import RenderJob, find_collisions, plan_pages
from nichesite.reading import Site
from nichesite.readlanguages import record_file
from nichesite.redirects import RedirectPlan, plan_redirects, redirect_rules, redirects_job, rules_job
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


HOST_WIDE = ("robots", "headers", "ads.txt", "nojekyll")  # files a host or crawler reads at the domain's root only


def plan_site(site: Site, site_dir: Path, last: Sequence[RenderJob] = ()) -> tuple[list[RenderJob], list[Problem], list[RedirectPlan]]:
    """The jobs of every output (`plan_jobs`), each language's in its folder in a site with
    languages, the problems of the plan, and the redirect plan of each record of published URLs.
    `last` is a session's last plan of a site in one language (a language's is not kept)."""
    if not site.languages:
        jobs, problems, urls = plan_jobs(site, site_dir, last)
        return jobs, problems, [urls]
    jobs: list[RenderJob] = []
    problems: list[Problem] = []
    plans: list[RedirectPlan] = []
    hosts: dict[str, list[Site]] = {}  # the folder deployed at a domain's root → the languages served there
    for part in site.languages:
        hosts.setdefault(part.config.prefix if part.config.own_domain else "", []).append(part)
    rules: dict[str, list[tuple[str, str]]] = {}
    moved: dict[str, bool] = {}
    for part in site.languages:
        config = part.config
        host = config.prefix if config.own_domain else ""
        part_jobs, found, urls = plan_jobs(part, site_dir, in_languages=True)
        problems += found
        plans.append(urls)
        rules.setdefault(host, []).extend(redirect_rules(config, urls.redirects, affiliate.go_rules(config, part.catalog)))
        moved[host] = moved.get(host, False) or bool(urls.redirects)
        shared = len(hosts[host]) > 1
        for job in part_jobs:
            if shared and job.kind in HOST_WIDE:
                continue  # made once for the domain below, from every language served there
            jobs.append(replace(job, output=config.prefix + job.output))
        intruders = [
            job for job in part_jobs if not config.prefix and job.output.startswith(tuple(p.config.prefix for p in site.languages[1:]))
        ]
        for job in intruders:
            folder = job.output.split("/", 1)[0]
            message = f"{job.source} would write /{job.output}, in the folder of language {folder}; give it another slug or category"
            problems.append(error(job.source if job.source.startswith("content/") else "site.yaml", _slug_line(job), message))
    for host, parts in hosts.items():
        if len(parts) > 1:
            jobs += _host_files(host, parts)
    for host, host_rules in rules.items():
        files, found = rules_job(host_rules, moved[host], host)
        jobs += files
        problems += found
    outputs = [(j.output, j.source, _slug_line(j)) for j in jobs]
    root = site_dir.resolve()
    statics = site_statics(site)
    taken = Counter(o.casefold() for o, _, _ in outputs) + Counter(o.casefold() for o, _ in statics)
    outputs += [(output, _rel_or_theme(path, root) if taken[output.casefold()] > 1 else "", 1) for output, path in statics]
    problems += find_collisions(outputs)
    return jobs, list(dict.fromkeys(problems)), plans


def _host_files(host: str, parts: list[Site]) -> list[RenderJob]:
    """robots.txt, ads.txt, _headers and .nojekyll of a domain several languages share, at its
    root (crawlers and hosts read them there only), once for all of them: robots.txt lists every
    language's sitemap, ads.txt every publisher, _headers every language's images; ads.txt and
    _headers are there when any of the languages shows ads or has processed images."""
    served = [part.config for part in parts]
    root_statics = dict(parts[0].static_files)
    robots = [job for job in feeds.feed_jobs() if job.kind == "robots"]
    jobs = [replace(job, data=feeds.robots_txt_for(served)) for job in robots]
    with_ads = [c for c in served if c.ads is not None]
    if with_ads:
        own, _ = ads.ads_txt_jobs(with_ads[0], root_statics)
        lines = dict.fromkeys(ads.ads_txt(c.ads).decode() for c in with_ads)
        jobs += [replace(job, data="".join(lines).encode()) for job in own]
    with_images = [part for part in parts if headers_job(part.images, root_statics)[0]]
    if with_images:
        data = HEADERS + "".join(HEADERS.replace("/", f"/{c.prefix}", 1) for c in served if c.prefix)
        own, _ = headers_job(with_images[0].images, root_statics)
        jobs += [replace(job, data=data.encode()) if job.kind == "headers" else job for job in own]
    return [replace(job, output=host + job.output) for job in jobs]


def site_statics(site: Site) -> tuple[tuple[str, Path], ...]:
    """Every static file to copy: each language's in its folder, in a site with languages."""
    if not site.languages:
        return site.static_files
    return tuple((part.config.prefix + output, path) for part in site.languages for output, path in part.static_files)


def plan_jobs(
    site: Site, site_dir: Path, last: Sequence[RenderJob] = (), in_languages: bool = False
) -> tuple[list[RenderJob], list[Problem], RedirectPlan]:
    """One job per output file, the problems of the plan (two sources on one URL...), and the
    redirects of the old URLs with the record the build leaves. `last` is a session's last plan.
    `in_languages`: one language of a site with languages (plan_site makes its `_redirects` and
    finds collisions, and the files of a domain several languages share: `_host_files`); a
    language served under the default one's domain makes no ads.txt, _headers or robots.txt."""
    config, catalog, index = site.config, site.catalog, site.index
    host_root = not in_languages or not config.prefix or config.own_domain
    jobs = plan_pages(index, config, last) + feeds.feed_jobs() + affiliate.redirect_jobs(config, catalog)
    problems = affiliate.cloak_problems(config, catalog) + affiliate.subid_problems(config, catalog, index)
    problems += privacy_notice_problems(config, index)
    if host_root:
        ads_jobs, found = ads.ads_txt_jobs(config, dict(site.static_files))
        jobs += ads_jobs
        problems += found
        headers, found = headers_job(site.images, dict(site.static_files))
        jobs += headers
        problems += found
    else:
        jobs = [job for job in jobs if job.kind != "robots"]
    problems += reserved_problems(site.static_files, site_dir)
    titles = {output.casefold(): "" for output, _ in site.static_files}
    titles |= {job.output.casefold(): _title(job, config) for job in jobs}
    urls = plan_redirects(config, site.record, (*index.articles, *index.pages), site.entries, site.existing, titles, record_file(config))
    jobs += urls.jobs
    if in_languages:
        return jobs, problems, urls
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


def jobs_by_language(site: Site, jobs: Sequence[RenderJob]) -> dict[str, list[RenderJob]]:
    """Each language's jobs (a site in one language: all of them, under its language)."""
    if not site.languages:
        return {site.config.language: list(jobs)}
    found: dict[str, list[RenderJob]] = {part.config.language: [] for part in site.languages}
    prefixes = sorted(((part.config.prefix, part.config.language) for part in site.languages), key=lambda p: len(p[0]), reverse=True)
    for job in jobs:
        found[next(code for prefix, code in prefixes if job.output.startswith(prefix))].append(job)
    return found


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
