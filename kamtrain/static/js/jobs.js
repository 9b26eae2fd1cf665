// A background job's page: ask the server for the job's progress every second until it is done.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("job-progress");
  var count = document.getElementById("job-count");
  var text = document.getElementById("job-text");
  var link = document.getElementById("job-download");
  var summary = document.getElementById("job-summary");
  var texts = document.getElementById("job-texts");

  function show(job) {
    box.setAttribute("data-state", job.state);
    bar.value = job.percent;
    bar.textContent = job.percent + "%";
    count.textContent = job.total ? job.done + " / " + job.total : "";
    if (job.state === "done" || job.state === "failed") {
      var word = texts.getAttribute(job.state === "done" ? "data-text-done" : "data-text-failed");
      text.firstChild.nodeValue = word + (job.error ? ": " + job.error : "") + " ";
      // labelled, translated figures from the server (never the raw summary keys)
      while (summary.firstChild) { summary.removeChild(summary.firstChild); }
      (job.summary_items || []).forEach(function (item) {
        var dt = document.createElement("dt");
        var dd = document.createElement("dd");
        dt.textContent = item.label;
        dd.textContent = item.value;
        summary.appendChild(dt);
        summary.appendChild(dd);
      });
      summary.hidden = !(job.summary_items || []).length;
      if (job.download) { link.href = job.download; link.hidden = false; }
    } else {
      text.firstChild.nodeValue = texts.getAttribute("data-text-running") + " ";
    }
  }

  function poll() {
    fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (job) {
        if (!job) { return; }
        show(job);
        if (job.state !== "done" && job.state !== "failed") { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  var state = box.getAttribute("data-state");
  if (state !== "done" && state !== "failed") { poll(); }
})();
