// A case page asks before an action is taken while its record form has edits not yet saved:
// the action would leave the page and the edits would be lost.
(function () {
  "use strict";
  function init() {
    var actions = document.getElementById("actions");
    var record = document.querySelector("#content-main form[id$='_form']");
    if (!actions || !record) { return; }
    var edited = false;
    record.addEventListener("input", function () { edited = true; });
    record.addEventListener("change", function () { edited = true; });
    record.addEventListener("submit", function () { edited = false; });
    actions.addEventListener("submit", function (event) {
      if (edited && !window.confirm(actions.dataset.unsavedWarning)) {
        event.preventDefault();
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
