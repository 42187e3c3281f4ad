/* fangkong offline: the service worker, the outbox of writes made without a network, and
 * clearing the device's copy of personal data at sign-out or when it grows old.
 *
 * A form opts in with data-outbox-url="/api/v1/…" (and data-outbox-kind="passage", …); its
 * submission is sent as JSON with a client_id. Without a network it waits in IndexedDB,
 * shown as 待同步, and is sent — oldest first — as soon as the network returns. A record the
 * server rejects (422) is kept, marked, and offered back to the officer to correct; nothing
 * is dropped silently. Pages may register FangkongOutbox.forms[kind] = {serialize(form),
 * restore(form, body, errors), done(form, response)} for their own JSON shapes.
 */
(function (global) {
  "use strict";
  var DB = "fangkong", STORE = "outbox";
  var doc = global.document;
  var listeners = [];

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
        t.oncomplete = function () { db.close(); resolve(result && result.result !== undefined ? result.result : result); };
        t.onerror = function () { db.close(); reject(t.error); };
      });
    });
  }

  function list() {
    return tx("readonly", function (s) { return s.index("created").getAll(); });
  }

  function put(record) { return tx("readwrite", function (s) { return s.put(record); }).then(changed); }
  function remove(id) { return tx("readwrite", function (s) { return s.delete(id); }).then(changed); }

  function changed() {
    return list().then(function (records) {
      var pending = records.filter(function (r) { return r.status === "pending"; }).length;
      var rejected = records.filter(function (r) { return r.status === "rejected"; });
      doc.querySelectorAll("[data-outbox-count]").forEach(function (el) { el.textContent = String(pending); });
      doc.querySelectorAll("[data-outbox-badge]").forEach(function (el) { el.hidden = pending === 0; });
      doc.querySelectorAll("[data-outbox-rejected]").forEach(function (box) {
        box.hidden = rejected.length === 0;
        var ul = box.querySelector("ul");
        if (!ul) return;
        ul.textContent = "";
        rejected.forEach(function (r) {
          var li = doc.createElement("li");
          li.textContent = (r.label || r.kind) + "：" + r.error + " ";
          var btn = doc.createElement("button");
          btn.type = "button"; btn.className = "fk-btn fk-btn-sm";
          btn.textContent = box.dataset.editLabel || "修改";
          btn.addEventListener("click", function () { edit(r); });
          li.appendChild(btn);
          ul.appendChild(li);
        });
      });
      listeners.forEach(function (fn) { fn(records); });
      return records;
    });
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
            if (resp.status === 422 || resp.status === 400 || resp.status === 404 || resp.status === 409) {
              return resp.json().catch(function () { return {}; }).then(function (data) {
                r.status = "rejected"; r.error = errorsOf(data.detail) || resp.statusText; r.errors = data.detail;
                return put(r);
              });
            }
            stop = true; // signed out, forbidden or a server fault: try again later, in order
          }, function () { stop = true; });
        });
      });
      return chain;
    }).then(changed, changed).finally(function () { flushing = null; });
    return flushing;
  }

  function enqueue(kind, url, body, label) {
    body.client_id = body.client_id || uuid();
    var record = { client_id: body.client_id, kind: kind, url: url, body: body, label: label || "",
                   created: Date.now(), status: "pending", error: "" };
    return put(record).then(function () { return record; });
  }

  function edit(record) {
    var form = doc.querySelector('form[data-outbox-kind="' + record.kind + '"]');
    var handler = Outbox.forms[record.kind];
    if (form && handler && handler.restore) {
      handler.restore(form, record.body, record.errors || []);
      remove(record.client_id);
      form.scrollIntoView();
    } else {
      global.location.href = record.editUrl || global.location.href;
    }
  }

  function formBody(form) {
    var handler = Outbox.forms[form.dataset.outboxKind];
    if (handler && handler.serialize) return handler.serialize(form);
    var body = {};
    new FormData(form).forEach(function (v, k) { if (k !== "csrfmiddlewaretoken") body[k] = v; });
    return body;
  }

  function status(form, text, tone) {
    var el = form.querySelector("[data-outbox-status]") || doc.querySelector("[data-outbox-status]");
    if (el) { el.textContent = text; el.className = "fk-message is-" + (tone || "info"); el.hidden = !text; }
  }

  function onSubmit(event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.outboxUrl) return;
    event.preventDefault();
    var kind = form.dataset.outboxKind || "record";
    var handler = Outbox.forms[kind] || {};
    var body = formBody(form);
    enqueue(kind, form.dataset.outboxUrl, body, form.dataset.outboxLabel).then(function (record) {
      if (!global.navigator.onLine) {
        status(form, form.dataset.queuedText || "已保存在本机，联网后自动上传", "warning");
        if (handler.queued) handler.queued(form, record);
        return changed();
      }
      return send(record).then(function (resp) {
        return resp.json().catch(function () { return {}; }).then(function (data) {
          if (resp.ok) {
            return remove(record.client_id).then(function () {
              if (handler.done) handler.done(form, data); else status(form, form.dataset.doneText || "已保存", "success");
            });
          }
          if (resp.status === 422 || resp.status === 400) {
            return remove(record.client_id).then(function () {
              if (handler.restore) handler.restore(form, body, data.detail || []);
              status(form, errorsOf(data.detail), "error");
            });
          }
          status(form, form.dataset.queuedText || "已保存在本机，联网后自动上传", "warning");
          return changed();
        });
      }, function () {
        status(form, form.dataset.queuedText || "已保存在本机，联网后自动上传", "warning");
        return changed();
      });
    });
  }

  function clearAll() {
    var jobs = [];
    if (global.caches) jobs.push(global.caches.keys().then(function (keys) {
      return Promise.all(keys.map(function (k) { return global.caches.delete(k); }));
    }));
    jobs.push(new Promise(function (resolve) {
      var req = global.indexedDB.deleteDatabase(DB);
      req.onsuccess = req.onerror = req.onblocked = function () { resolve(); };
    }));
    try { global.localStorage.removeItem("fk-offline-since"); } catch (e) { /* private mode */ }
    return Promise.all(jobs);
  }

  function expireOldCopy() {
    var meta = doc.querySelector('meta[name="fk-offline-hours"]');
    var hours = meta ? Number(meta.content) : 24;
    var since = Number(global.localStorage.getItem("fk-offline-since") || 0);
    if (since && Date.now() - since > hours * 3600 * 1000) {
      return clearAll().then(function () { global.localStorage.setItem("fk-offline-since", String(Date.now())); });
    }
    if (!since) global.localStorage.setItem("fk-offline-since", String(Date.now()));
    return Promise.resolve();
  }

  var Outbox = { forms: {}, enqueue: enqueue, flush: flush, list: list, clearAll: clearAll,
                 onChange: function (fn) { listeners.push(fn); }, uuid: uuid };
  global.FangkongOutbox = Outbox;

  doc.addEventListener("submit", onSubmit);
  doc.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.matches(".fk-logout") && !form.dataset.cleared) {
      // Sign-out takes the device's copy of personal data with it.
      event.preventDefault();
      clearAll().then(function () { form.dataset.cleared = "1"; form.submit(); });
    }
  });
  global.addEventListener("online", flush);
  doc.addEventListener("DOMContentLoaded", function () {
    if (!doc.body.dataset.signedIn) return;
    expireOldCopy().then(function () {
      if ("serviceWorker" in global.navigator) global.navigator.serviceWorker.register("/sw.js", { scope: "/" });
      changed();
      if (global.navigator.onLine) flush();
    });
    global.setInterval(function () { if (global.navigator.onLine) flush(); }, 30000);
  });
})(window);
