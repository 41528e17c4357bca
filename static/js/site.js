/* Treaty KB: progressive enhancement only. Every page works without this file.
 *
 * - Paragraph anchors (#p3, #p3-a): the paragraph is highlighted and focused, and the citation
 *   box, the permalink and the downloads switch to that paragraph.
 * - "Copy" buttons next to the citation and the permalink.
 * - Printing opens every <details> so that printed pages carry the full texts.
 * - On a small screen, a list's filters (<details data-fold-on-phone>, open in the HTML) fold
 *   away so that the results come first; a page with filters applied keeps them open.
 */
(function () {
  "use strict";

  function citeBox() {
    return document.querySelector(".cite-box");
  }

  function showTarget() {
    var previous = document.querySelectorAll(".unit.is-target");
    Array.prototype.forEach.call(previous, function (el) {
      el.classList.remove("is-target");
    });
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id ? document.getElementById(id) : null;
    var unit = target && target.classList.contains("unit") && target.dataset.citation ? target : null;
    if (unit) {
      unit.classList.add("is-target");
      unit.setAttribute("tabindex", "-1");
      unit.focus({ preventScroll: true });
    }
    updateCitation(unit);
  }

  function updateCitation(unit) {
    var box = citeBox();
    if (!box) {
      return;
    }
    var text = box.querySelector("#citation-text");
    var scope = box.querySelector(".cite-box__scope");
    var permalink = box.querySelector("#permalink");
    var base = permalink ? permalink.dataset.base : "";
    if (text) {
      text.textContent = unit ? unit.dataset.citation : box.dataset.articleCitation;
    }
    if (scope) {
      scope.textContent = unit ? "this paragraph" : "this article";
    }
    if (permalink) {
      permalink.value = unit ? base + "#" + unit.id : base;
    }
    var links = box.querySelectorAll("[data-cite-download]");
    Array.prototype.forEach.call(links, function (link) {
      var url = new URL(link.getAttribute("href"), window.location.href);
      if (unit) {
        url.searchParams.set("paragraph", unit.id);
      } else {
        url.searchParams.delete("paragraph");
      }
      link.setAttribute("href", url.pathname + url.search);
    });
  }

  function setUpCopyButtons() {
    if (!navigator.clipboard) {
      return;
    }
    var buttons = document.querySelectorAll("button[data-copy]");
    Array.prototype.forEach.call(buttons, function (button) {
      var label = button.textContent;
      button.hidden = false;
      button.addEventListener("click", function () {
        var source = document.querySelector(button.dataset.copy);
        if (!source) {
          return;
        }
        var value = "value" in source && source.tagName === "INPUT" ? source.value : source.textContent.trim();
        navigator.clipboard.writeText(value).then(
          function () {
            button.textContent = "Copied";
            window.setTimeout(function () {
              button.textContent = label;
            }, 2000);
          },
          function () {
            button.textContent = "Copy failed: select the text";
          }
        );
      });
    });
  }

  function openDetailsForPrint() {
    var opened = [];
    window.addEventListener("beforeprint", function () {
      Array.prototype.forEach.call(document.querySelectorAll("details:not([open])"), function (el) {
        el.open = true;
        opened.push(el);
      });
    });
    window.addEventListener("afterprint", function () {
      opened.forEach(function (el) {
        el.open = false;
      });
      opened = [];
    });
  }

  function foldFiltersOnPhones() {
    if (!window.matchMedia || !window.matchMedia("(max-width: 40rem)").matches) {
      return;
    }
    // The CSS already shows them folded (participation.css): closing them now moves nothing.
    Array.prototype.forEach.call(document.querySelectorAll("details[data-fold-on-phone]"), function (el) {
      el.open = false;
      el.classList.add("is-folded");
    });
  }

  function start() {
    document.documentElement.classList.add("js");
    showTarget();
    window.addEventListener("hashchange", showTarget);
    setUpCopyButtons();
    openDetailsForPrint();
    foldFiltersOnPhones();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
