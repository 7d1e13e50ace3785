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

// Enter in a search field searches; it must not submit the report around it.
document.addEventListener("keydown", function (event) {
  if (event.key !== "Enter" || !event.target.closest(".listing-search input")) return;
  event.preventDefault();
  var button = event.target.closest(".listing-search").querySelector("button[hx-get]");
  if (button) button.click();
});
