// Site-wide progressive enhancement (no inline scripts: the CSP forbids them).
// 1. The top navigation becomes a disclosure menu on small screens.
// 2. A form's error summary takes the focus, so screen readers and keyboards land on it.
(function () {
  "use strict";

  function setUpMenu() {
    var nav = document.querySelector(".site-nav");
    var button = nav && nav.querySelector(".menu-toggle");
    var menu = document.getElementById("site-menu");
    if (!nav || !button || !menu) return;
    button.hidden = false;
    nav.classList.add("menu-ready");
    function setOpen(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("menu-open", open);
    }
    button.addEventListener("click", function () {
      setOpen(button.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && nav.classList.contains("menu-open")) {
        setOpen(false);
        button.focus();
      }
    });
  }

  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) summary.focus();
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpMenu();
    focusErrorSummary();
  });
})();
