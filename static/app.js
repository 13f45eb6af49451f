// Warn before leaving a form with unsaved changes (a phase link, the back button, closing the tab).
// The forms work without this script; it only guards against losing typed text by accident.
(function () {
  "use strict";
  document.querySelectorAll("form[data-guard]").forEach(function (form) {
    var dirty = false;
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("change", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  });
})();

// A page that comes back with "Niet opgeslagen" opens at its messages (#meldingen): give them the
// focus too, so a screen reader reads them first.
(function () {
  "use strict";
  var notice = document.getElementById("meldingen");
  if (notice && window.location.hash === "#meldingen") {
    notice.focus();
  }
})();
