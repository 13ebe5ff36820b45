"""Live reload and the error overlay: what the browser learns about each build of the preview.

Live reload is done at serve time, never in the built files: every HTML response gets a small
script before `</body>` that listens to `/__nichesite/events` (Server-Sent Events carrying only a
build id; one stream per browser, shared by its tabs through a SharedWorker) and reloads the page
when the id changes. While the latest build has failed, HTML responses also get an overlay
listing the errors; the next good build changes the id, the page reloads, and the overlay is gone.
The overlay's own sentences are theme words (`preview_*`) in the site's language, from the latest
build that read them (English until one has). `PreviewState` carries the latest build's status
from the build loop to the request threads.
"""

from __future__ import annotations

import html
import json
import secrets
import threading
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from nichesite.errors import Problem
from nichesite.i18n import Translations, load_translations
from nichesite.theme import DEFAULT_THEME, shipped_themes_dir

EVENTS_PATH = "/__nichesite/events"
WORKER_PATH = "/__nichesite/live.js"
MAX_OVERLAY_LINES = 20


@cache
def english_words() -> Translations:
    """The default theme's English words: the overlay's until a build has read the site's."""
    folder = shipped_themes_dir() / DEFAULT_THEME / "i18n"
    return load_translations([folder], "en", folder)[0]


@dataclass(frozen=True, slots=True)
class BuildStatus:
    """The outcome of the latest build as the browser sees it."""

    build_id: str
    ok: bool
    errors: tuple[str, ...] = ()  # `path:line: error: message`, shown in the overlay
    words: Translations = field(default_factory=english_words, compare=False)  # the overlay's sentences

    def as_json(self) -> bytes:
        return json.dumps({"id": self.build_id, "ok": self.ok, "errors": list(self.errors)}).encode()


class PreviewState:
    """The preview folder plus the latest build status; request threads wait on it for changes."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._token = secrets.token_hex(4)  # a restarted server never repeats an old id
        self._count = 0
        self._status = BuildStatus(f"{self._token}-0", True)
        self._words = english_words()
        self._cond = threading.Condition()
        self.closing = False

    @property
    def status(self) -> BuildStatus:
        with self._cond:
            return self._status

    def publish(
        self, ok: bool, problems: tuple[Problem, ...] | list[Problem] = (), words: Translations | None = None, failure: str = ""
    ) -> BuildStatus:
        """Record a finished build; every open page learns the new id and reloads. `words` are the
        theme's words the build read (a build that failed before reading them keeps the last
        ones); `failure` is why the file system failed it, when it did."""
        with self._cond:
            self._count += 1
            if words is not None:
                self._words = words
            errors = tuple(str(p) for p in problems if p.is_error) if not ok else ()
            if not ok and not errors:
                errors = tuple(str(p) for p in problems) or (failure or say(self._words, "preview_see_terminal"),)
            self._status = BuildStatus(f"{self._token}-{self._count}", ok, errors, self._words)
            self._cond.notify_all()
            return self._status

    def wait_for_change(self, build_id: str | None, timeout: float) -> BuildStatus:
        with self._cond:
            self._cond.wait_for(lambda: self.closing or self._status.build_id != build_id, timeout)
            return self._status

    def close(self) -> None:
        with self._cond:
            self.closing = True
            self._cond.notify_all()


# One event stream per browser, shared by every tab through a SharedWorker: browsers allow about
# six connections per host, and a stream per tab would make the seventh tab hang.
LIVE_WORKER = b"""/* nichesite preview: one build-event stream shared by all tabs */
var ports = [], last = null, source = null, delay = 500;
function connect() {
  source = new EventSource("/__nichesite/events");
  source.addEventListener("build", function (event) {
    delay = 500; last = event.data;
    ports.forEach(function (port) { port.postMessage(last); });
  });
  source.onerror = function () {
    source.close(); source = null;
    setTimeout(connect, delay); delay = Math.min(delay * 2, 5000);
  };
}
onconnect = function (event) {
  var port = event.ports[0];
  ports.push(port);
  if (last) port.postMessage(last);
  if (!source) connect();
};
"""

RELOAD_SCRIPT = """<script>/* nichesite preview: live reload */
(function () {
  var build = %s, delay = 500, source = null, timer = null;
  function onBuild(data) { if (JSON.parse(data).id !== build) location.reload(); }
  if (window.SharedWorker) {
    try {
      var worker = new SharedWorker("%s");
      worker.port.onmessage = function (event) { onBuild(event.data); };
      worker.port.start();
      return;
    } catch (e) { /* fall back to a stream of this tab's own */ }
  }
  function connect() {
    if (source || document.hidden) return;
    source = new EventSource("%s");
    source.addEventListener("build", function (event) { delay = 500; onBuild(event.data); });
    source.onerror = function () {
      source.close(); source = null; clearTimeout(timer);
      timer = setTimeout(connect, delay);
      delay = Math.min(delay * 2, 5000);
    };
  }
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) { if (source) { source.close(); source = null; } } else { connect(); }
  });
  connect();
})();
</script>
"""

OVERLAY = """<div id="nichesite-error-overlay" role="alert" lang="%(lang)s" style="position:fixed;top:0;left:0;right:0;z-index:2147483647;\
max-height:70vh;overflow:auto;margin:0;padding:1rem 1.25rem;background:#1d1d1f;color:#f5f5f7;border-bottom:4px solid #e5484d;\
font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;text-align:left">\
<button type="button" aria-label="%(close)s" onclick="this.parentNode.remove()" style="float:right;font:inherit;font-size:20px;\
line-height:1;background:none;color:inherit;border:0;cursor:pointer">&times;</button>\
<strong style="color:#ff8a8f">nichesite: %(failed)s</strong> %(explained)s\
<ul style="margin:.5rem 0 0;padding-left:1.25rem">%(items)s</ul></div>
"""


def say(words: Translations, key: str, **values: object) -> str:
    """A theme word of the overlay; the English one when the site's theme has none or its
    placeholders are broken (the overlay must show whatever the site's files say)."""
    try:
        text = words(key, **values)
    except (KeyError, IndexError, ValueError):
        text = key
    return english_words()(key, **values) if text == key else text


def injection(status: BuildStatus) -> bytes:
    """The snippet put before `</body>`: the overlay while the last build failed, and the reload script."""
    parts = []
    if not status.ok:
        words = status.words
        shown = status.errors[:MAX_OVERLAY_LINES]
        items = "".join(f"<li>{html.escape(line)}</li>" for line in shown)
        if len(status.errors) > len(shown):
            items += f"<li>{html.escape(say(words, 'preview_more_errors', count=len(status.errors) - len(shown)))}</li>"
        texts = {
            "lang": words.language,
            "close": say(words, "Close"),
            "failed": say(words, "preview_build_failed"),
            "explained": say(words, "preview_last_good"),
        }
        parts.append(OVERLAY % {**{k: html.escape(v) for k, v in texts.items()}, "items": items})
    parts.append(RELOAD_SCRIPT % (json.dumps(status.build_id), WORKER_PATH, EVENTS_PATH))
    return "".join(parts).encode()


def inject(page: bytes, snippet: bytes) -> bytes:
    """Insert snippet before the last `</body>` (or at the end when there is none)."""
    at = page.lower().rfind(b"</body>")
    return page + snippet if at < 0 else page[:at] + snippet + page[at:]
