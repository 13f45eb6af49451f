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

// A live counter under every box with a limit: characters left while typing, a warning the moment a
// paste goes past the limit, and the plan's total beside the Opslaan button. The browser never cuts
// pasted text off (there is no maxlength): the server refuses what is too long with its message in
// Dutch and gives the text back, and this counter says so before Opslaan is clicked.
(function () {
  "use strict";
  var nf = new Intl.NumberFormat("nl-NL");
  var boxes = Array.prototype.slice.call(document.querySelectorAll("textarea[data-max], input[data-max]"));
  if (!boxes.length) { return; }
  function length(box) { return box.value.replace(/\r\n/g, "\n").length; }
  var start = new Map();
  boxes.forEach(function (box) { start.set(box, length(box)); });

  var total = document.getElementById("plan-tekens");
  var planForm = total && total.closest("form");
  function updateTotal() {
    if (!planForm) { return; }
    var max = parseInt(total.dataset.planMax, 10);
    var chars = parseInt(total.dataset.planChars, 10);
    boxes.forEach(function (box) {
      if (planForm.contains(box)) { chars += length(box) - start.get(box); }
    });
    total.textContent = "Een plan kan hoogstens " + nf.format(max) + " tekens bevatten; dit plan bevat er " +
      "met uw wijzigingen " + nf.format(chars) + "." +
      (chars > max ? " Dat is " + nf.format(chars - max) + " te veel: zo kan het niet worden opgeslagen." : "");
    total.classList.toggle("over-limit", chars > max);
  }

  boxes.forEach(function (box) {
    var max = parseInt(box.dataset.max, 10);
    var counter = document.createElement("p");
    counter.className = "hint counter";
    counter.id = box.id + "-teller";
    var warning = document.createElement("p");
    warning.className = "errors counter-warning";
    warning.setAttribute("role", "alert");
    warning.hidden = true;
    box.insertAdjacentElement("afterend", counter);
    counter.insertAdjacentElement("afterend", warning);
    box.setAttribute("aria-describedby", ((box.getAttribute("aria-describedby") || "") + " " + counter.id).trim());
    var focused = false;
    function update() {
      var left = max - length(box);
      // Only while typing here, or close to the limit: a count under every box is noise.
      counter.hidden = !(focused || left < max / 10);
      counter.textContent = left >= 0
        ? "Nog " + nf.format(left) + (left === 1 ? " teken" : " tekens") + " over."
        : nf.format(-left) + (left === -1 ? " teken" : " tekens") + " te veel.";
      counter.classList.toggle("over-limit", left < 0);
      if (left < 0) {
        warning.textContent = "Deze tekst is " + nf.format(-left) + (left === -1 ? " teken" : " tekens") +
          " langer dan hier past (hoogstens " + nf.format(max) + "). Er is niets afgeknipt: maak haar " +
          "korter voordat u opslaat, anders wordt ze niet opgeslagen.";
      }
      warning.hidden = left >= 0;
      updateTotal();
    }
    box.addEventListener("input", update);
    box.addEventListener("focus", function () { focused = true; update(); });
    box.addEventListener("blur", function () { focused = false; update(); });
    update();
  });
})();

// A page that gives back unsaved text (a conflict, a refusal, a session that had ended) counts as
// changed: leaving it without saving warns like any page with typed text.
(function () {
  "use strict";
  document.querySelectorAll("form[data-dirty]").forEach(function (form) {
    form.dispatchEvent(new Event("change"));
  });
})();
