// Client-side search over /search-index.json. No library, no third party.
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  if (!form) return;
  var input = document.getElementById("search-q");
  var status = document.getElementById("search-status");
  var results = document.getElementById("search-results");
  var index = null;

  function norm(s) {
    return (s || "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  function score(item, words) {
    var title = norm(item.title), rest = norm(item.summary + " " + item.category + " " + item.tags.join(" "));
    var total = 0;
    for (var i = 0; i < words.length; i++) {
      var w = words[i], s = 0;
      if (title.indexOf(w) >= 0) s += 3;
      if (rest.indexOf(w) >= 0) s += 1;
      if (!s) return 0;
      total += s;
    }
    return total;
  }

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

  function show(query) {
    results.textContent = "";
    var words = norm(query).split(/\s+/).filter(Boolean);
    if (!words.length) { status.textContent = ""; return; }
    var found = [];
    index.forEach(function (item, n) {
      var s = score(item, words);
      if (s) found.push({ item: item, s: s, n: n });
    });
    found.sort(function (a, b) { return b.s - a.s || a.n - b.n; });
    status.textContent = found.length ? resultsText(found.length) : form.dataset.none;
    found.slice(0, 50).forEach(function (f) {
      var card = el("article", "card");
      var h = el("h2", "card-title");
      var a = el("a", "", f.item.title);
      a.href = f.item.url;
      h.appendChild(a);
      card.appendChild(h);
      if (f.item.category) card.appendChild(el("p", "card-meta", f.item.category));
      card.appendChild(el("p", "card-summary", f.item.summary));
      results.appendChild(card);
    });
  }

  function run(query) {
    if (index) { show(query); return; }
    fetch(form.dataset.index).then(function (r) { return r.json(); }).then(function (data) {
      index = data;
      show(query);
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
