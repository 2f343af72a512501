// "Copy" buttons next to a secret shown once: copies the text of the element named by data-copy.
document.addEventListener("click", function (event) {
  var button = event.target.closest("button[data-copy]");
  if (!button) { return; }
  var target = document.getElementById(button.getAttribute("data-copy"));
  if (!target || !navigator.clipboard) { return; }
  navigator.clipboard.writeText(target.textContent.trim()).then(function () {
    button.textContent = "Copied";
  });
});
