// Sociale kaart filters: choosing a theme or domain applies it at once (the button stays for
// keyboard and no-JS users; the search field still waits for Enter or the button).
(function () {
  "use strict";
  var form = document.getElementById("partner-filters");
  if (!form) { return; }
  form.querySelectorAll("select").forEach(function (select) {
    select.addEventListener("change", function () { form.submit(); });
  });
})();
