/* Follow-ups without a network. The form of a case's visit (which works without this
 * script) is put into the outbox as the JSON of POST /api/v1/cases/{id}/followups, with its
 * client_id, when the phone has no network; today's list marks the people whose visit
 * waits on the phone as 待同步.
 */
(function (global) {
  "use strict";
  var doc = global.document;
  var Outbox = global.FangkongOutbox;

  function field(form, name) { return form.querySelector('[name="' + name + '"]'); }

  function checked(form, name) {
    return Array.prototype.map.call(form.querySelectorAll('[name="' + name + '"]:checked'), function (c) { return c.value; });
  }

  function serialize(form) {
    var t = field(form, "temperature").value.trim();
    var at = field(form, "visited_at").value;
    return {
      // A JSON number, as the API requires (a text "36.5" is refused); anything that is no
      // number is sent as typed, for the server to refuse naming the field.
      temperature: t === "" ? null : isNaN(Number(t)) ? t : Number(t),
      symptoms: checked(form, "symptoms"),
      at_home: checked(form, "at_home")[0] !== "0",
      // The time the worker sees is Beijing time, whatever the phone's own zone.
      visited_at: at ? at.slice(0, 16) + ":00+08:00" : "",
      note: field(form, "note").value,
    };
  }

  function check(form) {
    var body = serialize(form), problems = [];
    if (body.at_home && body.temperature === null) problems.push({ field: "temperature", msg: form.dataset.textNeedTemperature });
    if (!body.visited_at) problems.push({ field: "visited_at", msg: form.dataset.textNeedTime });
    showErrors(form, problems);
    return problems.map(function (p) { return p.msg; });
  }

  function showErrors(form, errors) {
    Outbox.showErrors(form, errors, function (name) { return field(form, name); });
  }

  function restore(form, body, errors) {
    field(form, "temperature").value = body.temperature === null || body.temperature === undefined ? "" : String(body.temperature);
    form.querySelectorAll('[name="at_home"]').forEach(function (r) { r.checked = (r.value === "1") === Boolean(body.at_home); });
    form.querySelectorAll('[name="symptoms"]').forEach(function (c) { c.checked = (body.symptoms || []).indexOf(c.value) >= 0; });
    field(form, "visited_at").value = String(body.visited_at || "").slice(0, 16);
    field(form, "note").value = body.note || "";
    showErrors(form, errors || []);
  }

  function reset(form) {
    field(form, "temperature").value = "";
    field(form, "note").value = "";
    form.querySelectorAll('[name="symptoms"]').forEach(function (c) { c.checked = false; });
    Outbox.clearErrors(form);
  }

  Outbox.forms.followup = {
    serialize: serialize,
    check: check,
    restore: restore,
    queued: function (form) { reset(form); },
    done: function (form) { global.location.href = form.dataset.doneUrl; },
  };

  // Today's list: a visit recorded on the phone and not yet sent shows on its person.
  Outbox.onChange(function (records) {
    doc.querySelectorAll("[data-followup-url]").forEach(function (item) {
      var n = records.filter(function (r) { return r.url === item.dataset.followupUrl && r.status === "pending"; }).length;
      item.querySelectorAll("[data-followup-pending]").forEach(function (badge) {
        badge.hidden = n === 0;
        var count = badge.querySelector("b");
        if (count) count.textContent = String(n);
      });
    });
  });
})(window);
