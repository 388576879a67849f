/* Leaving a changed step asks to confirm, only when something would be lost.
 *
 * A form marked data-unsaved-warning remembers what it held when the page
 * loaded; the browser's "Leave page?" question is asked only while the form
 * holds something else (typed and not yet sent) and it is not being sent.
 * Typing a change and undoing it asks nothing. Progressive enhancement: the
 * pages work without it; "Save and come back later" and Back keep what was
 * typed on the server.
 */
(function () {
  "use strict";

  function snapshot(form) {
    var data = new FormData(form);
    var parts = [];
    data.forEach(function (value, name) {
      if (typeof value === "string" && name !== "csrfmiddlewaretoken") {
        parts.push(name + "=" + value);
      }
    });
    return parts.join("\u0000");
  }

  function guard(form) {
    var initial = snapshot(form);
    var submitting = false;
    form.addEventListener("submit", function () { submitting = true; });
    window.addEventListener("pageshow", function () { submitting = false; });
    window.addEventListener("beforeunload", function (event) {
      if (submitting || snapshot(form) === initial) { return; }
      event.preventDefault();
      event.returnValue = "";  // older browsers ask only when a value is set
    });
  }

  function init() {
    var forms = document.querySelectorAll("form[data-unsaved-warning]");
    for (var i = 0; i < forms.length; i++) { guard(forms[i]); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
