// Steps the treaty page through the years with the world map's slider, without a page load.
//
// The server renders the page for one date (it works without this script); the data for every
// year comes in <script type="application/json" id="world-map-data">: per participant code, one
// status letter per year, and per figure (parties, unknown, in force, signatories, ...) its
// value at the end of each year. This script reveals the year slider and the play button and,
// for the year chosen, recolours the shapes (drawn by <use> from the map's static file, a
// participant's shape has its code as its id), retitles them, updates the legend counts, the
// list of participants too small to draw, the step links, and the rest of the page with them:
// every figure marked data-count (honest ranges, "at least N, up to N + k"), its nouns
// (data-noun), the clauses that depend on them (data-show-if), every date marked
// data-as-of-text, the participants table's statuses, the chart's bar of that year, the
// "this page shows the past" banner, the title, the CSV link and the address (?as_of=...), so
// a reload shows the same year.
(function () {
  "use strict";

  function init(figure) {
    var source = document.getElementById("world-map-data");
    if (!source) return;
    var data = JSON.parse(source.textContent);
    var years = data.years;
    if (!years || !years.length) return;

    var slider = figure.querySelector("#map-year");
    var output = figure.querySelector("#map-year-value");
    var play = figure.querySelector("[data-map-play]");
    var dateLabel = figure.querySelector("[data-map-date]");
    var shapes = figure.querySelectorAll(".world-map__shapes use:not(.map-other)");
    var undrawn = figure.querySelectorAll(".world-map__undrawn li[data-code]");
    var counts = {};
    figure.querySelectorAll("[data-map-count]").forEach(function (el) {
      counts[el.getAttribute("data-map-count")] = el;
    });
    var stepLinks = figure.querySelectorAll("[data-map-step]");
    var statusClasses = Object.keys(data.classes).map(function (k) { return "map-" + data.classes[k]; });

    function letterFor(code, index) {
      var row = data.codes[code];
      return row ? row.charAt(index) : "n";
    }

    function formatDate(iso) {
      var parts = iso.split("-");
      var months = ["January", "February", "March", "April", "May", "June", "July", "August",
        "September", "October", "November", "December"];
      return Number(parts[2]) + " " + months[Number(parts[1]) - 1] + " " + parts[0];
    }

    function show(index, updateAddress) {
      var year = years[index];
      var isToday = index === years.length - 1;
      var tally = {};
      Object.keys(data.classes).forEach(function (k) { tally[data.classes[k]] = 0; });
      var seen = {};
      shapes.forEach(function (el) {
        var code = el.getAttribute("href").split("#")[1];
        var letter = letterFor(code, index);
        var status = data.classes[letter];
        statusClasses.forEach(function (c) { el.classList.remove(c); });
        el.classList.add("map-" + status);
        var title = el.querySelector("title");
        if (title) {
          var name = title.textContent.split(":")[0];
          title.textContent = name + ": " + data.labels[letter].toLowerCase();
        }
        if (!seen[code]) { seen[code] = true; tally[status] += 1; }
      });
      undrawn.forEach(function (el) {
        var code = el.getAttribute("data-code");
        var letter = letterFor(code, index);
        var status = data.classes[letter];
        var badge = el.querySelector("[data-status-label]");
        if (badge) {
          badge.textContent = data.labels[letter];
          badge.className = "status-badge status-badge--" + status;
        }
        if (!seen[code]) { seen[code] = true; tally[status] += 1; }
      });
      Object.keys(counts).forEach(function (status) {
        counts[status].textContent = String(tally[status] || 0);
      });
      if (dateLabel) dateLabel.textContent = isToday ? "today" : formatDate(data.dates[index]);
      if (slider) slider.value = String(year);
      if (output) output.textContent = isToday ? year + " (today)" : String(year);
      stepLinks.forEach(function (link) {
        var target = index + Number(link.getAttribute("data-map-step"));
        if (target < 0 || target >= years.length) {
          link.hidden = true;
          return;
        }
        link.hidden = false;
        link.href = addressFor(target) + "#participation-map";
        link.textContent = Number(link.getAttribute("data-map-step")) < 0
          ? "‹ End of " + years[target]
          : (target === years.length - 1 ? "Today ›" : "End of " + years[target] + " ›");
      });
      showPage(index, isToday);
      if (updateAddress && window.history && window.history.replaceState) {
        window.history.replaceState(null, "", addressFor(index) + "#participation-map");
      }
      current = index;
    }

    // -- The rest of the page, as at the same date -------------------------------------------
    var figures = data.figures || {};
    var dateText = function (index) {
      return index === years.length - 1 ? "today" : formatDate(data.dates[index]);
    };

    function value(expression, index) {
      // "party+unknown" -> [party, unknown] at that year
      return expression.split("+").map(function (key) {
        return figures[key] ? figures[key][index] : 0;
      });
    }

    function countRange(known, unknown) {
      // The server's count_range: "193", or "at least 187, up to 193".
      var fmt = function (n) { return n.toLocaleString("en"); };
      if (!unknown) return fmt(known);
      return "at least " + fmt(known) + ", up to " + fmt(known + unknown);
    }

    function showPage(index, isToday) {
      document.querySelectorAll("[data-count]").forEach(function (el) {
        var v = value(el.getAttribute("data-count"), index);
        el.textContent = countRange(v[0], v[1] || 0);
      });
      document.querySelectorAll("[data-noun]").forEach(function (el) {
        // "party+unknown:party,parties": plural unless exactly one, for certain
        var spec = el.getAttribute("data-noun").split(":");
        var v = value(spec[0], index);
        var forms = spec[1].split(",");
        el.textContent = (v[0] === 1 && !v[1]) ? forms[0] : forms[1];
      });
      document.querySelectorAll("[data-show-if]").forEach(function (el) {
        el.hidden = !value(el.getAttribute("data-show-if"), index)[0];
      });
      document.querySelectorAll("[data-figures-sentence]").forEach(function (el) {
        el.hidden = false;
        var previous = el.previousElementSibling;
        if (previous && !previous.hasAttribute("data-figures-sentence")) previous.hidden = true;
      });
      document.querySelectorAll("[data-as-of-text]").forEach(function (el) {
        el.textContent = dateText(index);
      });
      document.querySelectorAll("[data-past-only], [data-as-of-banner]").forEach(function (el) {
        el.hidden = isToday;
      });
      document.querySelectorAll("[data-today-link]").forEach(function (el) {
        el.href = addressFor(years.length - 1);
      });
      document.querySelectorAll("a[data-keeps-address]").forEach(function (el) {
        var params = new URLSearchParams(addressFor(index).split("?")[1] || "");
        params.delete("page");
        var query = params.toString();
        el.href = el.pathname + (query ? "?" + query : "");
      });
      document.querySelectorAll(".participants-table tbody tr").forEach(function (row) {
        var link = row.querySelector("th a");  // the participant's profile: /countries/<code>/
        if (!link) return;
        var letter = letterFor(link.pathname.split("/")[2], index);
        var status = data.classes[letter];
        var badge = row.querySelector(".status-badge");
        if (badge) {
          badge.textContent = data.status_labels[letter];
          badge.className = "status-badge status-badge--" + status;
          badge.parentNode.setAttribute("data-sort-value", String(data.ranks[letter]));
        }
      });
      document.querySelectorAll(".parties-chart__bars rect[data-year]").forEach(function (bar) {
        bar.classList.toggle("parties-chart__shown", !isToday && Number(bar.getAttribute("data-year")) === years[index]);
      });
      document.querySelectorAll("[data-shown-year]").forEach(function (el) {
        el.textContent = String(years[index]);
      });
      var parts = document.title.replace(/ as at \d{1,2} [A-Z][a-z]+ \d{4}/, "").split(" – ");
      if (!isToday) parts[0] += " as at " + dateText(index);
      document.title = parts.join(" – ");
    }

    function addressFor(index) {
      var params = new URLSearchParams(window.location.search);
      if (index === years.length - 1) params.delete("as_of");
      else params.set("as_of", data.dates[index]);
      var query = params.toString();
      return window.location.pathname + (query ? "?" + query : "");
    }

    var current = years.indexOf(Number(slider ? slider.value : years[years.length - 1]));
    if (current < 0) current = years.length - 1;
    var timer = null;

    function stop() {
      if (timer) { window.clearInterval(timer); timer = null; }
      if (play) play.textContent = "Play through the years";
    }

    if (slider) {
      slider.closest(".world-map__year").hidden = false;
      slider.addEventListener("input", function () {
        stop();
        show(years.indexOf(Number(slider.value)), true);
      });
    }
    stepLinks.forEach(function (link) {
      link.addEventListener("click", function (event) {
        var target = current + Number(link.getAttribute("data-map-step"));
        if (target < 0 || target >= years.length) return;
        event.preventDefault();
        stop();
        show(target, true);
      });
    });
    if (play) {
      play.hidden = false;
      play.addEventListener("click", function () {
        if (timer) { stop(); return; }
        var index = current >= years.length - 1 ? 0 : current;
        show(index, false);
        play.textContent = "Pause";
        timer = window.setInterval(function () {
          if (current >= years.length - 1) { stop(); show(current, true); return; }
          show(current + 1, false);
        }, 700);
      });
    }
  }

  function start() {
    document.querySelectorAll("[data-world-map]").forEach(init);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
