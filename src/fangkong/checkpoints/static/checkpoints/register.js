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
    });
    row.querySelectorAll("[aria-live]").forEach(function (e) { e.textContent = ""; });
  }

  function setCount(form) {
    var n = form.querySelector('input[name="n"]');
    if (n) n.value = String(rows(form).length);
  }

  function addRow(form) {
    var all = rows(form);
    if (all.length >= Number(form.dataset.maxRows || 9)) return null;
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

  function serialize(form) {
    var rest = val(form.querySelector('[name="plate_rest"]')).trim();
    return {
      checkpoint: form.dataset.checkpoint,
      direction: val(form.querySelector('[name="direction"]')),
      vehicle_type: val(form.querySelector('[name="vehicle_type"]')),
      plate: rest ? val(form.querySelector('[name="province"]')) + rest : "",
      occurred_at: form.dataset.occurredAt || new Date().toISOString(),
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
    return global.FangkongRoadside.assess(serialize(form), rules, idRules, { requireTemperature: requireTemperature });
  }

  function renderAssessment(form, result) {
    var rowIndex = kept(form);
    result.occupants.forEach(function (a, k) {
      var i = rowIndex[k], row = rows(form)[i];
      var old = input(form, i, "decision");
      var chosen = old ? old.value : "";
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
    done: function (form, data) {
      global.location.href = form.dataset.doneUrl.replace(/\/0\/$/, "/" + data.id + "/");
    },
  };
  Outbox.forms.passage = handler;

  doc.addEventListener("DOMContentLoaded", function () {
    var form = doc.querySelector('form[data-outbox-kind="passage"]');
    if (!form) return;
    loadRules(form); // offline: from the device's copy, if it has one
    form.addEventListener("input", function (event) {
      if (!global.navigator.onLine && event.target.name && /-id_number$/.test(event.target.name)) idHint(form, event.target);
    });
    // Offline, the ID check is done here: htmx must not ask the server.
    doc.body.addEventListener("htmx:beforeRequest", function (event) {
      if (!global.navigator.onLine) event.preventDefault();
    });
  });
})(window);
