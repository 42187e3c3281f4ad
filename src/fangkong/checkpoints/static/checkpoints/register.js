/* The passage registration page without a network (the page works without this script;
 * with it, it also works offline): occupants are added on the device, the ID number and
 * "检查预警" are checked on the device by the server's rules (roadside.js), and 登记 puts the
 * passage into the outbox as the JSON of POST /api/v1/passages, with its client_id, to be
 * sent when the network returns. Texts come from the form's data-text-* attributes and the
 * served rules, in the page's language.
 */
(function (global) {
  "use strict";
  var doc = global.document;
  var Outbox = global.FangkongOutbox;
  var rules = null, idRules = null;

  function format(template, params) {
    return (template || "").replace(/%\((\w+)\)[sd]/g, function (_m, key) { return String(params[key]); });
  }

  function getJSON(url) {
    return global.fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error(String(r.status));
      return r.json();
    });
  }

  function loadRules(form) {
    // Online, fetching them also leaves the device a copy (the service worker keeps it).
    return Promise.all([getJSON(form.dataset.rulesUrl), getJSON(form.dataset.idRulesUrl)]).then(function (both) {
      rules = both[0]; idRules = both[1];
    }).catch(function () { /* no copy yet: the server checks when the record arrives */ });
  }

  function rows(form) { return Array.prototype.slice.call(form.querySelectorAll("fieldset.ck-occupant")); }
  function input(form, i, name) { return form.querySelector('[name="occ-' + i + "-" + name + '"]'); }
  function val(el) { return el ? el.value : ""; }

  function el(tag, cls, text) {
    var e = doc.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // ------------------------------------------------------------ rows

  function reindex(node, from, to) {
    var a = "occ-" + from + "-", b = "occ-" + to + "-";
    [node].concat(Array.prototype.slice.call(node.querySelectorAll("*"))).forEach(function (e) {
      ["id", "name", "for", "hx-target", "hx-include", "data-testid"].forEach(function (attr) {
        var v = e.getAttribute(attr);
        if (v && v.indexOf(a) >= 0) e.setAttribute(attr, v.split(a).join(b));
      });
      if (e.getAttribute("data-testid") === "occupant-" + from) e.setAttribute("data-testid", "occupant-" + to);
      if (e.hasAttribute("hx-vals")) e.setAttribute("hx-vals", JSON.stringify({ i: String(to) }));
    });
  }

  function clearRow(row) {
    row.querySelectorAll(".ck-assess, .fk-errors").forEach(function (e) { e.remove(); });
    row.querySelectorAll(".has-error").forEach(function (e) { e.classList.remove("has-error"); });
    row.classList.remove("is-flagged");
    row.querySelectorAll("input").forEach(function (e) {
      if (e.type === "checkbox" || e.type === "radio") e.checked = false; else e.value = "";
      if (/-id_number$/.test(e.name)) e.placeholder = ""; // a release notice's masked number
    });
    row.querySelectorAll("[aria-live]").forEach(function (e) { e.textContent = ""; });
  }

  function seats(form) {
    // The vehicle type's limit (models.VEHICLE_SEATS, served in data-seats).
    var table = {};
    try { table = JSON.parse(form.dataset.seats || "{}"); } catch (e) { /* the default below */ }
    return Number(table[val(form.querySelector('[name="vehicle_type"]'))] || form.dataset.maxRows || 9);
  }

  function setCount(form) {
    var n = form.querySelector('input[name="n"]');
    if (n) n.value = String(rows(form).length);
    var shown = doc.querySelector("[data-occupant-count]");
    if (shown) {
      var limit = seats(form), people = kept(form).length;
      shown.textContent = format(form.dataset.textCount, { n: people, max: limit });
      shown.classList.toggle("is-full", rows(form).length >= limit);
    }
  }

  function full(form) {
    Outbox.status(form, format(form.dataset.textFull, { n: seats(form) }), "warning");
  }

  function addRow(form) {
    var all = rows(form);
    if (all.length >= seats(form)) { full(form); setCount(form); return null; }
    var last = all[all.length - 1];
    var row = last.cloneNode(true);
    reindex(row, all.length - 1, all.length);
    clearRow(row);
    var legend = row.querySelector("legend");
    if (legend) legend.textContent = format(form.dataset.textWho, { n: all.length + 1 });
    last.after(row);
    setCount(form);
    if (global.htmx) global.htmx.process(row);
    return row;
  }

  function setRowCount(form, n) {
    n = Math.max(1, n);
    var all = rows(form);
    for (var i = all.length - 1; i >= n; i--) all[i].remove();
    while (rows(form).length < n && addRow(form)) { /* adds one */ }
    setCount(form);
  }

  // ------------------------------------------------------------ the record

  function kept(form) {
    return rows(form).map(function (_row, i) { return i; }).filter(function (i) {
      return ["name", "id_number", "phone"].some(function (k) { return val(input(form, i, k)); });
    });
  }

  function splitPlaces(text) {
    return String(text || "").replace(/，/g, ",").replace(/、/g, ",").split(",").filter(function (p) { return p.trim(); });
  }

  function plateOf(form) {
    // The whole plate may be typed in the field, province first (forms.PassageForm.plate).
    var rest = val(form.querySelector('[name="plate_rest"]')).trim();
    if (!rest) return "";
    var province = form.querySelector('[name="province"]');
    var first = rest.charAt(0);
    if (province && Array.prototype.some.call(province.options, function (o) { return o.value === first; })) return rest;
    return val(province) + rest;
  }

  function codes(form) {
    return (form.dataset.codes || "").split(" ").filter(Boolean);
  }

  function setCodes(form, list) {
    var unique = list.filter(function (c, k) { return c && list.indexOf(c) === k; });
    form.dataset.codes = unique.join(" ");
    var hidden = form.querySelector('input[name="code"]');
    if (hidden) hidden.value = unique[0] || "";
  }

  function serialize(form) {
    return {
      checkpoint: form.dataset.checkpoint,
      direction: val(form.querySelector('[name="direction"]')),
      vehicle_type: val(form.querySelector('[name="vehicle_type"]')),
      plate: plateOf(form),
      selfreg_codes: codes(form),
      occurred_at: form.dataset.occurredAt || global.FangkongClock.now().toISOString(),
      occupants: kept(form).map(function (i) {
        var t = val(input(form, i, "temperature")).trim();
        var decision = input(form, i, "decision");
        return {
          name: val(input(form, i, "name")),
          id_number: val(input(form, i, "id_number")),
          phone: val(input(form, i, "phone")),
          // A number the API can read; anything else is left for the server to refuse.
          temperature: t === "" ? null : isNaN(Number(t)) ? t : Number(t),
          origin: val(input(form, i, "origin")),
          destination: val(input(form, i, "destination")),
          travel_history: splitPlaces(val(input(form, i, "travel"))),
          symptoms: Array.prototype.map.call(form.querySelectorAll('[name="occ-' + i + '-symptoms"]:checked'), function (c) { return c.value; }),
          decision: decision ? decision.value : "",
        };
      }),
    };
  }

  // ------------------------------------------------------------ errors

  function showErrors(form, errors) {
    var rowIndex = kept(form);
    Outbox.showErrors(form, errors, function (field) {
      var parts = field.split(".");
      if (parts[0] === "occupants" && parts.length === 3 && rowIndex[Number(parts[1])] !== undefined) {
        return input(form, rowIndex[Number(parts[1])], parts[2]);
      }
      if (parts[0] === "plate") return form.querySelector('[name="plate_rest"]');
      return form.querySelector('[name="' + parts[0] + '"]');
    });
  }

  function asList(errors) {
    return Object.keys(errors).reduce(function (out, field) {
      return out.concat(errors[field].map(function (msg) { return { field: field, msg: msg }; }));
    }, []);
  }

  // ------------------------------------------------------------ checked on the device

  function assess(form, requireTemperature) {
    if (!rules || !idRules || !global.FangkongRoadside) return null;
    return global.FangkongRoadside.assess(serialize(form), rules, idRules, { requireTemperature: requireTemperature, area: form.dataset.area });
  }

  function renderAssessment(form, result) {
    var rowIndex = kept(form);
    rows(form).forEach(function (row, i) {
      if (rowIndex.indexOf(i) < 0) { row.querySelectorAll(".ck-assess").forEach(function (e) { e.remove(); }); row.classList.remove("is-flagged"); }
    });
    result.occupants.forEach(function (a, k) {
      var i = rowIndex[k], row = rows(form)[i];
      var old = input(form, i, "decision");
      var chosen = old && old.dataset.touched ? old.value : "";
      row.querySelectorAll(".ck-assess").forEach(function (e) { e.remove(); });
      var box = el("div", "ck-assess");
      box.setAttribute("data-testid", "flags-" + i);
      row.classList.toggle("is-flagged", a.flags.length > 0);
      if (!a.flags.length) {
        var none = el("div", "ck-flag");
        none.appendChild(el("span", "fk-badge is-ok", form.dataset.textNoFlags));
        box.appendChild(none);
      }
      a.flags.forEach(function (f) {
        var line = el("div", "ck-flag");
        line.appendChild(el("span", "fk-badge is-danger", rules.flag_labels[f.code] || f.code));
        line.appendChild(doc.createTextNode(" " + f.reason));
        box.appendChild(line);
      });
      var field = el("div", "fk-field");
      var label = el("label", "", form.dataset.textDecision);
      label.setAttribute("for", "occ-" + i + "-decision");
      var select = el("select", "ck-decision");
      select.id = "occ-" + i + "-decision"; select.name = "occ-" + i + "-decision";
      rules.decisions.forEach(function (d) {
        var option = el("option", "", d[1] + (d[0] === a.recommended ? form.dataset.textSuggested : ""));
        option.value = d[0];
        select.appendChild(option);
      });
      select.value = chosen || a.recommended;
      if (chosen) select.dataset.touched = "1";
      select.addEventListener("change", function () { select.dataset.touched = "1"; });
      field.appendChild(label); field.appendChild(select);
      box.appendChild(field);
      row.appendChild(box);
    });
  }

  function checkHere(form) {
    var result = assess(form, true);
    if (!result) return false;
    var errors = asList(result.errors);
    showErrors(form, errors);
    renderAssessment(form, result);
    Outbox.status(form, errors.length ? "" : form.dataset.textOfflineCheck, "warning");
    return true;
  }

  function idHint(form, field) {
    var m = /^occ-(\d+)-id_number$/.exec(field.name);
    var out = m && doc.getElementById("occ-" + m[1] + "-idcheck");
    if (!out || !rules || !idRules) return;
    var raw = field.value.trim();
    out.textContent = "";
    if (Array.from(raw).length < 15) {
      out.appendChild(el("span", "fk-muted", format(form.dataset.textTyped, { n: Array.from(raw).length })));
      return;
    }
    var h = global.FangkongRoadside.idHint(raw, rules, idRules);
    if (!h.ok) {
      var bad = el("span", "ck-bad", h.message);
      bad.setAttribute("role", "alert");
      out.appendChild(bad);
      return;
    }
    out.appendChild(el("span", "ck-good", "✓ " + h.region + " · " + h.birthDate + " · " +
      (h.sex === "M" ? form.dataset.textMale : form.dataset.textFemale)));
    if (h.keyArea) {
      out.appendChild(doc.createTextNode(" "));
      out.appendChild(el("span", "fk-badge is-danger", format(form.dataset.textKeyArea, { n: h.keyArea.name })));
    }
  }

  // ------------------------------------------------------------ the outbox's hooks

  function restore(form, body, errors) {
    var plate = body.plate || "";
    var province = form.querySelector('[name="province"]');
    if (plate && province) province.value = plate.charAt(0);
    form.querySelector('[name="plate_rest"]').value = plate.slice(1);
    form.querySelector('[name="vehicle_type"]').value = body.vehicle_type;
    form.querySelector('[name="direction"]').value = body.direction;
    var occupants = body.occupants || [];
    setRowCount(form, occupants.length);
    rows(form).forEach(clearRow);
    occupants.forEach(function (o, i) {
      ["name", "id_number", "phone", "origin", "destination"].forEach(function (k) { input(form, i, k).value = o[k] || ""; });
      input(form, i, "temperature").value = o.temperature === null || o.temperature === undefined ? "" : String(o.temperature);
      input(form, i, "travel").value = (o.travel_history || []).join("、");
      form.querySelectorAll('[name="occ-' + i + '-symptoms"]').forEach(function (c) { c.checked = (o.symptoms || []).indexOf(c.value) >= 0; });
    });
    form.dataset.occurredAt = body.occurred_at || "";
    setCodes(form, body.selfreg_codes || []);
    var decided = occupants.some(function (o) { return o.decision; });
    var result = decided ? assess(form, false) : null;
    if (result) {
      renderAssessment(form, result);
      occupants.forEach(function (o, i) { if (o.decision) input(form, i, "decision").value = o.decision; });
    }
    showErrors(form, errors || []);
  }

  function reset(form) {
    setRowCount(form, 1);
    rows(form).forEach(clearRow);
    form.querySelector('[name="plate_rest"]').value = "";
    Outbox.clearErrors(form);
    delete form.dataset.occurredAt;
    setCodes(form, []);
    setCount(form);
  }

  function fill(form, entries, fillFields) {
    // A form the service worker put aside: as many rows as it had, then its values.
    var n = entries.find(function (e) { return e[0] === "n"; });
    setRowCount(form, n ? Number(n[1]) || 1 : 1);
    fillFields(form, entries);
    var decisions = entries.filter(function (e) { return /^occ-\d+-decision$/.test(e[0]) && e[1]; });
    var result = decisions.length ? assess(form, false) : null;
    if (result) {
      renderAssessment(form, result);
      decisions.forEach(function (e) { var s = form.querySelector('[name="' + e[0] + '"]'); if (s) s.value = e[1]; });
    }
    return true;
  }

  // ------------------------------------------------------------ fast at the roadside

  var FAST = ["id_number", "name", "temperature"]; // what the officer types, in order
  var liveTimer = null;

  function live(form) {
    // Flags and the recommended decision beside each occupant as they are typed: no tap on
    // 检查预警, no reload. Errors wait for 登记.
    global.clearTimeout(liveTimer);
    liveTimer = global.setTimeout(function () {
      var result = assess(form, false);
      if (result) renderAssessment(form, result);
      setCount(form);
    }, 120);
  }

  function rowOf(el) {
    var m = /^occ-(\d+)-(\w+)$/.exec(el && el.name ? el.name : "");
    return m ? { i: Number(m[1]), field: m[2] } : null;
  }

  function focusField(el) {
    if (!el) return;
    el.focus();
    if (el.scrollIntoView) el.scrollIntoView({ block: "center" });
  }

  // The first field still to type from row i on: in the row, else the next; a new row at
  // the end (Enter on the last field adds the next occupant).
  function nextEmpty(form, i, after) {
    var all = rows(form);
    for (var r = i; r < all.length; r++) {
      for (var k = 0; k < FAST.length; k++) {
        if (r === i && after !== undefined && k <= FAST.indexOf(after)) continue;
        var field = input(form, r, FAST[k]);
        if (field && !field.value.trim()) return field;
      }
    }
    var row = addRow(form);
    return row ? input(form, all.length, "id_number") : null;
  }

  function onEnter(form, event) {
    var t = event.target;
    if (t.name === "plate_rest") { event.preventDefault(); focusField(nextEmpty(form, 0)); return; }
    var at = rowOf(t);
    if (!at || t.tagName !== "INPUT" || t.type === "checkbox") return;
    event.preventDefault();
    if (at.field === "id_number" && reading(form, t)) return;
    var after = FAST.indexOf(at.field) >= 0 ? at.field : "name";
    focusField(nextEmpty(form, at.i, after));
  }

  // ---- the ID card reader: its burst lands in the focused ID field (idcard.js)

  var lastKey = 0, cardTimer = null;

  function validId(n) {
    return idRules ? global.FangkongId.check(n, idRules, "").ok : /^\d{17}[\dX]$/.test(n);
  }

  function looksTyped(value) { return /^[\dXx ]*$/.test(value); }

  function reading(form, field) {
    // Is this Tab or Enter part of a reader's burst? Then it is a separator, kept in the
    // field. A number typed whole is not: the key moves on.
    var value = field.value;
    if (!value || (looksTyped(value) && validId(value.replace(/\s/g, "").toUpperCase()))) return false;
    if (!(Date.now() - lastKey < 40 || !looksTyped(value))) return false;
    field.value += "\t";
    readSoon(form, field);
    return true;
  }

  function readSoon(form, field) {
    global.clearTimeout(cardTimer);
    cardTimer = global.setTimeout(function () { readCard(form, field); }, 150);
  }

  function readCard(form, field) {
    var at = rowOf(field);
    if (!at || !global.FangkongIdCard || !global.FangkongIdCard.isBurst(field.value)) return;
    var card = global.FangkongIdCard.parse(field.value, validId);
    if (!card) return; // left as it is: the check under the field says what is wrong
    field.value = card.number;
    var name = input(form, at.i, "name");
    if (card.name && name) name.value = card.name;
    var dest = input(form, at.i, "destination");
    // The card's address is home: in the county, it is where the person is going.
    if (card.address && dest && !dest.value && rules && global.FangkongRoadside.inCounty(card.address, rules, "", form.dataset.area)) {
      dest.value = card.address;
    }
    field.dispatchEvent(new Event("input", { bubbles: true }));
    live(form);
    focusField(nextEmpty(form, at.i, "name"));
  }

  // ---- travellers from a scanned QR (scan.js)

  function addTravellers(found) {
    var form = doc.querySelector('form[data-outbox-kind="passage"]');
    if (!form) return 0;
    if (found.code && codes(form).indexOf(found.code) >= 0) return 0; // scanned before
    var plate = form.querySelector('[name="plate_rest"]');
    if (found.plate && !plate.value.trim()) {
      var province = form.querySelector('[name="province"]');
      var first = found.plate.charAt(0);
      var known = province && Array.prototype.some.call(province.options, function (o) { return o.value === first; });
      if (known) province.value = first;
      plate.value = known ? found.plate.slice(1) : found.plate;
      if (found.vehicleType) form.querySelector('[name="vehicle_type"]').value = found.vehicleType;
      if (found.direction) form.querySelector('[name="direction"]').value = found.direction;
    }
    var added = 0, first = null;
    found.occupants.forEach(function (o) {
      var i = rows(form).findIndex(function (_r, k) {
        return !["name", "id_number", "phone"].some(function (f) { return val(input(form, k, f)); });
      });
      if (i < 0) {
        if (!addRow(form)) return;
        i = rows(form).length - 1;
      }
      ["name", "id_number", "phone", "origin", "destination"].forEach(function (k) { input(form, i, k).value = o[k] || ""; });
      input(form, i, "travel").value = (o.travel_history || []).join("、");
      // A release notice's masked number, to compare with the card while typing its number.
      input(form, i, "id_number").placeholder = o.masked || "";
      form.querySelectorAll('[name="occ-' + i + '-symptoms"]').forEach(function (c) { c.checked = (o.symptoms || []).indexOf(c.value) >= 0; });
      added += 1;
      if (first === null) first = i;
    });
    if (found.code && added) setCodes(form, codes(form).concat([found.code]));
    if (added) {
      live(form);
      var temp = input(form, first, "temperature"), id = input(form, first, "id_number");
      focusField(!id.value ? id : temp && !temp.value ? temp : nextEmpty(form, first));
    }
    return added;
  }

  // ---- 登记 online: the API, the result at the top, the page ready for the next car

  function csrfToken(form) {
    var t = form.querySelector('[name="csrfmiddlewaretoken"]');
    return t ? t.value : "";
  }

  function saveNow(form) {
    var problems = handler.check(form);
    if (problems.length) { Outbox.status(form, problems.join("；"), "error"); return; }
    var body = serialize(form);
    var idInput = form.querySelector('input[name="client_id"]');
    body.client_id = idInput.value;
    var button = form.querySelector('button[value="save"]');
    button.disabled = true;
    global.fetch(form.dataset.outboxUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(form) },
      body: JSON.stringify(body),
    }).then(function (resp) {
      return resp.json().catch(function () { return {}; }).then(function (data) {
        if (resp.ok) { registered(form, data); return; }
        if (resp.status >= 400 && resp.status < 500 && resp.status !== 401) {
          var errors = Array.isArray(data.detail) ? data.detail : [{ field: null, msg: String(data.detail || resp.status) }];
          showErrors(form, errors);
          Outbox.status(form, errors.map(function (e) { return e.msg; }).join("；"), "error");
          if (resp.status === 409) idInput.value = Outbox.uuid(); // a new car, not the same refusal
          return;
        }
        throw new Error(String(resp.status));
      });
    }).catch(function () {
      // No answer: the record waits on the device under the same client_id.
      return Outbox.enqueue("passage", form.dataset.outboxUrl, body, form.dataset.outboxLabel, global.location.pathname)
        .then(function () { Outbox.status(form, form.dataset.queuedText, "warning"); reset(form); idInput.value = Outbox.uuid(); });
    }).finally(function () { button.disabled = false; });
  }

  function registered(form, data) {
    var box = doc.querySelector("[data-last-result]");
    var labels = {};
    (rules ? rules.decisions : []).forEach(function (d) { labels[d[0]] = d[1]; });
    if (box) {
      box.textContent = "";
      var head = el("div", "ck-result-head");
      head.appendChild(el("strong", "", format(form.dataset.textDone, { plate: data.plate || "", n: (data.occupants || []).length })));
      var link = el("a", "", form.dataset.textDetail);
      link.href = form.dataset.doneUrl.replace(/\/0\/$/, "/" + data.id + "/");
      head.appendChild(doc.createTextNode(" "));
      head.appendChild(link);
      box.appendChild(head);
      var list = el("ul", "ck-result-list");
      (data.occupants || []).forEach(function (o, k) {
        var li = el("li", o.flags && o.flags.length ? "is-flagged" : "");
        li.setAttribute("data-testid", "result-" + k);
        li.appendChild(el("span", "", o.name + " "));
        li.appendChild(el("span", "fk-badge " + (o.decision === "pass" ? "is-ok" : "is-danger"), labels[o.decision] || o.decision));
        if (o.referred) li.appendChild(el("span", "fk-muted", " " + form.dataset.textReferred));
        list.appendChild(li);
      });
      box.appendChild(list);
      box.hidden = false;
    }
    Outbox.status(form, "", "info");
    doc.querySelectorAll("[data-scan-status]").forEach(function (e) { e.hidden = true; });
    reset(form);
    var idInput = form.querySelector('input[name="client_id"]');
    if (idInput) idInput.value = Outbox.uuid();
    delete form.dataset.outboxRestored;
    global.scrollTo(0, 0);
    var plate = form.querySelector('[name="plate_rest"]');
    if (plate) plate.focus({ preventScroll: true });
  }

  function onSubmit(form, event) {
    var submitter = event.submitter;
    var action = submitter && submitter.name === "action" ? submitter.value : "";
    if (form.dataset.outboxRestored || !global.navigator.onLine) return; // offline.js does it
    if (action === "add") { event.preventDefault(); event.stopPropagation(); focusField(addRow(form) && input(form, rows(form).length - 1, "id_number")); return; }
    if (!rules || !idRules) return; // no rules on the device yet: the server checks
    event.preventDefault(); event.stopPropagation();
    if (action === "check") { checkHere(form); Outbox.status(form, "", "info"); return; }
    saveNow(form);
  }

  global.FangkongRegister = { addTravellers: addTravellers };

  var handler = {
    serialize: serialize,
    restore: restore,
    fill: fill,
    local: function (form, action) {
      if (action === "add") { addRow(form); return true; }
      if (action === "check") { checkHere(form); return true; }
      return false;
    },
    check: function (form) {
      var result = assess(form, true);
      if (!result) return [];
      var errors = asList(result.errors);
      showErrors(form, errors);
      return errors.map(function (e) { return e.msg; });
    },
    queued: function (form) { reset(form); },
    // What a queued car is, in the outbox's list and its discard question: 鄂A12345，3人，2020-01-27 08:00.
    describe: function (body) {
      var form = doc.querySelector('form[data-outbox-kind="passage"]');
      var template = (form && form.dataset.outboxDescribe) || "%(plate)s，%(n)s人，%(time)s";
      return template.replace("%(plate)s", body.plate || "—")
        .replace("%(n)s", String((body.occupants || []).length))
        .replace("%(time)s", Outbox.localTime(body.occurred_at));
    },
    done: function (form, data) { registered(form, data); },
  };
  Outbox.forms.passage = handler;

  doc.addEventListener("DOMContentLoaded", function () {
    var form = doc.querySelector('form[data-outbox-kind="passage"]');
    if (!form) return;
    setCodes(form, [val(form.querySelector('input[name="code"]'))]);
    loadRules(form).then(function () { live(form); }); // offline: from the device's copy
    form.addEventListener("input", function (event) {
      var t = event.target;
      if (t.name && /-id_number$/.test(t.name)) {
        if (!global.navigator.onLine) idHint(form, t);
        if (global.FangkongIdCard && global.FangkongIdCard.isBurst(t.value)) readSoon(form, t);
      }
      live(form);
    });
    form.addEventListener("change", function (event) {
      if (event.target.name === "vehicle_type") setCount(form);
      live(form);
    });
    form.addEventListener("keydown", function (event) {
      var t = event.target;
      var burst = t.name && /-id_number$/.test(t.name);
      if (event.key === "Enter") onEnter(form, event);
      else if (event.key === "Tab" && burst && reading(form, t)) event.preventDefault();
      if (burst) lastKey = Date.now();
    });
    form.addEventListener("submit", function (event) { onSubmit(form, event); });
    setCount(form);
    // The page answers on the phone from here on (before, a button posts the form).
    form.dataset.ready = "1";
    // Offline, the ID check is done here: htmx must not ask the server.
    doc.body.addEventListener("htmx:beforeRequest", function (event) {
      if (!global.navigator.onLine) event.preventDefault();
    });
  });
})(window);
