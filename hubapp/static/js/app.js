// Behaviour that CSP forbids inline: confirmation before destructive actions, one submission per
// click, and htmx errors.
(function () {
  "use strict";

  // <form data-confirm="…"> asks before submitting; works with or without htmx.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // A second click on a slow page would post the form twice (two meetings, two sign-ups). A plain
  // POST form waits for its next page; an htmx form for its answer. Saves triggered by typing are
  // not held back, and GET forms (filters, downloads) may be sent again at once.
  var RESUBMIT_AFTER_MS = 15000;
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var plainPost = form.method === "post" && !form.hasAttribute("hx-post") && !form.hasAttribute("hx-get");
    if (event.defaultPrevented || !plainPost) { return; }
    if (form.dataset.submitting) {
      event.preventDefault();
      return;
    }
    form.dataset.submitting = "1";
    window.setTimeout(function () { delete form.dataset.submitting; }, RESUBMIT_AFTER_MS);
  });
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-submitting]").forEach(function (form) { delete form.dataset.submitting; });
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    var trigger = event.detail.requestConfig && event.detail.requestConfig.triggeringEvent;
    var form = event.detail.elt;
    if (!trigger || trigger.type !== "submit" || form.tagName !== "FORM") { return; }
    if (form.dataset.submitting) {
      event.preventDefault();
      return;
    }
    form.dataset.submitting = "1";
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    delete event.detail.elt.dataset.submitting;
  });

  // The repeat rule starts on the booking's own weekday: when the date changes while a single
  // weekday is ticked (the one the form started with), the tick follows the date.
  document.addEventListener("change", function (event) {
    var day = event.target;
    if (day.name !== "day" || !day.form || !day.value) { return; }
    var boxes = day.form.querySelectorAll('input[name="weekdays"]');
    var ticked = Array.prototype.filter.call(boxes, function (box) { return box.checked; });
    if (ticked.length > 1) { return; }
    var weekday = (new Date(day.value + "T00:00").getDay() + 6) % 7;  // 0 = Monday, as the form counts
    Array.prototype.forEach.call(boxes, function (box) { box.checked = box.value === String(weekday); });
  });

  function showError(html) {
    var box = document.getElementById("htmx-error");
    if (!box) { return; }
    box.innerHTML = html;
    box.hidden = false;
  }

  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var text = xhr && xhr.responseText ? xhr.responseText : "";
    showError(text.indexOf("<") === 0 ? text : "请求失败（" + (xhr ? xhr.status : "?") + "），请稍后重试。");
  });
  document.addEventListener("htmx:sendError", function () {
    showError("网络连接失败，请检查网络后重试。");
  });
  document.addEventListener("htmx:beforeRequest", function () {
    var box = document.getElementById("htmx-error");
    if (box) { box.hidden = true; }
  });
})();
