// Behaviour that CSP forbids inline: confirmation before destructive actions and htmx errors.
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
