/* A passage checked and flagged on the device, by the server's rules, without a network.
 *
 * The rules are data from /api/v1/reference/checkpoint-rules (checkpoints/roadside.py: the
 * region table, key areas, plate prefixes, the county's places, the symptoms a checkpoint
 * records, the words of every flag and message) and /api/v1/reference/id-rules; this file is the logic of passage_assess() and
 * rules.occupant_flags() over them. A browser test compares both on a set of passages.
 *   FangkongRoadside.assess(passage, rules, idRules, {requireTemperature: true, day: "2020-02-03"})
 *     → {errors: {"occupants.0.id_number": ["第1位乘车人身份证号…"]},
 *        occupants: [{flags: [{code, reason}], recommended}]}
 * The day (key areas in force, an ID number's birth date) is the platform's working day
 * (fangkong/clock.js), not the device's calendar.
 * Plates and phone numbers are left to the server: a record it refuses for them comes back
 * to the officer from the outbox.
 */
(function (global) {
  "use strict";

  var CODE = /^\d{2}(\d{2}){0,2}$/;
  var prepared = new WeakMap();

  function format(template, params) {
    return template.replace(/%\((\w+)\)[sd]/g, function (_m, key) { return String(params[key]); });
  }

  function chars(s) { return Array.from(s || ""); }
  function cut(s, n) { return chars(s).slice(0, n).join(""); }
  // core.text.typed: a typed value repeated only when it is a short word of letters and
  // digits; anything else named by its place ("（第2项）").
  function typed(s, n, m) {
    var c = chars(s);
    var word = c.length > 0 && c.length <= m.typed_max && c.every(function (ch) {
      return /^[\p{L}\p{N}_-]$/u.test(ch);
    });
    return word ? "“" + s + "”" : format(m.typed_item, { n: n });
  }
  function normalizeText(s) { return (s || "").normalize("NFKC").replace(/\s+/g, " ").trim(); }
  function stripSpaces(s) { return (s || "").normalize("NFKC").replace(/\s+/g, "").normalize("NFKC"); }

  // core.text.shown_char: a character as a message shows it, its code point if unseen.
  function shownChar(ch) {
    if (!/[\s\p{C}\p{Z}\p{M}]/u.test(ch)) return ch;
    return "U+" + ch.codePointAt(0).toString(16).toUpperCase().padStart(4, "0");
  }

  function isHan(ch) {
    return (ch >= "\u3400" && ch <= "\u9fff") || (ch >= "\uf900" && ch <= "\ufaff") || ch >= "\u{20000}";
  }

  // core.text.name_error over a cleaned name: too long; a hidden character (a control or
  // format character, a mark on a Han character); a character no name has (what is not a
  // letter, a mark or one of rules.names.separators); no letter at all. null when it passes.
  function nameError(name, rules) {
    var m = rules.messages, r = rules.names, cs = chars(name), previous = "", letter = false, i, ch;
    if (cs.length > r.max_length) return format(m.name_too_long, { n: r.max_length });
    for (i = 0; i < cs.length; i++) {
      ch = cs[i];
      if (/\s/u.test(ch)) { previous = ch; continue; }
      if (/[\p{Cc}\p{Cf}\p{Cs}]/u.test(ch) || (/\p{M}/u.test(ch) && isHan(previous))) {
        return format(m.name_char, { char: shownChar(ch) });
      }
      if (!/\p{M}/u.test(ch)) previous = ch;
    }
    for (i = 0; i < cs.length; i++) {
      ch = cs[i];
      if (/\p{L}/u.test(ch) || ch === "\u3007") letter = true;
      else if (r.separators.indexOf(ch) < 0 && !/\p{M}/u.test(ch)) return format(m.name_char, { char: shownChar(ch) });
    }
    return letter ? null : m.name_no_letter;
  }

  function tables(rules) {
    var t = prepared.get(rules);
    if (t) return t;
    t = { byCode: new Map(), current: [] };
    rules.regions.forEach(function (row) {
      t.byCode.set(row[0], row);
      if (row[2]) t.current.push(row);
    });
    t.plateSeparators = new RegExp(rules.plates.separators, "gu");
    prepared.set(rules, t);
    return t;
  }

  function regionRow(code, t) {
    if (!CODE.test(code || "")) return null;
    return t.byCode.get((code + "0000").slice(0, 6)) || null;
  }

  function regionName(code, t) {
    var row = regionRow(code, t);
    return row ? row[1] : "";
  }

  // core.regions.find_regions(name)[0]: the first current region, in code order, whose
  // full or former name contains the text.
  function firstRegion(text, t) {
    var needle = stripSpaces(text);
    if (!needle) return "";
    for (var i = 0; i < t.current.length; i++) {
      var row = t.current[i];
      if (row[1].indexOf(needle) >= 0) return row[0];
      for (var j = 3; j < row.length; j++) if (row[j].indexOf(needle) >= 0) return row[0];
    }
    return "";
  }

  // core.regions.find_regions(rest) filtered to the province whose name starts with head.
  function firstRegionIn(rest, head, t) {
    var needle = stripSpaces(rest);
    if (!needle) return "";
    for (var i = 0; i < t.current.length; i++) {
      var row = t.current[i], province = t.byCode.get(row[0].slice(0, 2) + "0000");
      if (!province || province[1].indexOf(head) !== 0) continue;
      if (row[1].indexOf(needle) >= 0) return row[0];
      for (var j = 3; j < row.length; j++) if (row[j].indexOf(needle) >= 0) return row[0];
    }
    return "";
  }

  // core.regions.resolve_place: the region a written place names, "" when none.
  function resolvePlace(text, t) {
    text = (text || "").trim();
    if (!text) return "";
    if (CODE.test(text)) return regionRow(text, t) ? text : "";
    var found = firstRegion(text, t);
    var cs = chars(text);
    for (var cut = 2; cut <= 3 && !found && cs.length >= cut + 2; cut++) {
      found = firstRegionIn(cs.slice(cut).join(""), cs.slice(0, cut).join(""), t);
    }
    for (var end = cs.length - 1; !found && end > 1; end--) found = firstRegion(cs.slice(0, end).join(""), t);
    return found;
  }

  function keyAreaFor(code, day, rules) {
    if (!code) return null;
    for (var i = 0; i < rules.key_areas.length; i++) {
      var a = rules.key_areas[i];
      if (code.indexOf(a.prefix) === 0 && a.valid_from <= day && (!a.valid_to || day <= a.valid_to)) return a;
    }
    return null;
  }

  function plateOf(raw, rules, t) {
    var folded = (raw || "").normalize("NFKC").replace(t.plateSeparators, "").normalize("NFKC");
    var number = folded.replace(/[a-z]/g, function (c) { return c.toUpperCase(); });
    var province = number.charAt(0);
    if (!number || !Object.prototype.hasOwnProperty.call(rules.plates.provinces, province)) return { number: number, region: "" };
    var cities = rules.plates.cities[province] || {};
    return { number: number, region: cities[number.charAt(1)] || rules.plates.provinces[province] };
  }

  // org.places.CountyPlaces.in_county, in "area" (the checkpoint's county; default the
  // table's county_code): the township the text names (full names, then short ones, longest
  // first; else a village no other shares) decides by its code; else a village name of the
  // area; else the region the text names; else (nothing placeable) a resident going home.
  function inCounty(text, household, rules, t, area) {
    var p = rules.places;
    area = area || p.county_code;
    text = normalizeText(text);
    function held(entry) { return text.indexOf(entry[0]) >= 0; }
    function ours(code) { return !!code && code.indexOf(area) === 0; }
    function first(list) { for (var i = 0; i < list.length; i++) if (held(list[i])) return list[i]; return null; }
    // Of names several counties share (城关镇), the checkpoint's county's is the one meant.
    function named(list) {
      var f = first(list);
      return f && list.some(function (e) { return e[0] === f[0] && ours(e[1]); }) ? [f[0], area] : f;
    }
    if (text) {
      var found = named(p.townships) || named(p.township_short_names) || first(p.unique_villages);
      if (found) return ours(found[1]);
      if (p.villages.some(function (v) { return held(v) && ours(v[1]); })) return true;
    }
    var region = text ? resolvePlace(text, t) : "";
    if (region) return ours(region);
    return ours(household);
  }

  function textList(value, limit) {
    var items = Array.isArray(value) ? value : String(value || "").replace(/，/g, ",").replace(/、/g, ",").split(",");
    return items.map(normalizeText).filter(Boolean).map(function (v) { return cut(v, 40); }).slice(0, limit || 10);
  }

  // Decimal(raw).quantize(Decimal("0.1")) with the default ROUND_HALF_EVEN, as a string.
  function quantize(raw) {
    var m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(raw);
    if (!m || (!m[2] && !m[3])) {
      var x = Number(raw);
      if (!/^[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+$/.test(raw) || !isFinite(x)) return null;
      return (Math.round(x * 10) / 10).toFixed(1);
    }
    var whole = m[2] || "0", frac = (m[3] || "") + "00";
    var tenths = BigInt(whole + frac.charAt(0));
    var rest = frac.slice(1).replace(/0+$/, "");
    if (rest) {
      var half = rest.charAt(0) === "5" && /^5$/.test(rest);
      if (rest.charAt(0) > "5" || (rest.charAt(0) === "5" && !half) || (half && tenths % 2n === 1n)) tenths += 1n;
    }
    var s = tenths.toString().padStart(2, "0");
    var out = s.slice(0, -1) + "." + s.slice(-1);
    return (m[1] === "-" && tenths !== 0n ? "-" : "") + out;
  }

  // core.temperature.parse_temperature over the rules table's range.
  function temperatureOf(raw, label, rules) {
    var text = raw === null || raw === undefined ? "" : String(raw).trim().replace(/，/g, ".").replace(/。/g, ".");
    if (text === "") return { value: null };
    var q = quantize(text);
    var m = rules.messages, range = rules.temperature_range;
    if (q === null) return { error: format(m.temperature_number, { f: label }) };
    var v = Number(q);
    if (v < Number(range[0]) || v > Number(range[1])) {
      return { error: format(m.temperature_range, { f: label, min: range[0], max: range[1] }) };
    }
    return { value: q };
  }

  function flagsOf(o, ctx, rules, t) {
    var R = rules.reasons, flags = [], area;
    function why(a) { return format(R.area, { name: a.name }); }
    area = keyAreaFor(o.household, ctx.day, rules);
    if (area) flags.push({ code: "household", reason: format(R.household, { place: regionName(o.household, t), code: o.household, why: why(area) }) });
    area = keyAreaFor(ctx.plate.region, ctx.day, rules);
    if (area) flags.push({ code: "plate", reason: format(R.plate, { plate: cut(ctx.plate.number, 2), place: regionName(ctx.plate.region, t), why: why(area) }) });
    area = keyAreaFor(resolvePlace(o.origin, t), ctx.day, rules);
    if (area) flags.push({ code: "origin", reason: format(R.origin, { origin: o.origin, why: why(area) }) });
    var visited = o.travel.filter(function (p) { return keyAreaFor(resolvePlace(p, t), ctx.day, rules); });
    if (visited.length) flags.push({ code: "travel", reason: format(R.travel, { places: visited.join("、") }) });
    if (o.temperature !== null && Number(o.temperature) >= Number(rules.fever_threshold)) {
      flags.push({ code: "fever", reason: format(R.fever, { t: o.temperature, limit: rules.fever_threshold }) });
    }
    if (o.symptoms.length) flags.push({ code: "symptoms", reason: format(R.symptoms, { s: o.symptoms.join("、") }) });
    return flags;
  }

  function recommend(flags, inCountyDest) {
    var codes = flags.map(function (f) { return f.code; });
    if (codes.indexOf("fever") >= 0 || codes.indexOf("symptoms") >= 0) return "medical";
    if (codes.length) return inCountyDest ? "quarantine" : "turn_back";
    return "pass";
  }

  function assess(passage, rules, idRules, options) {
    options = options || {};
    var t = tables(rules), m = rules.messages;
    var errors = {}, seen = {}, out = [];
    var ctx = { day: options.day || global.FangkongClock.today(rules.timezone), plate: plateOf(passage.plate, rules, t) };
    var occupants = passage.occupants || [];
    if (!occupants.length) errors.occupants = [m.no_occupants];
    else if (rules.seats && occupants.length > (rules.seats[passage.vehicle_type] || Infinity)) {
      errors.occupants = [format(m.too_many, { type: (rules.vehicle_types || {})[passage.vehicle_type] || "", n: rules.seats[passage.vehicle_type] })];
    }
    occupants.forEach(function (occ, i) {
      var who = format(m.who, { n: i + 1 }), prefix = "occupants." + i + ".";
      var name = normalizeText(occ.name), nameMissing = !name;
      var nameRefused = nameMissing ? m.name_required : nameError(name, rules);
      if (nameRefused) errors[prefix + "name"] = [who + nameRefused];
      var household = "";
      var id = global.FangkongId.check(occ.id_number, idRules, m.id_field);
      if (!id.ok) {
        errors[prefix + "id_number"] = [who + id.message];
      } else if (!nameRefused) {
        // As people.services.person_clean: a person with any bad field has no values.
        household = id.number.slice(0, 6);
        if (Object.prototype.hasOwnProperty.call(seen, id.number)) {
          errors[prefix + "id_number"] = [format(m.duplicate_id, { who: who, n: seen[id.number] + 1 })];
        }
        seen[id.number] = i;
      }
      var temp = temperatureOf(occ.temperature, who + m.temperature, rules);
      if (temp.error) errors[prefix + "temperature"] = [temp.error];
      else if (options.requireTemperature && temp.value === null) errors[prefix + "temperature"] = [format(m.temperature_required, { who: who })];
      // core.symptoms.known_symptoms over the served list: each known one once, in the
      // order given; each other one refused.
      var symptoms = [], unknown = [];
      textList(occ.symptoms).forEach(function (s, k) {
        if (rules.symptoms.indexOf(s) < 0) unknown.push(who + format(m.unknown_symptom, { code: typed(s, k + 1, m) }));
        else if (symptoms.indexOf(s) < 0) symptoms.push(s);
      });
      if (unknown.length) errors[prefix + "symptoms"] = unknown;
      var o = {
        household: household,
        origin: cut(normalizeText(occ.origin), 60),
        travel: textList(occ.travel_history),
        temperature: temp.value === undefined ? null : temp.value,
        symptoms: symptoms,
      };
      var flags = flagsOf(o, ctx, rules, t);
      var destination = cut(normalizeText(occ.destination), 60);
      out.push({ flags: flags, recommended: recommend(flags, inCounty(destination, household, rules, t, options.area)) });
    });
    return { errors: errors, occupants: out };
  }

  function idHint(raw, rules, idRules) {
    // What the register page's ID check shows, without asking the server.
    var t = tables(rules), m = rules.messages;
    var id = global.FangkongId.check(raw, idRules, m.id_field);
    if (!id.ok) return { ok: false, message: id.message };
    var region = id.number.slice(0, 6);
    return { ok: true, region: regionName(region, t), birthDate: id.birthDate, sex: id.sex,
             keyArea: keyAreaFor(region, global.FangkongClock.today(rules.timezone), rules) };
  }

  // Public: (text, rules[, household]) as the register page calls it (the card's address);
  // the tables are built here, as for resolvePlace. No household: only the text decides.
  global.FangkongRoadside = {
    assess: assess,
    idHint: idHint,
    inCounty: function (text, rules, household, area) { return inCounty(text, household || "", rules, tables(rules), area); },
    resolvePlace: function (text, rules) { return resolvePlace(text, tables(rules)); },
  };
})(window);
