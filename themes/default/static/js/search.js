// The search page: Pagefind's index of the site (/pagefind/, built with the site), queried in
// the browser. Nothing is loaded from anyone else; without JavaScript the form still submits
// here and the page says how to browse instead.
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  if (!form) return;
  var input = document.getElementById("search-q");
  var status = document.getElementById("search-status");
  var results = document.getElementById("search-results");
  var pagefind = null;
  var latest = 0;

  // "N results" in the page's language: the theme word's plural forms (data-results, JSON)
  // chosen by the browser's CLDR rules, the same ones the build uses; a plain text works too.
  var resultForms;
  try { resultForms = JSON.parse(form.dataset.results); } catch (e) { resultForms = null; }
  if (!resultForms || typeof resultForms !== "object") resultForms = { other: form.dataset.results || "{count}" };
  var pluralRules = null;
  try { pluralRules = new Intl.PluralRules(document.documentElement.lang || "en"); } catch (e) { /* an old browser: "other" */ }

  function resultsText(count) {
    var text = resultForms[pluralRules ? pluralRules.select(count) : "other"] || resultForms.other || "{count}";
    return text.replace("{count}", count);
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }

  // Pagefind's excerpt is HTML with <mark> around the words found: only its text and marks
  // are copied, so nothing in an article's text can become markup here.
  function excerpt(html) {
    var box = el("p", "card-summary");
    var template = document.createElement("template");
    template.innerHTML = html;
    template.content.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") box.appendChild(el("mark", "", node.textContent));
      else box.appendChild(document.createTextNode(node.textContent));
    });
    return box;
  }

  function load() {
    if (!pagefind) {
      pagefind = import(form.dataset.bundle + "pagefind.js").then(function (module) {
        return module.options({ baseUrl: form.dataset.base, excerptLength: 24 }).then(function () { return module; });
      });
    }
    return pagefind;
  }

  function show(found, count) {
    results.textContent = "";
    status.textContent = count ? resultsText(count) : form.dataset.none;
    found.forEach(function (item) {
      var card = el("article", "card");
      var heading = el("h2", "card-title");
      var link = el("a", "", (item.meta && item.meta.title) || item.url);
      link.href = item.url;
      heading.appendChild(link);
      card.appendChild(heading);
      card.appendChild(excerpt(item.excerpt || ""));
      results.appendChild(card);
    });
  }

  function run(query) {
    var ticket = ++latest;
    if (!query.trim()) { results.textContent = ""; status.textContent = ""; return; }
    load().then(function (module) {
      return module.search(query);
    }).then(function (search) {
      if (!search || ticket !== latest) return null;
      return Promise.all(search.results.slice(0, 20).map(function (r) { return r.data(); })).then(function (found) {
        if (ticket === latest) show(found, search.results.length);
      });
    }).catch(function () {
      if (ticket === latest) show([], 0);  // no index (a site without articles yet), or offline
    });
  }

  var initial = new URLSearchParams(window.location.search).get("q") || "";
  input.value = initial;
  if (initial) run(initial);
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var q = input.value;
    history.replaceState(null, "", "?q=" + encodeURIComponent(q));
    run(q);
  });
  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { run(input.value); }, 150);
  });
})();
