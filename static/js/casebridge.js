// Casebridge: small behaviours wired by data attributes; no inline scripts (the CSP forbids them).
// Everything works without this file: it only adds conveniences.
(function () {
  "use strict";

  // After an htmx swap, move focus to the swapped section's heading or error summary so that
  // keyboard and screen-reader users hear what changed.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target) return;
    // A section that refreshes itself (polling) never takes the focus away from the reader.
    var source = event.detail.elt;
    if (source && source.hasAttribute && source.hasAttribute("data-poll")) return;
    var focusable = target.querySelector("[data-focus-after-swap]") || target.querySelector("h2");
    if (focusable) {
      if (!focusable.hasAttribute("tabindex")) focusable.setAttribute("tabindex", "-1");
      focusable.focus();
    }
  });

  // A refused (stale) htmx write answers 409 with the section re-rendered: show it anyway.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 409 || status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
