/* The platform's working clock on the device: the one "now" the device's rules read.
 *
 * The device's time plus how far the platform says its clock reads from real time — the
 * page's data-clock-offset (ms, core.clock.ahead_of_machine: 0 in production, the distance
 * to the fixed day in the demo county, the tests' shift). Without a page that says it (a
 * script run by node over the served tables), the device's own time.
 *   FangkongClock.now() → Date
 *   FangkongClock.today("Asia/Shanghai") → "2020-02-03"
 */
(function (global) {
  "use strict";

  function offset() {
    var doc = global.document;
    var holder = doc && doc.querySelector ? doc.querySelector("[data-clock-offset]") : null;
    return holder ? Number(holder.dataset.clockOffset) || 0 : 0;
  }

  function now() {
    return new Date(Date.now() + offset());
  }

  function today(timeZone) {
    // The calendar date in that zone (Beijing), whatever the device's own zone.
    return new Intl.DateTimeFormat("en-CA", {
      timeZone: timeZone, year: "numeric", month: "2-digit", day: "2-digit",
    }).format(now()); // YYYY-MM-DD
  }

  global.FangkongClock = { now: now, today: today };
})(window);
