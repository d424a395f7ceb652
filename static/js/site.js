// Small enhancements; every page works without them.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // The phone menu is a <details>: it works without this; Escape and a tap elsewhere close it.
  document.querySelectorAll("[data-nav-menu]").forEach(function (menu) {
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open) { menu.open = false; menu.querySelector("summary").focus(); }
    });
    document.addEventListener("click", function (event) {
      if (menu.open && !menu.contains(event.target)) { menu.open = false; }
    });
  });

  // On a phone the search filters open as a drawer over the results; without this script
  // the "Search and filters" link jumps to them below the results.
  var drawer = document.querySelector("[data-filters-drawer]");
  var opener = document.querySelector("[data-drawer-open]");
  if (drawer && opener) {
    var narrow = window.matchMedia("(max-width: 860px)");
    var closer = drawer.querySelector("[data-drawer-close]");
    var setDrawer = function () {
      drawer.classList.toggle("is-drawer", narrow.matches);
      drawer.hidden = narrow.matches;
      opener.setAttribute("aria-expanded", "false");
    };
    setDrawer();
    narrow.addEventListener("change", setDrawer);
    opener.setAttribute("role", "button");
    opener.addEventListener("click", function (event) {
      if (!narrow.matches) { return; }
      event.preventDefault();
      drawer.hidden = false;
      opener.setAttribute("aria-expanded", "true");
      drawer.querySelector("input, select").focus();
    });
    var close = function () {
      drawer.hidden = true;
      opener.setAttribute("aria-expanded", "false");
      opener.focus();
    };
    if (closer) { closer.addEventListener("click", close); }
    drawer.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && narrow.matches && !drawer.hidden) { close(); }
    });
  }

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

  // Offline: a calm banner while the connection is gone; a click or a submit made offline
  // stays on the page instead of reaching the browser's error page; the forms people type
  // into keep a draft on this device and are sent once the connection is back.
  var banner = document.querySelector("[data-offline-banner]");
  var kept = document.querySelector("[data-offline-kept]");
  var showConnection = function () {
    if (banner) { banner.hidden = navigator.onLine; }
  };
  window.addEventListener("online", showConnection);
  window.addEventListener("offline", showConnection);
  showConnection();
  var store = null;
  try { store = window.localStorage; } catch (e) { store = null; }
  var draftKey = function (form) { return "draft:" + window.location.pathname + ":" + form.dataset.draft; };
  var typed = function (form) {
    return Array.prototype.filter.call(form.elements, function (field) {
      return field.name && (field.tagName === "TEXTAREA" ||
        (field.tagName === "INPUT" && /^(text|email|tel|search|url|number)$/.test(field.type)));
    });
  };
  var waiting = null;
  document.querySelectorAll("form[data-draft]").forEach(function (form) {
    if (store) {
      var saved = null;
      try { saved = JSON.parse(store.getItem(draftKey(form)) || "null"); } catch (e) { saved = null; }
      if (saved) {
        typed(form).forEach(function (field) {
          if (!field.value && typeof saved[field.name] === "string") { field.value = saved[field.name]; }
        });
      }
      form.addEventListener("input", function () {
        var values = {};
        typed(form).forEach(function (field) { if (field.value) { values[field.name] = field.value; } });
        try { store.setItem(draftKey(form), JSON.stringify(values)); } catch (e) { /* full or refused */ }
      });
    }
    form.addEventListener("submit", function () {
      if (navigator.onLine && store) { store.removeItem(draftKey(form)); }
    });
  });
  document.addEventListener("submit", function (event) {
    if (navigator.onLine) { return; }
    event.preventDefault();
    showConnection();
    if (event.target.matches("form[data-draft]")) {
      waiting = { form: event.target, submitter: event.submitter || null };
      if (kept) { kept.hidden = false; }
    }
  });
  window.addEventListener("online", function () {
    if (kept) { kept.hidden = true; }
    if (waiting) {
      var held = waiting;
      waiting = null;
      held.form.requestSubmit(held.submitter);
    }
  });
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[href]") : null;
    if (navigator.onLine || !link || link.target || link.hasAttribute("download")) { return; }
    var url = new URL(link.href, window.location.href);
    if (url.origin !== window.location.origin || (url.hash && url.pathname === window.location.pathname)) { return; }
    event.preventDefault();
    showConnection();
  });

  // The crisis page: the visitor's own country first, from the browser's time zone.
  var countries = document.querySelector("[data-crisis-countries]");
  if (countries) {
    var here = "";
    try { here = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { here = ""; }
    Array.prototype.some.call(countries.children, function (entry) {
      var zones = (entry.dataset.zones || "").split(" ");
      if (here && zones.indexOf(here) !== -1) { countries.insertBefore(entry, countries.firstElementChild); return true; }
      return false;
    });
  }

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
  // This device's zone among a list's options, under its name there: browsers still report
  // some old names (Asia/Calcutta), and the lists offer today's (Asia/Kolkata).
  function zoneOption(field) {
    return Array.prototype.find.call(field.options, function (option) {
      if (option.value === zone) { return true; }
      try {
        return new Intl.DateTimeFormat("en", { timeZone: option.value }).resolvedOptions().timeZone === zone;
      } catch (e) { return false; }
    });
  }
  // A new profile starts in this device's zone rather than UTC.
  document.querySelectorAll("select[data-tz-default]").forEach(function (field) {
    var option = zoneOption(field);
    if (option) { field.value = option.value; }
  });
  // The time-zone page offers this device's zone first.
  var select = document.querySelector("select[name=tz]");
  if (select && !select.value) {
    var option = zoneOption(select);
    if (option) { select.value = option.value; }
  }
})();
