// Question import: show upload progress for large files (up to 50 MB), then follow the server's answer.
// Without JavaScript the form posts normally.
(function () {
  "use strict";
  document.querySelectorAll("#import-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.XMLHttpRequest || !window.FormData) { return; }
      event.preventDefault();
      var box = form.querySelector(".upload-progress");
      var bar = box.querySelector("progress");
      var label = box.querySelector("[role=status]");
      var button = form.querySelector("button[type=submit]");
      box.hidden = false;
      button.disabled = true;
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.getAttribute("action") || window.location.href);
      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) { return; }
        var p = Math.round((e.loaded / e.total) * 100);
        bar.value = p;
        label.textContent = form.dataset.uploading.replace("{p}", p);
        if (p >= 100) { bar.removeAttribute("value"); label.textContent = form.dataset.checking; }
      });
      xhr.addEventListener("load", function () {
        if (xhr.responseURL && xhr.responseURL !== window.location.href) {
          window.location.assign(xhr.responseURL);
        } else {
          document.open();
          document.write(xhr.responseText);
          document.close();
        }
      });
      xhr.addEventListener("error", function () { button.disabled = false; box.hidden = true; form.submit(); });
      xhr.send(new FormData(form));
    });
  });
})();
