// Small enhancements; every page works without them.
(function () {
  "use strict";

  // "Copy link" buttons stay hidden unless the clipboard can be used.
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    if (!navigator.clipboard) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.dataset.copy).then(function () {
        button.textContent = button.dataset.copiedLabel || button.textContent;
      });
    });
  });

  // Show times in the visitor's own zone: add ?tz= from the browser when it is missing.
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  if (!zone) { return; }
  document.querySelectorAll("a[data-tz-link]").forEach(function (link) {
    var url = new URL(link.href, window.location.href);
    if (!url.searchParams.has("tz")) { url.searchParams.set("tz", zone); link.href = url.toString(); }
  });
  document.querySelectorAll("input[data-tz-field]").forEach(function (field) {
    if (!field.value) { field.value = zone; }
  });
  if (document.querySelector("[data-tz-detect]")) {
    var here = new URL(window.location.href);
    if (!here.searchParams.has("tz")) {
      here.searchParams.set("tz", zone);
      window.location.replace(here.toString());
    }
  }
})();
