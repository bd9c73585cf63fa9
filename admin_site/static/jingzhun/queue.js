// The queue's "select all" box: ticks or clears every case of its table, and shows itself
// ticked only when every case is.
document.addEventListener("change", function (event) {
  var box = event.target;
  var table = box.closest("table.queue");
  if (!table) return;
  var rows = table.querySelectorAll("input[name=selected]");
  if (box.matches("[data-select-all]")) {
    rows.forEach(function (row) { row.checked = box.checked; });
  } else if (box.name === "selected") {
    var all = table.querySelector("[data-select-all]");
    var ticked = Array.prototype.filter.call(rows, function (row) { return row.checked; });
    all.checked = ticked.length === rows.length;
    all.indeterminate = ticked.length > 0 && ticked.length < rows.length;
  }
});
