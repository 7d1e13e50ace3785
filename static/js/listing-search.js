// "Add" on a listing search result appends its id to the report form's listings box.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-add-listing]");
  if (!button) return;
  var box = document.getElementById("id_listings");
  if (!box) return;
  var id = button.getAttribute("data-add-listing");
  var lines = box.value.split(/\s+/).filter(Boolean);
  if (lines.indexOf(id) === -1) {
    box.value = lines.concat([id]).join("\n");
  }
  button.textContent = "Added";
  button.disabled = true;
});

// "Add all" on photo search results appends every listed id (those already there are kept once).
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-add-listings]");
  if (!button) return;
  var box = document.getElementById("id_listings");
  if (!box) return;
  var lines = box.value.split(/\s+/).filter(Boolean);
  button.getAttribute("data-add-listings").split(/\s+/).filter(Boolean).forEach(function (id) {
    if (lines.indexOf(id) === -1) lines.push(id);
  });
  box.value = lines.join("\n");
  var table = button.closest("table");
  if (table) table.querySelectorAll("[data-add-listing]").forEach(function (b) { b.textContent = "Added"; b.disabled = true; });
  button.textContent = "All added";
  button.disabled = true;
});

// Enter in a search field searches; it must not submit the report around it.
document.addEventListener("keydown", function (event) {
  if (event.key !== "Enter" || !event.target.closest(".listing-search input")) return;
  event.preventDefault();
  var button = event.target.closest(".listing-search").querySelector("button[hx-get]");
  if (button) button.click();
});
