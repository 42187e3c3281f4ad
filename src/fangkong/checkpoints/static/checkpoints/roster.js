/* The shift editor's officer picker: find by name, badge, pinyin or unit; count who is
   chosen; warn at once when the shift has no 民警 or no party group (the server says the
   same on save: checkpoints/selectors.py shift_warnings). */
(function () {
  "use strict";
  const form = document.querySelector(".ck-shift-form");
  if (!form) return;
  const search = form.querySelector(".ck-search");
  const rows = Array.from(form.querySelectorAll(".ck-officer"));
  const units = Array.from(form.querySelectorAll(".ck-unit"));
  const none = form.querySelector(".ck-none");
  const count = form.querySelector(".ck-chosen");
  const box = form.querySelector(".ck-warnings");
  const partyLeader = form.querySelector("select[name=party_leader]");

  function filter() {
    const terms = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    rows.forEach((row) => {
      const hay = row.dataset.search.toLowerCase();
      const hit = terms.every((t) => hay.includes(t)) || row.querySelector("input").checked;
      row.hidden = !hit;
      if (hit) shown += 1;
    });
    units.forEach((u) => { u.hidden = !u.querySelector(".ck-officer:not([hidden])"); });
    none.hidden = shown > 0;
  }

  function warn() {
    const chosen = rows.filter((r) => r.querySelector("input").checked);
    count.textContent = String(chosen.length);
    const out = [];
    if (chosen.length) {
      if (!chosen.some((r) => r.dataset.kind === "police")) out.push(box.dataset.noPolice);
      if (!chosen.some((r) => r.dataset.party)) out.push(box.dataset.noParty);
      else if (partyLeader && !partyLeader.value) out.push(box.dataset.noPartyLeader);
    }
    box.replaceChildren(...out.map((text) => {
      const p = document.createElement("p");
      p.className = "fk-message is-warning";
      p.textContent = text;
      return p;
    }));
  }

  search.addEventListener("input", filter);
  form.addEventListener("change", warn);
  search.addEventListener("keydown", (e) => { if (e.key === "Enter") e.preventDefault(); });
})();
