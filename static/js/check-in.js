// Check-in without reloading: a tap posts the row's form with fetch and updates the row and
// the "12 of 18 present" count in place. Without JavaScript the form posts and the page
// comes back at the same row.
(function () {
  "use strict";

  function toggle(form, present) {
    var row = form.closest(".checkin-row");
    var button = form.querySelector("button");
    var state = form.querySelector(".checkin-state");
    row.classList.toggle("present", present);
    button.classList.toggle("secondary", present);
    button.setAttribute("aria-pressed", present ? "true" : "false");
    state.textContent = present ? state.dataset.presentText : state.dataset.absentText;
    form.querySelector("input[name=present]").value = present ? "0" : "1";
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-check-in]")) return;
    event.preventDefault();
    var button = form.querySelector("button");
    button.disabled = true;
    fetch(form.action || window.location.href, {
      method: "POST",
      body: new FormData(form),
      headers: {Accept: "application/json"},
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.json().then(function (data) {
          return {ok: response.ok, data: data};
        });
      })
      .then(function (result) {
        var announce = document.getElementById("checkin-announce");
        if (!result.ok) {
          announce.textContent = result.data.error || "";
          return;
        }
        toggle(form, result.data.present);
        document.getElementById("checkin-count").textContent = result.data.status_text;
        announce.textContent = result.data.message;
      })
      .catch(function () {
        form.submit(); // the network or the server failed: fall back to a normal post
      })
      .finally(function () {
        button.disabled = false;
      });
  });
})();
