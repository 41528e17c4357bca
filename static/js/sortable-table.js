// Client-side sorting for tables marked data-sortable (the treaty page's participants table).
//
// Without this script each column header is a link that sorts on the server (?sort=...). With
// it, a click sorts the rows in place by each cell's data-sort-value (a date column by its
// <time datetime>, otherwise the cell's text), toggles the
// direction, keeps aria-sort right and updates the address so a reload gives the same order.
(function () {
  "use strict";

  // Columns of dates: a cell sorts by its <time datetime>, and without one ("–", "date not
  // known") it has no value and goes last.
  var DATE_COLUMNS = ["signature", "consent", "in_force", "withdrawal"];

  function cellValue(row, index, isDate) {
    var cell = row.children[index];
    if (!cell) return "";
    var value = cell.getAttribute("data-sort-value");
    if (value !== null) return value;
    if (isDate) {
      var time = cell.querySelector("time[datetime]");
      return time ? time.getAttribute("datetime") : "";
    }
    return cell.textContent.trim();
  }

  function compare(a, b) {
    // Empty values (no date) always last; numbers numerically; the rest alphabetically.
    if (a === "" && b === "") return 0;
    if (a === "") return 1;
    if (b === "") return -1;
    var x = Number(a);
    var y = Number(b);
    if (!isNaN(x) && !isNaN(y)) return x - y;
    return a.localeCompare(b);
  }

  function init(table) {
    var headers = Array.prototype.slice.call(table.querySelectorAll("thead th"));
    var body = table.tBodies[0];
    headers.forEach(function (th, index) {
      var link = th.querySelector("a");
      var key = th.getAttribute("data-sort-key");
      if (!link || !key) return;
      link.addEventListener("click", function (event) {
        event.preventDefault();
        var descending = th.getAttribute("aria-sort") === "ascending";
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (r1, r2) {
          var isDate = DATE_COLUMNS.indexOf(key) >= 0;
          var a = cellValue(r1, index, isDate);
          var b = cellValue(r2, index, isDate);
          if (a === "" || b === "") return compare(a, b);
          var order = compare(a, b) || compare(cellValue(r1, 0), cellValue(r2, 0));
          return descending ? -order : order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
        headers.forEach(function (other) {
          if (other.hasAttribute("aria-sort")) other.setAttribute("aria-sort", "none");
        });
        th.setAttribute("aria-sort", descending ? "descending" : "ascending");
        if (window.history && window.history.replaceState) {
          var params = new URLSearchParams(window.location.search);
          var value = (descending ? "-" : "") + key;
          if (value === "participant") params.delete("sort");
          else params.set("sort", value);
          var query = params.toString();
          window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
        }
      });
    });
  }

  function start() {
    document.querySelectorAll("table[data-sortable]").forEach(init);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
