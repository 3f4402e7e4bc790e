// Camera check-in at the door: decode check-in QR codes with jsQR and submit each one through
// the page's scan form (htmx swaps in the result), so staff can scan one visitor after another.
// Browsers only give pages the camera over HTTPS or on localhost; elsewhere the button stays
// hidden and staff scan with the phone's own camera app (the code is a link to the staff page).
(function () {
  "use strict";

  var box = document.querySelector("[data-scanner]");
  var form = document.getElementById("scan-form");
  var input = document.getElementById("scan-code");
  if (!form) { return; }
  // Ready for the next code, whether it came from the camera, a scanner gun or the keyboard.
  form.addEventListener("htmx:afterRequest", function () {
    input.value = "";
    input.focus();
  });
  if (!box || !window.jsQR || !navigator.mediaDevices || !window.isSecureContext) {
    return;
  }
  var start = box.querySelector("[data-scanner-start]");
  var stop = box.querySelector("[data-scanner-stop]");
  var video = box.querySelector("video");
  var canvas = document.createElement("canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });
  var stream = null;
  var last = { code: "", at: 0 };
  box.hidden = false;

  function tick() {
    if (!stream) { return; }
    if (video.readyState === video.HAVE_ENOUGH_DATA) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var image = context.getImageData(0, 0, canvas.width, canvas.height);
      var found = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
      var now = Date.now();
      // The same code stays in front of the camera for a while: submit it once, not every frame.
      if (found && found.data && (found.data !== last.code || now - last.at > 4000)) {
        last = { code: found.data, at: now };
        input.value = found.data;
        form.requestSubmit();
      }
    }
    window.requestAnimationFrame(tick);
  }

  function halt() {
    if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); }
    stream = null;
    video.hidden = true;
    stop.hidden = true;
    start.hidden = false;
  }

  start.addEventListener("click", function () {
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (media) {
        stream = media;
        video.srcObject = media;
        video.hidden = false;
        stop.hidden = false;
        start.hidden = true;
        return video.play();
      })
      .then(function () { window.requestAnimationFrame(tick); })
      .catch(function () {
        halt();
        box.querySelector("[data-scanner-error]").hidden = false;
      });
  });
  stop.addEventListener("click", halt);
})();
