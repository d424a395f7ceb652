/* First Step booking widget: turns each marked link into the framed widget, with the
   visitor's time zone and this site's address (a client who books is offered the way back
   here when it is one of the specialist's own sites). Without scripts the link itself
   stays and opens the profile. */
(function () {
  "use strict";
  var zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (error) {
    zone = "";
  }
  var links = document.querySelectorAll("a[data-first-step-widget]");
  Array.prototype.forEach.call(links, function (link) {
    var address = link.getAttribute("data-first-step-widget");
    if (!address || address.indexOf("{{ site_url|escapejs }}/") !== 0) {
      return;
    }
    var frame = document.createElement("iframe");
    var query = "back=" + encodeURIComponent(window.location.origin);
    if (zone) {
      query += "&tz=" + encodeURIComponent(zone);
    }
    frame.src = address + "?" + query;
    frame.title = link.textContent;
    frame.width = "360";
    frame.height = "440";
    frame.loading = "lazy";
    frame.style.border = "0";
    frame.style.maxWidth = "100%";
    link.parentNode.replaceChild(frame, link);
  });
})();
