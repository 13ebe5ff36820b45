// The "Share…" button under an article: the system share sheet (Web Share API) where the
// browser has one, mostly on phones. Without it, or without JavaScript, the button stays hidden
// and the plain share links beside it do the work. Nothing is loaded from anyone else.
(function () {
  "use strict";
  var item = document.querySelector(".share-native");
  if (!item || typeof navigator.share !== "function") return;
  var button = item.querySelector("button");
  var data = { title: button.dataset.title, url: button.dataset.url };
  if (typeof navigator.canShare === "function" && !navigator.canShare(data)) return;
  item.hidden = false;
  button.addEventListener("click", function () {
    navigator.share(data).catch(function () { /* closed without sharing */ });
  });
})();
