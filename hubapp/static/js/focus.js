// After a refused save the page comes back with the reason, often below the fold on a phone:
// focus goes to the first field in error (a screen reader then reads its message through
// aria-describedby) or, when the refusal is about no single field, to the message itself.
(function () {
  "use strict";

  var FIELD_IN_ERROR = '[aria-invalid="true"]';
  var MESSAGE = ".flash-error, [role=alert]:not([hidden])";
  var FOCUSABLE = "input:not([type=hidden]), select, textarea, button";

  function focusRefusal(root) {
    var field = root.querySelector(FIELD_IN_ERROR);
    if (field && !field.matches(FOCUSABLE)) {
      // A group of radio buttons carries aria-invalid on its list, which cannot take focus.
      field = field.querySelector(FOCUSABLE);
    }
    var target = field || root.querySelector(MESSAGE);
    if (!target || !target.textContent && !field) { return; }
    if (!field) { target.setAttribute("tabindex", "-1"); }
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: "center" });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var main = document.getElementById("main");
    if (main) { focusRefusal(main); }
  });
  // htmx swaps a refused form back in place (422 and 409 are swapped, see base.html).
  document.addEventListener("htmx:afterSwap", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 200;
    if (status === 422 || status === 409) { focusRefusal(event.detail.target); }
  });
})();
