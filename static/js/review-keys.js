// Keyboard shortcuts of the review pages. Every action is also an ordinary button or form, so
// the pages work without this file. No shortcut fires while typing in a field (Esc leaves it).
(function () {
  "use strict";
  var OUTCOME_GROUP = { r: "Remove listing", s: "Suppress listing", j: "Reject report" };

  function typing(el) {
    if (!el) return false;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }

  function submit(id) {
    var form = document.getElementById(id);
    if (form) { form.requestSubmit ? form.requestSubmit() : form.submit(); return true; }
    return false;
  }

  function pickOutcome(key) {
    var select = document.getElementById("id_reason_code");
    if (!select) return false;
    var option = select.querySelector('optgroup[label="' + OUTCOME_GROUP[key] + '"] option');
    if (!option) return false;
    select.value = option.value;
    select.dispatchEvent(new Event("change", { bubbles: true }));
    var facts = document.getElementById("id_facts");
    (facts || select).focus();
    return true;
  }

  function focusField(id, openId) {
    if (openId) { var box = document.getElementById(openId); if (box) box.open = true; }
    var el = document.getElementById(id);
    if (el) { el.focus(); el.scrollIntoView({ block: "center" }); return true; }
    return false;
  }

  function toggleHelp() {
    var dialog = document.getElementById("shortcuts");
    if (!dialog) return false;
    if (dialog.open) dialog.close(); else dialog.showModal();
    return true;
  }

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-shortcut-help]")) toggleHelp();
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && typing(document.activeElement)) { document.activeElement.blur(); return; }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var done = false;
    switch (event.key) {
      case "n": done = submit("claim-next-form"); break;
      case "c": done = submit("claim-form"); break;
      case "r": case "s": case "j": done = pickOutcome(event.key); break;
      case "i": done = focusField("id_question", "info-box"); break;
      case "o": done = focusField("id_text"); break;
      case "?": done = toggleHelp(); break;
    }
    if (done) event.preventDefault();
  });

  // With JavaScript the statement follows the reason and facts by itself: hide "Preview".
  document.documentElement.classList.add("js");
})();
