/* The register page's camera scanner: the traveller's receipt QR and the QR on a returnee's
 * release notice, read without a network.
 *
 * A tap on 扫码 opens the rear camera; it stays open, car after car, until 关闭. Each frame is
 * read by the browser's BarcodeDetector where there is one, else by the vendored jsQR
 * (static/vendor/jsqr). Whatever the camera reads goes to one function:
 *
 *   FangkongScan.decoded(text)
 *
 * — the seam the browser test uses to stand in for the camera (tests/browser/
 * test_field_speed.py). It understands the texts of core/scancodes.py: "FK1:<base64url JSON>"
 * alone (release notice) or as the fragment of a link to this page (receipt, whose ?code=
 * names the 登记码). A link or bare code without that fragment opens the page for the code
 * (the server fetches the submission: needs the network). Travellers are added to the car on
 * the page (FangkongRegister.addTravellers) and the page stays as it is: the next scan adds
 * the next traveller.
 *
 * A release notice's code carries the name and the masked ID number, never the full number
 * (the paper is photographed at checkpoints): the name is filled in, the masked number shown
 * beside the ID field, and the officer types the number off the ID card. When online the
 * page asks the server whether it printed the code (checkpoint_scan_check: the code's seal)
 * and says so; a forged or altered code is said to be one, in red.
 */
(function (global) {
  "use strict";
  var doc = global.document;
  var PREFIX = "FK1:";
  var lastText = "", lastAt = 0;

  function fromBase64Url(s) {
    var b64 = s.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) b64 += "=";
    var bin = global.atob(b64);
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return new TextDecoder("utf-8").decode(bytes);
  }

  /* {kind, code, plate, vehicleType, direction, occupants: [{name, id_number, …}], released}
   * or {code} for a code alone, or null. */
  function understand(text) {
    text = String(text || "").trim();
    var at = text.indexOf(PREFIX);
    var codeMatch = /[?&]code=([A-Za-z0-9]{4,8})/.exec(text);
    if (at >= 0) {
      var data;
      try { data = JSON.parse(fromBase64Url(text.slice(at + PREFIX.length))); } catch (e) { return null; }
      if (!data || typeof data !== "object") return null;
      return {
        kind: data.k || "", code: data.c || (codeMatch ? codeMatch[1] : ""),
        plate: data.p || "", vehicleType: data.v || "", direction: data.d || "", released: data.r || "",
        occupants: (data.o || []).map(function (o) {
          // A release notice carries the masked ID number only ("m"): the officer types the
          // card's. A full number in a code that calls itself a notice is not taken.
          return { name: o.n || "", id_number: data.k === "release" ? "" : o.i || "",
                   masked: o.m || "", phone: o.t || "", origin: o.f || "",
                   destination: o.to || "", travel_history: o.h || [], symptoms: o.s || [] };
        }),
      };
    }
    if (codeMatch) return { code: codeMatch[1].toUpperCase() };
    if (/^[A-Za-z0-9]{6}$/.test(text)) return { code: text.toUpperCase() };
    return null;
  }

  function say(text, tone) {
    var box = doc.querySelector("[data-scan-status]");
    if (!box) return;
    box.textContent = text; box.className = "fk-message is-" + (tone || "info"); box.hidden = !text;
  }

  function decoded(text) {
    // The camera sees the same code many times a second: once is enough.
    var now = Date.now();
    if (text === lastText && now - lastAt < 3000) return false;
    lastText = text; lastAt = now;
    var panel = doc.querySelector("[data-scanner]");
    var found = understand(text);
    if (!found) { say(panel ? panel.dataset.textUnknown : "", "error"); return false; }
    if (!found.occupants) {
      // A code without its travellers: the server holds them.
      var url = new URL(global.location.href);
      url.search = "?code=" + encodeURIComponent(found.code); url.hash = "";
      global.location.href = url.href;
      return true;
    }
    var added = global.FangkongRegister ? global.FangkongRegister.addTravellers(found) : 0;
    if (panel && added && found.kind === "release") released(panel, text, found);
    else if (panel && added) say(panel.dataset.textAdded.replace("%(n)s", String(added)), "success");
    return added > 0;
  }

  /* A release notice: what it prints, and that the officer checks the ID card; online, the
   * server says whether it printed the code (its seal); offline, that nobody checked it. */
  function released(panel, text, found) {
    var o = found.occupants[0] || {};
    var head = panel.dataset.textRelease.replace("%(name)s", o.name || "").replace("%(id)s", o.masked || "—");
    var url = panel.dataset.checkUrl;
    if (!url || global.navigator.onLine === false) {
      say(head + " " + panel.dataset.textUnchecked, "warning");
      return;
    }
    say(head, "warning");
    var token = doc.querySelector('[name="csrfmiddlewaretoken"]');
    var body = new URLSearchParams({ code: text });
    global.fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": token ? token.value : "" },
    }).then(function (r) { return r.ok ? r.json() : null; }).then(function (answer) {
      if (!answer) say(head + " " + panel.dataset.textUnchecked, "warning");
      else if (answer.genuine) say(head + " " + panel.dataset.textGenuine, "warning");
      else say(panel.dataset.textForged + " " + head, "error");
    }, function () { say(head + " " + panel.dataset.textUnchecked, "warning"); });
  }

  // ------------------------------------------------------------ the camera

  var stream = null, timer = null, detector = null, canvas = null;

  function readFrame(video) {
    if (!stream || video.readyState < 2) return Promise.resolve(null);
    if (detector) {
      return detector.detect(video).then(function (codes) { return codes.length ? codes[0].rawValue : null; }, function () { return null; });
    }
    if (!global.jsQR) return Promise.resolve(null);
    canvas = canvas || doc.createElement("canvas");
    var w = video.videoWidth, h = video.videoHeight;
    if (!w || !h) return Promise.resolve(null);
    var scale = Math.min(1, 800 / Math.max(w, h));
    canvas.width = Math.round(w * scale); canvas.height = Math.round(h * scale);
    var ctx = canvas.getContext("2d", { willReadFrequently: true });
    ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
    var img = ctx.getImageData(0, 0, canvas.width, canvas.height);
    var code = global.jsQR(img.data, img.width, img.height, { inversionAttempts: "dontInvert" });
    return Promise.resolve(code ? code.data : null);
  }

  function loop(video) {
    readFrame(video).then(function (text) {
      if (text) decoded(text);
      if (stream) timer = global.setTimeout(function () { loop(video); }, 200);
    });
  }

  function start(panel) {
    var video = panel.querySelector("video");
    if (!global.navigator.mediaDevices || !global.navigator.mediaDevices.getUserMedia) {
      say(panel.dataset.textNoCamera, "error");
      return;
    }
    if ("BarcodeDetector" in global) {
      try { detector = new global.BarcodeDetector({ formats: ["qr_code"] }); } catch (e) { detector = null; }
    }
    global.navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(function (s) {
      stream = s;
      video.srcObject = s;
      video.hidden = false;
      panel.classList.add("is-on");
      return video.play();
    }).then(function () { loop(video); }, function () { say(panel.dataset.textNoCamera, "error"); stop(panel); });
  }

  function stop(panel) {
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null;
    if (timer) global.clearTimeout(timer);
    var video = panel.querySelector("video");
    video.hidden = true; video.srcObject = null;
    panel.classList.remove("is-on");
  }

  doc.addEventListener("DOMContentLoaded", function () {
    var panel = doc.querySelector("[data-scanner]");
    if (!panel) return;
    panel.hidden = false; // without this script the page offers the code field only
    panel.querySelector("[data-scan-start]").addEventListener("click", function () {
      if (stream) stop(panel); else start(panel);
    });
  });

  global.FangkongScan = { decoded: decoded, understand: understand };
})(window);
