"""The build under faults, through the real command: two builds at once, a build killed while it
publishes, an output that is a symlink or a mount point, a full or read-only disk, a killed build's
workers. Each test runs `python -m nichesite` and looks at what a user would find afterwards."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import REPO, article, run_nichesite, tree_digest, write_site

from nichesite.lock import OutputLock
from nichesite.output import MARKER

ARTICLES = 40


def _site(root: Path, count: int = ARTICLES) -> Path:
    files = {f"content/care/fix-number-{i}.md": article(f"Fix number {i}", body=f"Step {i}: change less water.\n") for i in range(count)}
    files["content/pages/about.md"] = "---\ntitle: About\n---\nWho writes here.\n"
    return write_site(root, files)


def _start(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    full_env = {**os.environ, **(env or {})}
    full_env.pop("NICHESITE_BASE_URL", None)
    return subprocess.Popen(
        [sys.executable, "-m", "nichesite", *map(str, args)],
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _wait_for_output(process: subprocess.Popen, text: str, limit: float = 60) -> str:
    """What a running process has written to stderr once `text` appears in it (read by a
    thread, line by line, so a quiet process never blocks the test)."""
    lines: list[str] = getattr(process, "lines", None) or []
    if not hasattr(process, "lines"):
        process.lines = lines
        threading.Thread(target=lambda: lines.extend(iter(process.stderr.readline, "")), daemon=True).start()
    deadline = time.monotonic() + limit
    while text not in "".join(lines) and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.1)
    return "".join(lines)


def _wait_for(path: Path, process: subprocess.Popen, limit: float = 120) -> None:
    """Wait until a paused build has reached its pause point (it creates `path`)."""
    deadline = time.monotonic() + limit
    while not path.exists():
        if process.poll() is not None:
            raise AssertionError(f"the build ended before its pause point: {process.communicate()}")
        if time.monotonic() > deadline:
            process.kill()
            raise AssertionError("the build never reached its pause point")
        time.sleep(0.05)


def _kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(30)


def _leftovers(site: Path) -> list[str]:
    return sorted(p.name for p in site.iterdir() if ".nichesite-" in p.name)


def _clean_tree(tmp_path: Path, site: Path) -> dict[str, str]:
    """What a clean build of the site publishes (in a copy, so the site's own state is not used)."""
    copy = tmp_path / "clean"
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns("public", ".nichesite", ".public.*"))
    assert run_nichesite("build", copy).returncode == 0
    return tree_digest(copy / "public")


def _with_git(site: Path) -> None:
    git = site / "public/.git"
    git.mkdir()
    (git / "HEAD").write_text("ref: refs/heads/gh-pages\n")


# -- item 1: one build at a time ---------------------------------------------------------------


def test_two_builds_at_once_publish_one_whole_site(tmp_path):
    site = _site(tmp_path / "site", 120)
    first, second = _start("build", site), _start("build", site)
    outputs = [p.communicate(timeout=300) for p in (first, second)]
    assert (first.returncode, second.returncode) == (0, 0), outputs
    assert (site / "public" / MARKER).is_file()
    assert tree_digest(site / "public") == _clean_tree(tmp_path, site)
    assert _leftovers(site) == []
    third = run_nichesite("build", site)
    assert third.returncode == 0, third.stderr


def test_a_build_waits_for_the_holder_then_builds(tmp_path):
    site = _site(tmp_path / "site")
    holder = OutputLock.acquire(site / "public", "nichesite build --watch")
    process = _start("build", site, env={"NICHESITE_LOCK_WAIT": "120"})
    try:
        message = _wait_for_output(process, "waiting for")
        assert "waiting for nichesite build --watch (PID" in message
        assert process.poll() is None  # still waiting, nothing written
        assert not (site / "public").exists()
    finally:
        holder.release()
    process.wait(120)
    assert process.returncode == 0, _wait_for_output(process, "")
    assert (site / "public/index.html").is_file()


def test_a_build_that_may_not_wait_exits_2_naming_the_holder(tmp_path):
    site = _site(tmp_path / "site")
    assert run_nichesite("build", site).returncode == 0
    before = tree_digest(site / "public")
    with OutputLock.acquire(site / "public", "nichesite serve at http://127.0.0.1:8000/"):
        result = run_nichesite("build", site, env={"NICHESITE_LOCK_WAIT": "0"})
    assert result.returncode == 2
    assert "is being written by nichesite serve at http://127.0.0.1:8000/ (PID " in result.stderr
    assert "Traceback" not in result.stderr
    assert tree_digest(site / "public") == before


def test_the_lock_of_a_killed_build_is_taken_over(tmp_path):
    site = _site(tmp_path / "site")
    flag = tmp_path / "paused"
    process = _start("build", site, env={"NICHESITE_TEST_PAUSE": f"before-publish:{flag}"})
    _wait_for(flag, process)
    _kill(process)
    assert any(name.endswith("nichesite-lock") for name in _leftovers(site))
    result = run_nichesite("build", site, env={"NICHESITE_LOCK_WAIT": "0"})
    assert result.returncode == 0, result.stderr
    assert _leftovers(site) == []  # the dead build's staging folder and lock file are gone
    assert tree_digest(site / "public") == _clean_tree(tmp_path, site)


def test_two_previews_of_one_site_the_second_exits_2(tmp_path):
    site = _site(tmp_path / "site", 3)
    first = _start("serve", site, "--port", "0")
    try:
        assert "Serving" in _wait_for_output(first, "Serving")
        second = run_nichesite("serve", site, "--port", "0", timeout=60)
        assert second.returncode == 2
        assert "this site is already being previewed by nichesite serve at http://127.0.0.1:" in second.stderr
    finally:
        first.send_signal(signal.SIGTERM)
        first.wait(30)


# -- item 2: publishing is crash-safe ------------------------------------------------------------


@pytest.mark.parametrize(
    ("point", "env"),
    [("after-swap", {}), ("between-renames", {"NICHESITE_TEST_NO_EXCHANGE": "1"})],
    ids=["exchange", "two-renames"],
)
def test_a_build_killed_while_publishing_loses_nothing(tmp_path, point, env):
    site = _site(tmp_path / "site")
    assert run_nichesite("build", site).returncode == 0
    _with_git(site)
    (site / "content/care/fix-number-0.md").write_text(article("Fix number 0", body="Rewritten step.\n"))
    flag = tmp_path / "paused"
    process = _start("build", site, env={**env, "NICHESITE_TEST_PAUSE": f"{point}:{flag}"})
    _wait_for(flag, process)
    _kill(process)
    # Killed in the window: either public/ is the new site without its .git (exchange) or it is
    # missing (two renames). The next build repairs it.
    result = run_nichesite("build", site)
    assert result.returncode == 0, result.stderr
    assert (site / "public/.git/HEAD").read_text() == "ref: refs/heads/gh-pages\n"
    assert "Rewritten step." in (site / "public/fix-number-0/index.html").read_text()
    assert _leftovers(site) == []
    published = {k: v for k, v in tree_digest(site / "public").items() if not k.startswith(".git/")}
    assert published == _clean_tree(tmp_path, site)


def test_a_build_killed_before_publishing_keeps_the_old_site(tmp_path):
    site = _site(tmp_path / "site")
    assert run_nichesite("build", site).returncode == 0
    _with_git(site)
    before = tree_digest(site / "public")
    (site / "content/care/fix-number-1.md").unlink()
    flag = tmp_path / "paused"
    process = _start("build", site, env={"NICHESITE_TEST_PAUSE": f"before-publish:{flag}"})
    _wait_for(flag, process)
    _kill(process)
    assert tree_digest(site / "public") == before


def test_an_output_that_is_a_symlink_stays_one(tmp_path):
    site = _site(tmp_path / "site")
    target = tmp_path / "www"
    target.mkdir()
    (site / "public").symlink_to(target)
    assert run_nichesite("build", site).returncode == 0
    assert (site / "public").is_symlink() and (target / "index.html").is_file()
    (site / "content/care/fix-number-2.md").unlink()
    result = run_nichesite("build", site)
    assert result.returncode == 0, result.stderr
    assert (site / "public").is_symlink()
    assert not (target / "fix-number-2").exists()
    assert sorted(p.name for p in target.iterdir() if p.name.startswith(".nichesite-")) == [MARKER]
    assert tree_digest(target) == _clean_tree(tmp_path, site)


# -- file systems: a mount point, a full disk, a read-only disk (in a private mount namespace) ---


def _in_namespace(tmp_path: Path, script: str) -> subprocess.CompletedProcess:
    """Run a shell script as root of a private user and mount namespace, so that it may mount
    small file systems without touching the machine's."""
    if shutil.which("unshare") is None or subprocess.run(["unshare", "-rm", "true"], capture_output=True).returncode:
        if os.environ.get("CI"):
            pytest.fail("unshare -rm (user and mount namespaces) is needed for the file-system tests")
        pytest.skip("no user namespaces here (unshare -rm)")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("NICHESITE_BASE_URL", None)
    nichesite = f"{sys.executable} -m nichesite"
    return subprocess.run(
        ["unshare", "-rm", "sh", "-c", f"set -u\nNICHESITE='{nichesite}'\n{script}"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_an_output_that_is_a_mount_point(tmp_path):
    site = _site(tmp_path / "site")
    (site / "public").mkdir()
    result = _in_namespace(
        tmp_path,
        f"""
        mount -t tmpfs tmpfs {site}/public
        $NICHESITE build {site} || exit 10
        rm {site}/content/care/fix-number-3.md
        $NICHESITE build {site} || exit 11
        test -e {site}/public/fix-number-3 && exit 12
        mkdir {tmp_path}/copy && cp -a {site}/public/. {tmp_path}/copy/
        """,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert tree_digest(tmp_path / "copy") == _clean_tree(tmp_path, site)


def test_a_full_disk_is_said_in_words_and_keeps_the_old_site(tmp_path):
    site = _site(tmp_path / "site", 5)
    disk = tmp_path / "disk"
    disk.mkdir()
    (site / "static").mkdir()
    result = _in_namespace(
        tmp_path,
        f"""
        mount -t tmpfs -o size=1000k tmpfs {disk}
        $NICHESITE build {site} -o {disk}/public || exit 10
        cp -a {disk}/public {tmp_path}/before
        head -c 1200000 /dev/urandom > {site}/static/big.bin
        $NICHESITE build {site} -o {disk}/public
        echo "exit=$?"
        diff -r {tmp_path}/before {disk}/public && echo same
        ls -a {disk}
        """,
    )
    assert "exit=1" in result.stdout, result.stdout + result.stderr
    assert f"nichesite: no space left on the device for {disk}/public" in result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert "same" in result.stdout  # the previous site is untouched
    assert ".public.nichesite-staging" not in result.stdout  # and nothing is left beside it


def test_a_read_only_disk_is_said_in_words(tmp_path):
    site = _site(tmp_path / "site", 5)
    disk = tmp_path / "disk"
    disk.mkdir()
    result = _in_namespace(
        tmp_path,
        f"""
        mount -t tmpfs tmpfs {disk}
        $NICHESITE build {site} -o {disk}/public || exit 10
        mount -o remount,ro {disk}
        echo "more" >> {site}/content/care/fix-number-1.md
        $NICHESITE build {site} -o {disk}/public
        echo "exit=$?"
        """,
    )
    assert "exit=1" in result.stdout, result.stdout + result.stderr
    assert "is on a read-only file system; build into a writable folder with -o" in result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


# -- item 10: workers die with the build ---------------------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def test_killing_a_build_kills_its_workers(tmp_path):
    if (os.cpu_count() or 1) < 2:
        pytest.skip("one CPU: the build renders without worker processes")
    site = _site(tmp_path / "site", 320)
    flag = tmp_path / "paused"
    process = _start("build", site, env={"NICHESITE_TEST_PAUSE": f"rendering:{flag}"})
    _wait_for(flag, process, limit=300)
    workers = _children(process.pid)
    assert workers, "the build renders in worker processes"
    _kill(process)
    deadline = time.monotonic() + 60
    while any(Path(f"/proc/{pid}").exists() and _state(pid) != "Z" for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [pid for pid in workers if Path(f"/proc/{pid}").exists() and _state(pid) != "Z"] == []


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"


# -- item 8: the base URL is parsed, never pasted ------------------------------------------------

HOSTILE_URL = 'https://p.example/x"><img src=x onerror=alert(1)>'


@pytest.mark.parametrize("command", ["build", "check"])
def test_a_hostile_base_url_from_the_environment_is_refused_at_its_name(tmp_path, command):
    site = _site(tmp_path / "site", 2)
    result = run_nichesite(command, site, env={"NICHESITE_BASE_URL": HOSTILE_URL})
    assert result.returncode == 2
    assert "Invalid value for NICHESITE_BASE_URL: must be an absolute http(s) URL" in result.stderr
    assert not (site / "public").exists()


def test_a_base_url_flag_with_a_space_is_refused_at_the_flag(tmp_path):
    site = _site(tmp_path / "site", 2)
    result = run_nichesite("build", site, "--base-url", "https://p.example/a b")
    assert result.returncode == 2
    assert "Invalid value for '--base-url'" in result.stderr and "without spaces" in result.stderr
    assert not (site / "public").exists()


def test_a_bad_base_url_in_site_yaml_is_an_error_at_its_line(tmp_path):
    site = _site(tmp_path / "site", 2)
    config = (site / "site.yaml").read_text().replace("base_url: https://shrimpfixes.example", "base_url: https://a.example/<b>")
    (site / "site.yaml").write_text(config)
    result = run_nichesite("build", site)
    assert result.returncode == 1
    assert "site.yaml:2: error: base_url: must be an absolute http(s) URL" in result.stderr
    assert "without spaces, quotes or < >; got 'https://a.example/<b>'" in result.stderr
    assert not (site / "public").exists()


def test_an_international_base_url_is_written_in_ascii(tmp_path):
    site = _site(tmp_path / "site", 2)
    result = run_nichesite("build", site, "--base-url", "https://Креветки.бг/блог/")
    assert result.returncode == 0, result.stderr
    page = (site / "public/fix-number-0/index.html").read_text()
    assert '<link rel="canonical" href="https://xn--b1afbmgd2bt.xn--90ae/%D0%B1%D0%BB%D0%BE%D0%B3/fix-number-0/">' in page
    assert "https://xn--b1afbmgd2bt.xn--90ae/%D0%B1%D0%BB%D0%BE%D0%B3/fix-number-0/" in (site / "public/sitemap.xml").read_text()
