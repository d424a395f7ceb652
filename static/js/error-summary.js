// A refused form: focus moves to the error summary, and each of its links moves focus to the
// field it names, with the field's label or legend scrolled into view above it.
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) { return; }
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    var field = link && document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!field) { return; }
    event.preventDefault();
    var fieldset = field.closest("fieldset");
    var legend = fieldset && fieldset.querySelector("legend");
    var label = legend || (field.labels && field.labels[0]) || field;
    label.scrollIntoView();
    field.focus({ preventScroll: true });
  });
})();
