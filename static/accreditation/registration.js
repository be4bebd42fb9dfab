// Registry-number fields show only for professions that report to that registry; without
// JavaScript every field shows and the server refuses a number that does not fit.
(function () {
  "use strict";
  var profession = document.querySelector("select[name=profession]");
  var fields = document.querySelectorAll("input[data-professions]");
  if (!profession || !fields.length) { return; }
  function update() {
    var chosen = profession.value;
    fields.forEach(function (input) {
      var row = input.closest(".form-row") || input.parentElement;
      var fits = !chosen || chosen === "anders" ||
        input.getAttribute("data-professions").split(" ").indexOf(chosen) !== -1;
      row.hidden = !fits;
      if (!fits) { input.value = ""; }
    });
  }
  profession.addEventListener("change", update);
  update();
})();
