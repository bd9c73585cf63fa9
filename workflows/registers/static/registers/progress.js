// The progress bar of a register import: asks the job's status every second while it runs,
// and reloads the page once the job has moved on (checked, done or failed).
(function () {
  const bar = document.getElementById("import-progress");
  if (!bar) return;
  const url = bar.dataset.statusUrl;
  const running = ["checking", "importing"];
  const label = document.getElementById("import-progress-label");
  function poll() {
    fetch(url, { credentials: "same-origin" })
      .then((response) => response.json())
      .then((job) => {
        bar.max = job.total || 1;
        bar.value = job.processed;
        if (label) label.textContent = job.percent + "%";
        if (running.includes(job.status)) {
          window.setTimeout(poll, 1000);
        } else {
          window.location.reload();
        }
      })
      .catch(() => window.setTimeout(poll, 5000));
  }
  window.setTimeout(poll, 1000);
})();
