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

  // The reader's zone goes to the server in a cookie (directory/local_time.py). A page that
  // showed times before it knew the zone is shown again, once, in the right one.
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  if (!zone || !/^[A-Za-z0-9_+\-\/]{1,64}$/.test(zone)) { return; }
  function hasZoneCookie() {
    return document.cookie.split("; ").some(function (pair) { return pair.indexOf("tz=") === 0; });
  }
  document.querySelectorAll("input[data-tz-field]").forEach(function (field) {
    if (!field.value) { field.value = zone; }
  });
  if (!hasZoneCookie()) {
    document.cookie = "tz=" + zone + "; path=/; max-age=34560000; samesite=lax" +
      (window.location.protocol === "https:" ? "; secure" : "");
    var link = document.querySelector(".zone-link [data-zone]");
    if (hasZoneCookie() && link && !link.dataset.zone && document.querySelector("[data-times]")) {
      window.location.reload();
    }
  }
  // The time-zone page offers this device's zone first.
  var select = document.querySelector("select[name=tz]");
  if (select && !select.value) { select.value = zone; }
})();
