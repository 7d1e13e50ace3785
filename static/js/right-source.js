// The report form's "The right": show the registered-right picker or the description of an
// unregistered right, whichever radio is chosen. Without JavaScript both show and the radio decides.
(function () {
  function sync(form) {
    var chosen = form.querySelector("input[name=right_source]:checked");
    if (!chosen) return;
    form.querySelectorAll("[data-right-source]").forEach(function (block) {
      block.hidden = block.getAttribute("data-right-source") !== chosen.value;
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.name === "right_source") sync(event.target.form);
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.report-form").forEach(sync);
  });
})();
