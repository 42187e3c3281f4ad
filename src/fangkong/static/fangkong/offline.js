/* fangkong offline: the service worker, the outbox of writes made without a network, and
 * clearing the device's copy of personal data at sign-out or when it grows old.
 *
 * A form opts in with data-outbox-url="/api/v1/…" and data-outbox-kind="passage" (…). Online
 * it is posted as the page always posts it; without a network (navigator.onLine false) the
 * record is built on the device as the API's JSON, with a client_id, and waits in IndexedDB,
 * shown as 待同步, to be sent — oldest first — as soon as the network returns. When the
 * network fails under a form posted online, the service worker puts the form aside and shows
 * the page again from its copy; this script then takes the record into the outbox, with the
 * client_id the server may already have seen, so a record is never stored twice.
 * A record the server rejects is kept, marked, and offered back to the officer to correct,
 * or to discard after a confirmation that names it (a passage too old to be registered can
 * never be corrected); nothing is dropped silently. Pages register FangkongOutbox.forms[kind] = {
 *   serialize(form) → body, restore(form, body, errors), check(form) → [messages],
 *   local(form, action) → true when it handled a button itself (add a row, check),
 *   fill(form, entries, fillFields) → true: a put-aside form's values set by the page,
 *   queued(form, record),
 *   describe(body) → what the record is, in a few words (a car's plate, people and time),
 *   done(form, response) }.
 */
(function (global) {
  "use strict";
  var DB = "fangkong", STORE = "outbox", STASH = "fk-stash";
  var doc = global.document;
  var listeners = [];
  var REJECTED = [400, 403, 404, 405, 409, 410, 422];

  function uuid() {
    if (global.crypto && global.crypto.randomUUID) return global.crypto.randomUUID();
    var b = new Uint8Array(16); global.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.from(b, function (x) { return x.toString(16).padStart(2, "0"); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function csrf() {
    var m = doc.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  function open() {
    return new Promise(function (resolve, reject) {
      var req = global.indexedDB.open(DB, 1);
      req.onupgradeneeded = function () {
        var store = req.result.createObjectStore(STORE, { keyPath: "client_id" });
        store.createIndex("created", "created");
      };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function tx(mode, fn) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode);
        var result = fn(t.objectStore(STORE));
        t.oncomplete = function () { db.close(); resolve(result instanceof IDBRequest ? result.result : result); };
        t.onerror = function () { db.close(); reject(t.error); };
      });
    });
  }

  function me() { return doc.body ? doc.body.dataset.user || "" : ""; }

  // The records of whoever is signed in: on a shared phone another officer's records are
  // neither shown nor sent under this one's name (they wait for their own sign-in).
  function listAll() { return tx("readonly", function (s) { return s.index("created").getAll(); }); }

  function list() {
    return listAll().then(function (records) {
      return records.filter(function (r) { return (r.user || "") === me(); });
    });
  }

  function get(id) { return tx("readonly", function (s) { return s.get(id); }); }
  function put(record) { return tx("readwrite", function (s) { return s.put(record); }).then(changed); }
  function remove(id) { return tx("readwrite", function (s) { return s.delete(id); }).then(changed); }

  function changed() {
    return list().then(function (records) {
      var pending = records.filter(function (r) { return r.status === "pending"; }).length;
      var rejected = records.filter(function (r) { return r.status === "rejected"; });
      doc.querySelectorAll("[data-outbox-count]").forEach(function (el) { el.textContent = String(pending); });
      doc.querySelectorAll("[data-outbox-badge]").forEach(function (el) { el.hidden = pending === 0; });
      if (!pending) doc.querySelectorAll("[data-outbox-status][data-queued]").forEach(function (el) { el.hidden = true; });
      doc.querySelectorAll("[data-outbox-rejected]").forEach(function (box) {
        box.hidden = rejected.length === 0;
        var ul = box.querySelector("ul");
        if (!ul) return;
        ul.textContent = "";
        rejected.forEach(function (r) {
          var li = doc.createElement("li");
          li.textContent = what(r) + "：" + r.error + " ";
          var btn = doc.createElement("button");
          btn.type = "button"; btn.className = "fk-btn fk-btn-sm";
          btn.textContent = box.dataset.editLabel || "修改";
          btn.addEventListener("click", function () { edit(r); });
          li.appendChild(btn);
          var drop = doc.createElement("button");
          drop.type = "button"; drop.className = "fk-btn fk-btn-sm fk-btn-danger";
          drop.textContent = box.dataset.discardLabel || "丢弃";
          drop.addEventListener("click", function () { discard(r, box.dataset); });
          li.appendChild(drop);
          ul.appendChild(li);
        });
      });
      listeners.forEach(function (fn) { fn(records); });
      return records;
    });
  }

  // "2020-01-27 08:00", Beijing time, whatever the device's zone.
  function localTime(moment) {
    var d = new Date(moment);
    if (isNaN(d.getTime())) return "";
    return new Intl.DateTimeFormat("sv-SE", {
      timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", hour12: false,
    }).format(d);
  }

  // A record as the officer knows it: its label and what the page says it holds (or when
  // it was saved on the device).
  function what(record) {
    var summary = record.summary || localTime(record.created);
    return (record.label || record.kind) + (summary ? "（" + summary + "）" : "");
  }

  /* A refused record the officer gives up (a passage too old to be registered can never be
   * corrected): after a confirmation that says what is discarded and why it was refused,
   * it leaves the device unsent. */
  function discard(record, words) {
    words = words || {};
    var text = [
      words.discardAsk || "丢弃这条记录？",
      what(record),
      (words.discardWhy || "退回原因：%(why)s").replace("%(why)s", record.error || ""),
      words.discardNote || "丢弃后不会上传，也无法恢复。",
    ].join("\n");
    if (!global.confirm(text)) return Promise.resolve(false);
    return remove(record.client_id).then(function () { return true; });
  }

  function errorsOf(detail) {
    if (Array.isArray(detail)) return detail.map(function (d) { return d.msg; }).join("；");
    return String(detail || "");
  }

  function send(record) {
    return global.fetch(record.url, {
      method: record.method || "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify(record.body),
    });
  }

  // A refusal that will not change by sending again: the record goes back to the officer.
  // A CSRF refusal is the session's, not the record's: it waits like a signed-out one.
  function refused(resp, data) {
    if (REJECTED.indexOf(resp.status) < 0) return false;
    return !(resp.status === 403 && /CSRF/.test(String(data.detail)));
  }

  function reject(record, resp, data) {
    record.status = "rejected";
    // 409: the server holds another record under this client_id; the corrected record
    // must go as a new one (sendRestored), or it would be refused the same way forever.
    record.conflict = resp.status === 409;
    record.error = errorsOf(data.detail) || resp.statusText || String(resp.status);
    record.errors = Array.isArray(data.detail) ? data.detail : [{ field: null, msg: record.error }];
    return put(record);
  }

  var flushing = null;
  function flush() {
    if (flushing) return flushing;
    flushing = list().then(function (records) {
      var pending = records.filter(function (r) { return r.status === "pending"; });
      var chain = Promise.resolve();
      var stop = false;
      pending.forEach(function (r) {
        chain = chain.then(function () {
          if (stop) return;
          return send(r).then(function (resp) {
            if (resp.ok) return remove(r.client_id);
            return resp.json().catch(function () { return {}; }).then(function (data) {
              if (refused(resp, data)) return reject(r, resp, data);
              stop = true; // signed out or a server fault: try again later, in order
            });
          }, function () { stop = true; });
        });
      });
      return chain;
    }).then(changed, changed).finally(function () { flushing = null; });
    return flushing;
  }

  function enqueue(kind, url, body, label, editUrl) {
    body.client_id = body.client_id || uuid();
    var handler = Outbox.forms[kind] || {};
    var record = { client_id: body.client_id, kind: kind, url: url, body: body, label: label || "", user: me(),
                   summary: handler.describe ? handler.describe(body) : "",
                   editUrl: editUrl || "", created: Date.now(), status: "pending", error: "" };
    return get(record.client_id).then(function (old) {
      if (old) record.created = old.created; // a corrected record keeps its place in line
      return put(record);
    }).then(function () { return record; });
  }

  function handlerOf(form) { return Outbox.forms[form.dataset.outboxKind] || {}; }

  function formFor(record) {
    var forms = doc.querySelectorAll('form[data-outbox-kind="' + record.kind + '"]');
    return Array.prototype.find.call(forms, function (f) { return f.dataset.outboxUrl === record.url; }) || null;
  }

  function restoreInto(form, record) {
    var handler = handlerOf(form);
    if (!handler.restore) return false;
    handler.restore(form, record.body, record.errors || []);
    // Sent again under the same client_id: the corrected record replaces the rejected one.
    form.dataset.outboxRestored = record.client_id;
    if (record.conflict) form.dataset.outboxRenew = "1"; else delete form.dataset.outboxRenew;
    status(form, record.error, "error");
    form.scrollIntoView();
    return true;
  }

  function edit(record) {
    var form = formFor(record);
    if (form && restoreInto(form, record)) return;
    try { global.sessionStorage.setItem("fk-edit", record.client_id); } catch (e) { /* private mode */ }
    global.location.href = record.editUrl || global.location.href;
  }

  function resumeEdit() {
    var id = null;
    try { id = global.sessionStorage.getItem("fk-edit"); global.sessionStorage.removeItem("fk-edit"); } catch (e) { return; }
    if (!id) return;
    get(id).then(function (record) {
      var form = record && formFor(record);
      if (form) restoreInto(form, record);
    });
  }

  function formBody(form) {
    var handler = handlerOf(form);
    if (handler.serialize) return handler.serialize(form);
    var body = {};
    new FormData(form).forEach(function (v, k) { if (k !== "csrfmiddlewaretoken") body[k] = v; });
    return body;
  }

  function status(form, text, tone) {
    var el = form.querySelector("[data-outbox-status]") || doc.querySelector("[data-outbox-status]");
    if (!el) return;
    el.textContent = text; el.className = "fk-message is-" + (tone || "info"); el.hidden = !text;
    delete el.dataset.queued;
  }

  function queuedStatus(form) {
    status(form, form.dataset.queuedText || "已保存在本机，联网后自动上传", "warning");
    var el = form.querySelector("[data-outbox-status]");
    if (el) el.dataset.queued = "1"; // gone once nothing waits any more
  }

  function clearErrors(form) {
    form.querySelectorAll(".fk-errors, .fk-form-errors").forEach(function (e) { e.remove(); });
    form.querySelectorAll(".has-error").forEach(function (e) { e.classList.remove("has-error"); });
  }

  /* The server's errors ([{field, msg}], as the API says them) where the page would put
   * them: under the field locate(field) finds, the rest above the form's fields. */
  function showErrors(form, errors, locate) {
    clearErrors(form);
    var general = [];
    (errors || []).forEach(function (e) {
      var target = e.field ? locate(String(e.field)) : null;
      var box = target && (target.closest(".fk-field") || target.closest("fieldset"));
      if (!box) { general.push(e.msg); return; }
      box.classList.add("has-error");
      var ul = box.querySelector(":scope > .fk-errors");
      if (!ul) { ul = doc.createElement("ul"); ul.className = "fk-errors"; ul.setAttribute("role", "alert"); box.appendChild(ul); }
      var li = doc.createElement("li"); li.textContent = e.msg; ul.appendChild(li);
    });
    if (!general.length) return;
    var div = doc.createElement("div");
    div.className = "fk-form-errors"; div.setAttribute("role", "alert");
    general.forEach(function (m) { var p = doc.createElement("p"); p.textContent = m; div.appendChild(p); });
    var anchor = form.querySelector("[data-outbox-status]");
    if (anchor) anchor.after(div); else form.prepend(div);
  }

  function clientIdInput(form) { return form.querySelector('input[name="client_id"]'); }

  function renewClientId(form) {
    // A page shown from the device's copy carries the client_id it was saved with: every
    // record made from it needs its own.
    var input = clientIdInput(form);
    if (input) input.value = uuid();
  }

  /* Without a network: handle the button on the device, or put the record in the outbox. */
  function local(form, action) {
    var handler = handlerOf(form);
    if (handler.local && handler.local(form, action)) return Promise.resolve(null);
    var problems = handler.check ? handler.check(form) : [];
    if (problems.length) { status(form, problems.join("；"), "error"); return Promise.resolve(null); }
    var body = formBody(form);
    var input = clientIdInput(form);
    body.client_id = form.dataset.outboxRestored || (input && input.value) || uuid();
    return enqueue(form.dataset.outboxKind || "record", form.dataset.outboxUrl, body,
                   form.dataset.outboxLabel, global.location.pathname).then(function (record) {
      delete form.dataset.outboxRestored;
      queuedStatus(form);
      if (handler.queued) handler.queued(form, record);
      renewClientId(form);
      if (global.navigator.onLine) flush();
      return record;
    });
  }

  /* A corrected record, sent as JSON under its first client_id (its time stays its own). */
  function sendRestored(form) {
    var handler = handlerOf(form);
    var problems = handler.check ? handler.check(form) : [];
    if (problems.length) { status(form, problems.join("；"), "error"); return Promise.resolve(); }
    var body = formBody(form);
    var first = form.dataset.outboxRestored;
    var renew = form.dataset.outboxRenew === "1";
    // After a 409 the rejected record leaves the outbox and this one goes under a new id.
    body.client_id = renew ? uuid() : first;
    return (renew ? remove(first) : Promise.resolve()).then(function () {
      return enqueue(form.dataset.outboxKind, form.dataset.outboxUrl, body, form.dataset.outboxLabel,
                     global.location.pathname);
    }).then(function (record) {
      delete form.dataset.outboxRenew;
      form.dataset.outboxRestored = record.client_id;
      if (!global.navigator.onLine) {
        delete form.dataset.outboxRestored;
        queuedStatus(form);
        if (handler.queued) handler.queued(form, record);
        renewClientId(form);
        return;
      }
      return send(record).then(function (resp) {
        return resp.json().catch(function () { return {}; }).then(function (data) {
          if (resp.ok) {
            delete form.dataset.outboxRestored;
            return remove(record.client_id).then(function () {
              if (handler.done) handler.done(form, data); else status(form, form.dataset.doneText || "已保存", "success");
            });
          }
          if (refused(resp, data)) {
            return reject(record, resp, data).then(function () {
              if (handler.restore) handler.restore(form, body, record.errors);
              status(form, record.error, "error");
            });
          }
          queuedStatus(form);
        });
      }, function () { queuedStatus(form); });
    });
  }

  function onSubmit(event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.outboxUrl) return;
    var submitter = event.submitter;
    var action = submitter && submitter.name === "action" ? submitter.value : "";
    if (form.dataset.outboxRestored) {
      // A corrected record stays on the device until it is sent: buttons work here.
      event.preventDefault();
      var handler = handlerOf(form);
      if (!(handler.local && handler.local(form, action))) sendRestored(form);
    } else if (!global.navigator.onLine) {
      event.preventDefault();
      local(form, action);
    }
    // Online: the form is posted as always (the service worker catches a failed post).
  }

  function fill(form, entries) {
    var handler = handlerOf(form);
    if (!(handler.fill && handler.fill(form, entries, fillFields))) fillFields(form, entries);
  }

  function fillFields(form, entries) {
    var names = {};
    entries.forEach(function (e) { names[e[0]] = true; });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name && names[el.name] && (el.type === "checkbox" || el.type === "radio")) el.checked = false;
    });
    entries.forEach(function (e) {
      Array.prototype.forEach.call(form.elements, function (el) {
        if (el.name !== e[0] || el.type === "submit" || el.type === "button") return;
        if (el.type === "checkbox" || el.type === "radio") { if (el.value === e[1]) el.checked = true; }
        else el.value = e[1];
      });
    });
  }

  /* Forms the service worker put aside when their post failed: into the outbox now. */
  function adoptStashed() {
    if (!global.caches) return Promise.resolve();
    var form = doc.querySelector("form[data-outbox-url]");
    if (!form) return Promise.resolve();
    return global.caches.open(STASH).then(function (cache) {
      return cache.keys().then(function (keys) {
        var chain = Promise.resolve();
        keys.forEach(function (key) {
          chain = chain.then(function () {
            return cache.match(key).then(function (r) { return r.json(); }).then(function (saved) {
              if (saved.path !== global.location.pathname) return;
              return cache.delete(key).then(function () {
                fill(form, saved.entries);
                var action = (saved.entries.find(function (e) { return e[0] === "action"; }) || [])[1] || "";
                return local(form, action);
              });
            });
          });
        });
        return chain;
      });
    });
  }

  function clearAll(keepOutbox) {
    var jobs = [];
    if (global.caches) jobs.push(global.caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) { return !(keepOutbox && k === STASH); })
                             .map(function (k) { return global.caches.delete(k); }));
    }));
    if (!keepOutbox) jobs.push(new Promise(function (resolve) {
      var req = global.indexedDB.deleteDatabase(DB);
      req.onsuccess = req.onerror = req.onblocked = function () { resolve(); };
    }));
    try { global.localStorage.removeItem("fk-offline-fresh"); } catch (e) { /* private mode */ }
    return Promise.all(jobs);
  }

  /* The device's copy is as old as the newest page the server rendered for it. Past
   * FANGKONG_OFFLINE_HOURS it is dropped; records still waiting to be sent are not (they
   * are the officer's work, and leave the device once sent or at sign-out). */
  function expireOldCopy() {
    var hoursMeta = doc.querySelector('meta[name="fk-offline-hours"]');
    var renderedMeta = doc.querySelector('meta[name="fk-rendered"]');
    var hours = hoursMeta ? Number(hoursMeta.content) : 24;
    var rendered = renderedMeta ? Number(renderedMeta.content) * 1000 : Date.now();
    var fresh = 0;
    try {
      global.localStorage.removeItem("fk-offline-since"); // the old key
      fresh = Math.max(Number(global.localStorage.getItem("fk-offline-fresh") || 0), rendered);
      global.localStorage.setItem("fk-offline-fresh", String(fresh));
    } catch (e) { return Promise.resolve(); }
    if (Date.now() - fresh > hours * 3600 * 1000) return clearAll(true);
    return Promise.resolve();
  }

  function keepThisPage(wasControlled) {
    // Opened before the service worker controlled it: the page, and the reference data it
    // names (data-offline-keep), are kept now, as they would have been. Pages it names in
    // data-offline-prefetch (today's list: each person's visit form) are kept whenever it
    // is opened online, so they open later without a network.
    if (!("serviceWorker" in global.navigator)) return;
    var urls = [];
    doc.querySelectorAll("[data-offline-prefetch]").forEach(function (el) {
      urls = urls.concat(el.dataset.offlinePrefetch.split(/\s+/).filter(Boolean));
    });
    if (!wasControlled) {
      urls.push(global.location.href);
      doc.querySelectorAll("[data-offline-keep]").forEach(function (el) {
        urls = urls.concat(el.dataset.offlineKeep.split(/\s+/).filter(Boolean));
      });
    }
    if (!urls.length) return;
    global.navigator.serviceWorker.ready.then(function (reg) {
      if (reg.active && global.navigator.onLine) reg.active.postMessage({ keep: urls });
    });
  }

  var Outbox = { forms: {}, enqueue: enqueue, flush: flush, list: list, clearAll: clearAll,
                 onChange: function (fn) { listeners.push(fn); }, uuid: uuid, status: status,
                 showErrors: showErrors, clearErrors: clearErrors, discard: discard, localTime: localTime };
  global.FangkongOutbox = Outbox;

  doc.addEventListener("submit", onSubmit);
  doc.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.matches(".fk-logout") || form.dataset.cleared) return;
    // Sign-out takes the device's copy of personal data with it; records not yet sent are
    // tried once more, and the officer is asked before any is deleted.
    event.preventDefault();
    (global.navigator.onLine ? flush() : Promise.resolve()).then(listAll, listAll).then(function (records) {
      var unsent = (records || []).length;
      if (unsent && !global.confirm((form.dataset.confirmUnsent || "%(n)s").replace("%(n)s", String(unsent)))) return;
      return clearAll(false).then(function () { form.dataset.cleared = "1"; form.submit(); });
    });
  });
  global.addEventListener("online", flush);
  doc.addEventListener("DOMContentLoaded", function () {
    if (!doc.body.dataset.signedIn) return;
    var controlled = "serviceWorker" in global.navigator && !!global.navigator.serviceWorker.controller;
    doc.querySelectorAll("form[data-outbox-url]").forEach(renewClientId);
    expireOldCopy().then(function () {
      if ("serviceWorker" in global.navigator) {
        global.navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () { keepThisPage(controlled); });
      }
      return adoptStashed();
    }).then(function () {
      resumeEdit();
      changed();
      if (global.navigator.onLine) flush();
    });
    global.setInterval(function () { if (global.navigator.onLine) flush(); }, 30000);
  });
})(window);
