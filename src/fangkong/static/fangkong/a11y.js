/*
 * Scrolling table boxes reachable by keyboard (WCAG 2.1.1; axe: scrollable-region-focusable).
 *
 * A table box (.fk-table-wrap) wider or taller than its room scrolls inside itself. When it
 * does, it joins the tab order (tabindex=0) so arrow keys can scroll it, and it is named
 * for screen readers (role=region, aria-label): the table's caption, else the nearest
 * heading before it, else the page's title. A box that fits stays out of the tab order.
 * Checked on load, on resize and after htmx swaps; one home for every list page.
 */
(function () {
  "use strict";

  var MARK = "data-fk-scroll";

  function text(el) {
    return el ? (el.textContent || "").replace(/\s+/g, " ").trim() : "";
  }

  function label(box) {
    var caption = text(box.querySelector("caption"));
    if (caption) {
      return caption;
    }
    var heads = document.querySelectorAll("main h1, main h2, main h3, main h4, main legend");
    var found = "";
    for (var i = 0; i < heads.length; i++) {
      if (heads[i].compareDocumentPosition(box) & Node.DOCUMENT_POSITION_FOLLOWING) {
        found = text(heads[i]) || found;
      }
    }
    return found || document.title;
  }

  function mark() {
    var boxes = document.querySelectorAll(".fk-table-wrap");
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      var scrolls =
        box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute(MARK, "");
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
          box.setAttribute("aria-label", label(box));
        }
      } else if (!scrolls && box.hasAttribute(MARK)) {
        box.removeAttribute(MARK);
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    }
  }

  var pending = null;
  function later() {
    if (pending) {
      window.clearTimeout(pending);
    }
    pending = window.setTimeout(mark, 100);
  }

  mark();
  window.addEventListener("load", mark);
  window.addEventListener("resize", later);
  document.addEventListener("htmx:afterSettle", later);
})();
