/* Citizen ID numbers checked on the device by the server's own rules.
 *
 * The rules (region table, weights, messages) come from /api/v1/reference/id-rules, the same
 * data core.idnumber uses on the server; tests compare both on generated numbers. "Not born
 * in the future" reads the platform's working day (clock.js, loaded before this file).
 *   FangkongId.check("370921198503020232", rules, "身份证号")
 *     → {ok: true, number, birthDate, sex} or {ok: false, code, message}
 */
(function (global) {
  "use strict";

  function format(template, params) {
    return template.replace(/%\((\w+)\)[sd]/g, function (_m, key) {
      return String(params[key]);
    });
  }

  function shown(ch) {
    var printable = !/[\s\p{C}\p{Z}]/u.test(ch);
    if (printable) return ch;
    return "U+" + ch.codePointAt(0).toString(16).toUpperCase().padStart(4, "0");
  }

  function normalize(value, rules) {
    if (!value) return "";
    var folded = value.normalize("NFKC");
    return folded.replace(new RegExp(rules.separators, "gu"), "").normalize("NFKC").replace(/x/g, "X");
  }

  function checkChar(body17, rules) {
    var sum = 0;
    for (var i = 0; i < 17; i++) sum += Number(body17[i]) * rules.weights[i];
    return rules.check_chars[sum % 11];
  }

  function validDate(y, m, d) {
    if (m < 1 || m > 12 || d < 1 || y < 1) return false;
    var days = [31, (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    return d <= days[m - 1];
  }

  var regionSets = new WeakMap();

  function check(value, rules, field) {
    field = field || "身份证号";
    var msg = rules.messages;
    function fail(code, params, key) {
      params.field = field;
      return { ok: false, code: code, message: format(msg[key || code], params) };
    }
    var number = normalize(value, rules);
    if (!number) return fail("required", {});
    for (var ch of number) {
      if (!/^[0-9X]$/.test(ch)) return fail("invalid_char", { char: shown(ch) });
    }
    var length = Array.from(number).length;
    if (length !== 15 && length !== 18) return fail("invalid_length", { length: length });
    if (number.slice(0, -1).indexOf("X") >= 0 || (length === 15 && number.endsWith("X"))) {
      return fail("invalid_x", {});
    }
    if (length === 15) {
      var body = number.slice(0, 6) + "19" + number.slice(6);
      number = body + checkChar(body, rules);
    }
    var digits = number.slice(6, 14);
    var y = Number(digits.slice(0, 4)), m = Number(digits.slice(4, 6)), d = Number(digits.slice(6));
    if (!validDate(y, m, d)) return fail("invalid_birth_date", { digits: digits });
    var iso = digits.slice(0, 4) + "-" + digits.slice(4, 6) + "-" + digits.slice(6);
    if (iso < rules.earliest_birth) return fail("invalid_birth_date", { digits: digits }, "birth_too_early");
    if (iso > global.FangkongClock.today(rules.timezone)) return fail("invalid_birth_date", { digits: digits }, "birth_in_future");
    var regions = regionSets.get(rules);
    if (!regions) { regions = new Set(rules.regions); regionSets.set(rules, regions); }
    if (!regions.has(number.slice(0, 6))) return fail("invalid_region", { region: number.slice(0, 6) });
    var expected = checkChar(number.slice(0, 17), rules);
    if (number[17] !== expected) return fail("invalid_checksum", { digit: expected });
    return { ok: true, number: number, birthDate: iso, sex: Number(number[16]) % 2 ? "M" : "F" };
  }

  global.FangkongId = { check: check, normalize: normalize };
})(window);
