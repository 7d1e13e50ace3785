// Small behaviours every page may use, kept out of the templates so the Content-Security-Policy
// needs no 'unsafe-inline'. Each looks for its data attribute; without JavaScript the pages work
// as plain forms.
(function () {
  "use strict";

  // A country select with a type-to-filter box (registry/_country_select.html).
  function filterSelects(root) {
    root.querySelectorAll("[data-filter-select]").forEach(function (box) {
      var select = document.getElementById(box.dataset.filterSelect);
      if (!select || box.dataset.ready) return;
      box.dataset.ready = "1"; box.hidden = false;
      box.addEventListener("input", function () {
        var q = box.value.trim().toLowerCase(), first = null;
        Array.from(select.options).forEach(function (o) {
          var show = !o.value || o.text.toLowerCase().indexOf(q) !== -1;
          o.hidden = !show; if (show && o.value && !first) first = o;
        });
        if (q && first) select.value = first.value;
      });
    });
  }

  // A list of checkboxes with a filter box (registry/rules_form.html): ticked ones first, so the
  // current rule is visible without scrolling.
  function filterChecklists(root) {
    root.querySelectorAll("[data-filter-list]").forEach(function (box) {
      var list = document.getElementById(box.dataset.filterList);
      if (!list || box.dataset.ready) return;
      box.dataset.ready = "1"; box.hidden = false;
      Array.from(list.children).filter(function (l) { return l.querySelector("input").checked; })
        .reverse().forEach(function (l) { list.prepend(l); });
      box.addEventListener("input", function () {
        var q = box.value.trim().toLowerCase();
        Array.from(list.children).forEach(function (l) {
          l.hidden = q && l.dataset.name.indexOf(q) === -1 && l.textContent.toLowerCase().indexOf(q) === -1;
        });
      });
    });
  }

  // A select that submits its form when changed; data-clears names a field emptied first.
  function autoSubmit(root) {
    root.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      if (select.dataset.ready) return;
      select.dataset.ready = "1";
      select.addEventListener("change", function () {
        var clears = select.dataset.clears && select.form.elements[select.dataset.clears];
        if (clears) clears.value = "";
        select.form.submit();
      });
    });
  }

  function printButtons(root) {
    root.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  }

  function wire(root) { filterSelects(root); filterChecklists(root); autoSubmit(root); printButtons(root); }
  document.addEventListener("DOMContentLoaded", function () { wire(document); });
  // Parts swapped in by htmx get the same behaviours.
  document.addEventListener("htmx:load", function (event) { wire(event.target); });

  // A partial that answers a refused request with its message (400, 422, 429: a bad photo, the
  // uploads limit) is shown where the results go, when that place says so (data-swap-errors);
  // htmx would otherwise drop it and the person would see nothing happen.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status, target = event.detail.target;
    if ((status === 400 || status === 422 || status === 429) && target && target.hasAttribute("data-swap-errors")) {
      event.detail.shouldSwap = true; event.detail.isError = false;
    }
  });
})();

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
