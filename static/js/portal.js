// Small helpers every page gets (templates/base.html). The pages work without them.
(function () {
  "use strict";

  // A table or box that scrolls sideways (a phone) can be scrolled from the keyboard: it takes focus.
  function focusableScrollers() {
    document.querySelectorAll("table.grid, .scroll-x, .results, .clip").forEach(function (el) {
      if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1) {
        el.tabIndex = 0;
      } else if (el.getAttribute("tabindex") === "0") {
        el.removeAttribute("tabindex");
      }
    });
  }

  // A slow button says it is working and cannot be pressed twice: <button data-busy="Saving…">.
  function busyButtons(event) {
    var form = event.target;
    var button = event.submitter;
    if (!button || !button.hasAttribute("data-busy") || form.getAttribute("aria-busy") === "true") return;
    form.setAttribute("aria-busy", "true");
    button.dataset.label = button.textContent;
    button.textContent = button.getAttribute("data-busy");
    // Disabled after the submit event, so the button's own name and value are still sent.
    setTimeout(function () { button.disabled = true; }, 0);
  }

  document.addEventListener("DOMContentLoaded", focusableScrollers);
  window.addEventListener("resize", focusableScrollers);
  document.addEventListener("htmx:afterSettle", focusableScrollers);
  document.addEventListener("submit", busyButtons);
})();
