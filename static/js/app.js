/* Progressive enhancement only: every page works without this script.
 *
 * - Conditional questions: a question asked only for some answer of an earlier
 *   question on the same page is hidden until that answer is chosen. Its
 *   container says which field and values ask it (data-asked-when,
 *   data-asked-values, from the policy's AskedWhen); the server enforces the
 *   same rule, so hiding here never decides anything.
 * - The error summary takes focus, so a screen reader reads it first.
 * - A long action: the pressed button says it is working and a second press is
 *   ignored (the server is idempotent too); the live region announces it.
 * - "Print this page" buttons.
 * - A warning before the idle logoff, with "Stay signed in" (GOV.UK's timeout
 *   warning pattern): what is typed on a page is saved only when it is sent.
 */
(function () {
  "use strict";

  function currentValue(form, name) {
    var fields = form.querySelectorAll('[name="' + name + '"]');
    for (var i = 0; i < fields.length; i++) {
      var field = fields[i];
      if (field.type === "radio" || field.type === "checkbox") {
        if (field.checked) { return field.value; }
      } else {
        return field.value;
      }
    }
    return null;
  }

  function updateConditionals(form) {
    var boxes = form.querySelectorAll("[data-asked-when]");
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      var values = JSON.parse(box.getAttribute("data-asked-values"));
      var asked = values.indexOf(currentValue(form, box.getAttribute("data-asked-when"))) !== -1;
      box.hidden = !asked;
    }
  }

  function initConditionals() {
    var forms = document.querySelectorAll("form");
    for (var i = 0; i < forms.length; i++) {
      var form = forms[i];
      if (!form.querySelector("[data-asked-when]")) { continue; }
      updateConditionals(form);
      // Focus stays where it is: revealing a question never moves it.
      form.addEventListener("change", updateConditionals.bind(null, form));
    }
  }

  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  }

  // A long action (submit, upload): the button says it is working, a second
  // press is ignored (the server is idempotent too), and screen readers hear
  // it through the page's one live region (base.html). The button is not
  // disabled: a disabled submitter would drop its name from the POST.
  function markBusy(form, button) {
    if (!button) { return; }
    button.setAttribute("data-idle-text", button.textContent);
    button.setAttribute("aria-busy", "true");
    button.setAttribute("aria-disabled", "true");
    var text = button.getAttribute("data-busy-text") || "Please wait…";
    button.textContent = text;
    var status = document.querySelector("[data-busy-status]");
    if (status) { status.textContent = text; }
    form.setAttribute("aria-busy", "true");
  }

  function clearBusy(form) {
    form.removeAttribute("data-submitting");
    form.removeAttribute("aria-busy");
    var buttons = form.querySelectorAll("[aria-busy]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].textContent = buttons[i].getAttribute("data-idle-text");
      buttons[i].removeAttribute("aria-busy");
      buttons[i].removeAttribute("aria-disabled");
    }
    var status = document.querySelector("[data-busy-status]");
    if (status) { status.textContent = ""; }
  }

  function preventDoubleClick() {
    var forms = document.querySelectorAll("form[data-prevent-double-click]");
    for (var i = 0; i < forms.length; i++) {
      forms[i].addEventListener("submit", function (event) {
        if (this.getAttribute("data-submitting")) {
          event.preventDefault();
          return;
        }
        this.setAttribute("data-submitting", "true");
        markBusy(this, event.submitter);
      });
    }
    // Coming back through the browser's history: the form can be sent again.
    window.addEventListener("pageshow", function () {
      for (var j = 0; j < forms.length; j++) { clearBusy(forms[j]); }
    });
  }

  function initPrint() {
    var buttons = document.querySelectorAll("[data-print]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].hidden = false;
      buttons[i].addEventListener("click", function () { window.print(); });
    }
  }

  function initTimeoutWarning() {
    var box = document.querySelector("[data-timeout-warning]");
    if (!box || !window.fetch) { return; }
    var idle = parseInt(box.getAttribute("data-idle-seconds"), 10);
    // Two minutes ahead, or halfway for a very short idle limit.
    var warnAfter = Math.max(idle - 120, idle / 2) * 1000;
    var timer = null;
    function schedule() {
      box.hidden = true;
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { box.hidden = false; }, warnAfter);
    }
    box.querySelector("form").addEventListener("submit", function (event) {
      event.preventDefault();
      window.fetch(this.action, {method: "POST", body: new FormData(this),
                                 credentials: "same-origin"})
        .then(function (response) {
          // Signed out meanwhile: the page shows the sign-in, with the draft kept.
          if (response.status === 204) { schedule(); } else { window.location.reload(); }
        });
    });
    schedule();
  }

  function init() {
    initConditionals();
    focusErrorSummary();
    preventDoubleClick();
    initPrint();
    initTimeoutWarning();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
