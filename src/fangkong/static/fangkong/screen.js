/*
 * The command hall's big screen: one page at a time, each drawn to fit the screen.
 *
 * - Pages turn every data-rotate seconds (FANGKONG_SCREEN_ROTATE_SECONDS, or ?rotate=N;
 *   0: never). Space (or P, or a click on the footer) pauses and resumes; ← → and
 *   PageUp/PageDown turn by hand. The page and the pause outlive the minute's refresh
 *   (sessionStorage), so the refresh never sends the hall back to page one.
 * - Today's screen reloads itself every data-refresh seconds (to data-refresh-url); the
 *   pause holds the reload too, so a viewer can stop every timed change (WCAG 2.2.1).
 * - Nothing is hidden or scrolled: when a page's figures and tables are taller or wider than
 *   the screen, they are scaled down (CSS zoom) until they fit.
 */
(function () {
  "use strict";

  var main = document.querySelector(".cc-screen-main[data-rotate]");
  if (!main) {
    return;
  }
  var pages = Array.prototype.slice.call(main.querySelectorAll(".cc-page"));
  var dots = Array.prototype.slice.call(document.querySelectorAll(".cc-dot"));
  var status = document.querySelector("[data-testid='screen-status']");
  var seconds = parseInt(main.getAttribute("data-rotate"), 10) || 0;
  var store = main.getAttribute("data-store") || "fk-screen";
  var index = 0;
  var paused = false;
  var timer = null;
  var refreshSeconds = parseInt(main.getAttribute("data-refresh"), 10) || 0;
  var refreshUrl = main.getAttribute("data-refresh-url");
  var refreshTimer = null;

  function load() {
    try {
      var saved = JSON.parse(window.sessionStorage.getItem(store) || "{}");
      if (typeof saved.index === "number" && saved.index >= 0 && saved.index < pages.length) {
        index = saved.index;
      }
      paused = saved.paused === true;
    } catch (e) {
      /* private mode or bad JSON: start at the first page */
    }
  }

  function save() {
    try {
      window.sessionStorage.setItem(store, JSON.stringify({ index: index, paused: paused }));
    } catch (e) {
      /* nothing to keep then */
    }
  }

  /* Scale the page's figures and tables down until they fit their box (never up). */
  function fit(page) {
    var box = page.querySelector(".cc-page-fit");
    if (!box) {
      return;
    }
    box.style.zoom = "";
    for (var i = 0; i < 4; i++) {
      var zoom = parseFloat(box.style.zoom || "1");
      var tall = box.scrollHeight / Math.max(1, box.clientHeight);
      var wide = box.scrollWidth / Math.max(1, box.clientWidth);
      var over = Math.max(tall, wide);
      if (over <= 1.001) {
        break;
      }
      box.style.zoom = String(Math.max(0.4, zoom / over) * 0.99);
    }
  }

  function describe() {
    if (!status) {
      return;
    }
    var text = status.getAttribute(paused ? "data-text-paused" : "data-text-playing") || "";
    status.textContent = text
      .replace("{n}", String(index + 1))
      .replace("{total}", String(pages.length))
      .replace("{title}", pages[index].getAttribute("data-title") || "");
    main.setAttribute("data-paused", paused ? "true" : "false");
    main.setAttribute("data-index", String(index));
  }

  function show(next) {
    index = (next + pages.length) % pages.length;
    pages.forEach(function (page, i) {
      page.hidden = i !== index;
    });
    dots.forEach(function (dot, i) {
      dot.classList.toggle("is-current", i === index);
    });
    fit(pages[index]);
    // Charts drawn while their page was hidden have no size: give them the page's.
    window.dispatchEvent(new Event("resize"));
    describe();
    save();
  }

  function schedule() {
    if (timer) {
      window.clearInterval(timer);
      timer = null;
    }
    if (seconds > 0 && !paused && pages.length > 1) {
      timer = window.setInterval(function () {
        show(index + 1);
      }, seconds * 1000);
    }
    if (refreshTimer) {
      window.clearTimeout(refreshTimer);
      refreshTimer = null;
    }
    if (refreshSeconds > 0 && refreshUrl && !paused) {
      refreshTimer = window.setTimeout(function () {
        window.location.replace(refreshUrl);
      }, refreshSeconds * 1000);
    }
  }

  function toggle() {
    paused = !paused;
    describe();
    save();
    schedule();
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    var key = event.key;
    if (key === " " || key === "Spacebar" || key === "p" || key === "P" || key === "Pause") {
      event.preventDefault();
      toggle();
    } else if (key === "ArrowRight" || key === "PageDown") {
      event.preventDefault();
      show(index + 1);
      schedule();
    } else if (key === "ArrowLeft" || key === "PageUp") {
      event.preventDefault();
      show(index - 1);
      schedule();
    }
  });
  if (status) {
    status.addEventListener("click", toggle);
  }
  window.addEventListener("resize", function () {
    fit(pages[index]);
  });

  load();
  show(index);
  schedule();
})();
