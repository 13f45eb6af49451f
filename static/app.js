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

// A date box holding something that is no date (31-02) sends nothing: the server would store an empty
// date and say "Opgeslagen". Refuse such a save here, with the message at the box.
(function () {
  "use strict";
  var MESSAGE = "Dit is geen geldige datum. Gebruik de vorm dd-mm-jjjj, bijvoorbeeld 15-03-2027.";
  document.querySelectorAll("form.paper-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var first = null;
      form.querySelectorAll("input[type=date]").forEach(function (input) {
        var id = input.id + "-browser-error";
        var old = document.getElementById(id);
        if (old) { old.remove(); }
        if (!input.validity.badInput) { return; }
        var note = document.createElement("p");
        note.className = "errors browser-error";
        note.id = id;
        note.textContent = MESSAGE;
        input.insertAdjacentElement("afterend", note);
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby", id);
        first = first || input;
      });
      if (first) {
        event.preventDefault();
        first.focus();
      }
    });
  });
})();
