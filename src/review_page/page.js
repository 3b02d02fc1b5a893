"use strict";
// The despin review page. Everything in the data is untrusted text from scraped documents:
// it only ever reaches the page through textContent, dataset values and CSS attr().
(function () {
  const D = JSON.parse(document.getElementById("despin-data").textContent);
  const F = D.findings;
  const N = F.length;
  const STORE = "despin-review:" + D.key;
  const THEME_STORE = "despin-review-theme";
  const $ = (id) => document.getElementById(id);
  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const COL = (name) => D.columns.indexOf(name);
  const COL_DECISION = COL("decision");
  const COL_SUGGESTION = COL("suggestion");

  // ---- decisions: "" (undecided), "accept" or "reject"; edits: replacement text or null.
  const dec = new Array(N);
  const edit = new Array(N).fill(null);
  for (let i = 0; i < N; i++) dec[i] = F[i].decision || "";
  const undo = [];
  try {
    const saved = JSON.parse(localStorage.getItem(STORE) || "null");
    if (saved && saved.v === 1 && saved.n === N) {
      for (const k of Object.keys(saved.d)) {
        const i = Number(k);
        const [d, e] = saved.d[k];
        if (i >= 0 && i < N && (d === "" || d === "accept" || d === "reject")) {
          dec[i] = d;
          edit[i] = typeof e === "string" ? e : null;
        }
      }
    }
  } catch (_) { /* unreadable storage: start from the report's decisions */ }
  function save() {
    const d = {};
    for (let i = 0; i < N; i++) {
      if (dec[i] !== (F[i].decision || "") || edit[i] !== null) d[i] = [dec[i], edit[i]];
    }
    try { localStorage.setItem(STORE, JSON.stringify({ v: 1, n: N, d })); } catch (_) {
      $("progress-text").textContent += " (cannot save in this browser: export before closing)";
    }
  }

  // ---- confidence levels: colour, underline style and text say the same thing.
  const level = (c) => (c >= 0.8 ? "high" : c >= 0.5 ? "medium" : "low");
  const pct = (c) => Math.round(c * 100) + "%";
  const dictName = (s) => { const k = s.lastIndexOf(":"); return k < 0 ? s : s.slice(0, k); };
  const replacement = (i) => (edit[i] !== null ? edit[i] : F[i].suggestion);

  // ---- filters
  const filt = { conf: "", dict: "", kind: "", dec: "" };
  function visible(i) {
    const f = F[i];
    if (filt.conf && level(f.confidence) !== filt.conf) return false;
    if (filt.dict && dictName(f.dictionary) !== filt.dict) return false;
    if (filt.kind && f.kind !== filt.kind) return false;
    if (filt.dec) {
      const d = dec[i];
      if (filt.dec === "undecided" ? d !== "" :
          filt.dec === "edited" ? !(d === "accept" && edit[i] !== null) : d !== filt.dec) return false;
    }
    return true;
  }
  function fillSelect(id, values) {
    const s = $(id);
    for (const v of [...new Set(values)].sort()) {
      const o = el("option", "", v);
      o.value = v;
      s.appendChild(o);
    }
  }
  fillSelect("f-dict", F.map((f) => dictName(f.dictionary)));
  fillSelect("f-kind", F.map((f) => f.kind));

  // ---- order: files by spin score (unknown last), then findings; then path.
  const order = D.docs.map((_, d) => d);
  order.sort((a, b) => {
    const sa = D.docs[a].score, sb = D.docs[b].score;
    if (sa !== sb) return (sb === null ? -1 : sb) - (sa === null ? -1 : sa);
    const na = D.docs[a].findings.length, nb = D.docs[b].findings.length;
    if (na !== nb) return nb - na;
    return D.docs[a].path < D.docs[b].path ? -1 : D.docs[a].path > D.docs[b].path ? 1 : 0;
  });
  const seq = [];
  for (const d of order) for (const i of D.docs[d].findings) seq.push(i);
  const pos = new Int32Array(N);
  seq.forEach((i, p) => { pos[i] = p; });

  let cur = -1;       // current finding
  let curDoc = -1;    // document shown
  const markOf = new Map();   // finding -> <mark> of the document shown
  const itemOf = new Map();   // finding -> list button of the document shown
  const fileBtn = new Array(D.docs.length);

  // ---- file list
  function fileMeta(d) {
    let total = 0, decided = 0;
    for (const i of D.docs[d].findings) {
      if (!visible(i)) continue;
      total++;
      if (dec[i]) decided++;
    }
    return { total, decided };
  }
  function updateFile(d) {
    const b = fileBtn[d];
    const { total, decided } = fileMeta(d);
    const s = D.docs[d].score;
    b.querySelector(".meta").textContent =
      (s === null ? "spin score unknown" : "spin " + s.toFixed(2)) +
      " \u00b7 " + decided + "/" + total + " decided";
    b.parentNode.hidden = total === 0;
    b.parentNode.classList.toggle("done", total > 0 && decided === total);
  }
  function buildFiles() {
    const frag = document.createDocumentFragment();
    for (const d of order) {
      const li = el("li");
      const b = el("button");
      b.type = "button";
      b.dataset.d = d;
      b.appendChild(el("span", "path", D.docs[d].path));
      b.appendChild(el("span", "meta"));
      li.appendChild(b);
      fileBtn[d] = b;
      frag.appendChild(li);
    }
    $("file-list").appendChild(frag);
    order.forEach(updateFile);
  }

  // ---- the document: text nodes between <mark>s, built only for the document shown.
  function markLabel(i) {
    const lv = level(F[i].confidence);
    let s = lv + " " + pct(F[i].confidence);
    if (dec[i] === "accept") s += " \u2192 " + replacement(i);
    else if (dec[i] === "reject") s += " \u2717 kept";
    return s;
  }
  function decorate(i) {
    const m = markOf.get(i);
    if (m) {
      m.className = "c-" + level(F[i].confidence) + (dec[i] ? " " + dec[i] : "") +
        (visible(i) ? "" : " dim") + (i === cur ? " current" : "");
      m.dataset.label = markLabel(i);
    }
    const b = itemOf.get(i);
    if (b) {
      b.dataset.dec = dec[i];
      b.querySelector(".sugg").textContent = replacement(i);
      b.parentNode.hidden = !visible(i);
      if (i === cur) b.setAttribute("aria-current", "true"); else b.removeAttribute("aria-current");
    }
  }
  function showDoc(d) {
    if (d === curDoc) return;
    curDoc = d;
    markOf.clear();
    itemOf.clear();
    const doc = D.docs[d];
    $("doc-title").textContent = doc.path;
    const { total } = fileMeta(d);
    $("doc-meta").textContent = (doc.score === null ? "" : "spin score " + doc.score.toFixed(2) + " \u00b7 ") +
      doc.findings.length + " findings" + (total !== doc.findings.length ? ", " + total + " shown" : "");
    const text = doc.text;
    const frag = document.createDocumentFragment();
    if (text === null) {
      frag.appendChild(el("p", "warn", "This file could not be read; its findings are listed on the right."));
    } else {
      let at = 0;
      for (const i of doc.findings) {
        const f = F[i];
        if (f.start === null || f.start < at) continue; // moved, or overlapping another finding
        if (f.start > at) frag.appendChild(document.createTextNode(text.slice(at, f.start)));
        const m = el("mark", "", text.slice(f.start, f.end));
        m.dataset.i = i;
        markOf.set(i, m);
        frag.appendChild(m);
        at = f.end;
      }
      frag.appendChild(document.createTextNode(text.slice(at)));
    }
    const box = $("doc-text");
    box.textContent = "";
    box.appendChild(frag);
    $("doc").scrollTop = 0;

    const list = document.createDocumentFragment();
    for (const i of doc.findings) {
      const f = F[i];
      const li = el("li");
      const b = el("button");
      b.type = "button";
      b.dataset.i = i;
      b.appendChild(el("span", "line", f.line + ":" + f.column + " "));
      b.appendChild(el("span", "spun", f.spun));
      b.appendChild(document.createTextNode(" \u2192 "));
      b.appendChild(el("span", "sugg"));
      b.appendChild(el("span", "conf", " (" + level(f.confidence) + " " + pct(f.confidence) + ") "));
      b.appendChild(el("span", "state"));
      li.appendChild(b);
      itemOf.set(i, b);
      list.appendChild(li);
    }
    const fl = $("finding-list");
    fl.textContent = "";
    fl.appendChild(list);
    for (const i of doc.findings) decorate(i);
    for (const b of fileBtn) if (b) b.removeAttribute("aria-current");
    fileBtn[d].setAttribute("aria-current", "true");
  }

  // ---- the current finding
  function showDetail() {
    const has = cur >= 0;
    $("d-empty").hidden = has;
    $("d-body").hidden = !has;
    if (!has) return;
    const f = F[cur];
    $("d-where").textContent = D.docs[f.doc].path + ":" + f.line + ":" + f.column +
      " \u00b7 finding " + (pos[cur] + 1) + " of " + N;
    $("d-spun").textContent = f.spun;
    $("d-sugg").textContent = replacement(cur);
    $("d-edited").hidden = edit[cur] === null;
    const alts = $("d-alts");
    alts.textContent = "";
    if (f.alternatives.length === 0) alts.textContent = "none";
    f.alternatives.forEach((a, k) => {
      const b = el("button", "", a);
      b.type = "button";
      b.dataset.alt = k;
      if (k < 9) b.appendChild(el("kbd", "", String(k + 1))).before(" ");
      alts.appendChild(b);
    });
    const conf = $("d-conf");
    conf.textContent = "";
    conf.appendChild(el("span", "badge c-" + level(f.confidence), level(f.confidence)));
    conf.appendChild(document.createTextNode(" " + f.confidence.toFixed(3)));
    $("d-kind").textContent = f.kind;
    $("d-dict").textContent = f.dictionary;
    const dd = $("d-dec");
    dd.className = dec[cur];
    dd.textContent = dec[cur] === "accept" ? (edit[cur] !== null ? "accepted (edited)" : "accepted") :
      dec[cur] === "reject" ? "rejected" : "undecided";
    $("d-stale").hidden = f.start !== null;
    $("d-context").textContent = f.context ? "\u2026" + f.context + "\u2026" : "";
  }
  function select(i, scroll) {
    const prev = cur;
    cur = i;
    if (i >= 0) showDoc(F[i].doc);
    if (prev >= 0) decorate(prev);
    if (i >= 0) {
      decorate(i);
      if (scroll !== false) {
        const m = markOf.get(i);
        if (m) m.scrollIntoView({ block: "center" });
        const b = itemOf.get(i);
        if (b) b.scrollIntoView({ block: "nearest" });
      }
    }
    closeEdit();
    showDetail();
  }
  function step(dir) {
    const start = cur >= 0 ? pos[cur] : dir > 0 ? -1 : seq.length;
    for (let p = start + dir; p >= 0 && p < seq.length; p += dir) {
      if (visible(seq[p])) { select(seq[p]); return true; }
    }
    return false;
  }
  function stepFile(dir) {
    const at = curDoc >= 0 ? order.indexOf(curDoc) : -1;
    for (let p = at + dir; p >= 0 && p < order.length; p += dir) {
      const first = D.docs[order[p]].findings.find(visible);
      if (first !== undefined) { select(first); return; }
    }
  }

  // ---- deciding
  function progress() {
    let decided = 0;
    for (let i = 0; i < N; i++) if (dec[i]) decided++;
    $("progress-bar").max = Math.max(N, 1);
    $("progress-bar").value = decided;
    $("progress-text").textContent = decided + " / " + N + " decided";
    let shown = 0;
    for (let i = 0; i < N; i++) if (visible(i)) shown++;
    $("shown").textContent = shown === N ? N + " findings" : shown + " of " + N + " findings shown";
  }
  function decide(i, d, e, advance) {
    if (i < 0) return;
    undo.push([i, dec[i], edit[i]]);
    dec[i] = d;
    edit[i] = e;
    changed(i);
    if (advance) step(1);
  }
  function changed(i) {
    save();
    decorate(i);
    updateFile(F[i].doc);
    progress();
    if (i === cur) showDetail();
  }
  function undoLast() {
    const u = undo.pop();
    if (!u) return;
    const [i, d, e] = u;
    dec[i] = d;
    edit[i] = e;
    select(i);
    changed(i);
  }

  // ---- editing
  function openEdit() {
    if (cur < 0) return;
    const form = $("edit-form");
    form.hidden = false;
    $("edit-error").hidden = true;
    const input = $("edit-input");
    input.value = replacement(cur);
    input.focus();
    input.select();
  }
  function closeEdit() {
    const form = $("edit-form");
    if (form.hidden) return;
    form.hidden = true;
    if (form.contains(document.activeElement)) $("b-edit").focus();
  }
  $("edit-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const v = $("edit-input").value;
    if (v.trim() === "") { $("edit-error").hidden = false; return; }
    const i = cur;
    closeEdit();
    decide(i, "accept", v === F[i].suggestion ? null : v, false);
    $("b-next").focus();
  });
  $("edit-cancel").addEventListener("click", closeEdit);

  // ---- export: the report contract, with only `decision` and `suggestion` replaced.
  function neutralise(s) {
    return s !== "-" && s.length > 0 && D.formula_starts.includes(s[0]) ? "'" + s : s;
  }
  function csvCell(s) {
    return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }
  function exportCsv() {
    const lines = [D.columns.map(csvCell).join(",")];
    for (let i = 0; i < N; i++) {
      const cells = F[i].cells.slice();
      cells[COL_DECISION] = neutralise(dec[i]);
      if (edit[i] !== null) cells[COL_SUGGESTION] = neutralise(edit[i]);
      lines.push(cells.map(csvCell).join(","));
    }
    return lines.join("\n") + "\n";
  }
  function download() {
    const csv = exportCsv();
    // A test hook: a harness may define this to receive the CSV instead of a download.
    if (typeof window.__despinExport === "function") window.__despinExport(csv);
    const url = URL.createObjectURL(new Blob([csv], { type: "text/csv;charset=utf-8" }));
    const a = el("a");
    a.href = url;
    a.download = "review-decisions.csv";
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  // ---- theme: auto (the system's), light or dark; remembered.
  const themes = ["auto", "light", "dark"];
  function setTheme(t) {
    if (t === "auto") document.documentElement.removeAttribute("data-theme");
    else document.documentElement.setAttribute("data-theme", t);
    $("theme").textContent = "Theme: " + t;
  }
  let theme = "auto";
  const hashTheme = /(?:^#|&)theme=(light|dark)/.exec(location.hash);
  try { theme = localStorage.getItem(THEME_STORE) || "auto"; } catch (_) { /* default */ }
  if (hashTheme) theme = hashTheme[1];
  if (!themes.includes(theme)) theme = "auto";
  setTheme(theme);
  $("theme").addEventListener("click", () => {
    theme = themes[(themes.indexOf(theme) + 1) % themes.length];
    setTheme(theme);
    try { localStorage.setItem(THEME_STORE, theme); } catch (_) { /* not remembered */ }
  });

  // ---- events, delegated: one listener per region, whatever the number of findings.
  $("file-list").addEventListener("click", (ev) => {
    const b = ev.target.closest("button[data-d]");
    if (!b) return;
    const first = D.docs[Number(b.dataset.d)].findings.find(visible);
    if (first !== undefined) select(first);
  });
  $("doc-text").addEventListener("click", (ev) => {
    const m = ev.target.closest("mark[data-i]");
    if (m) select(Number(m.dataset.i), false);
  });
  $("finding-list").addEventListener("click", (ev) => {
    const b = ev.target.closest("button[data-i]");
    if (b) select(Number(b.dataset.i));
  });
  $("d-alts").addEventListener("click", (ev) => {
    const b = ev.target.closest("button[data-alt]");
    if (b && cur >= 0) decide(cur, "accept", F[cur].alternatives[Number(b.dataset.alt)], false);
  });
  $("b-accept").addEventListener("click", () => decide(cur, "accept", edit[cur] ?? null, true));
  $("b-reject").addEventListener("click", () => decide(cur, "reject", null, true));
  $("b-clear").addEventListener("click", () => decide(cur, "", null, false));
  $("b-edit").addEventListener("click", openEdit);
  $("b-undo").addEventListener("click", undoLast);
  $("b-next").addEventListener("click", () => step(1));
  $("b-prev").addEventListener("click", () => step(-1));
  $("export").addEventListener("click", download);
  $("help-button").addEventListener("click", () => $("help").showModal());
  for (const [id, key] of [["f-conf", "conf"], ["f-dict", "dict"], ["f-kind", "kind"], ["f-dec", "dec"]]) {
    $(id).addEventListener("change", (ev) => {
      filt[key] = ev.target.value;
      order.forEach(updateFile);
      if (curDoc >= 0) for (const i of D.docs[curDoc].findings) decorate(i);
      progress();
      if (cur < 0 || !visible(cur)) { if (!step(1)) step(-1); }
      if (cur >= 0 && !visible(cur)) select(-1);
    });
  }
  document.addEventListener("keydown", (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const t = ev.target;
    if ($("help").open) return;
    if (t.closest && t.closest("#edit-form")) {
      if (ev.key === "Escape") { ev.preventDefault(); closeEdit(); }
      return;
    }
    if (t.tagName === "INPUT" || t.tagName === "SELECT" || t.tagName === "TEXTAREA") return;
    let done = true;
    switch (ev.key) {
      case "j": case "n": step(1); break;
      case "k": case "p": step(-1); break;
      case "J": stepFile(1); break;
      case "K": stepFile(-1); break;
      case "a": decide(cur, "accept", cur >= 0 ? edit[cur] : null, true); break;
      case "r": decide(cur, "reject", null, true); break;
      case "c": decide(cur, "", null, false); break;
      case "e": openEdit(); break;
      case "u": undoLast(); break;
      case "?": $("help").showModal(); break;
      default:
        if (/^[1-9]$/.test(ev.key) && cur >= 0 && F[cur].alternatives[Number(ev.key) - 1] !== undefined) {
          decide(cur, "accept", F[cur].alternatives[Number(ev.key) - 1], true);
        } else {
          done = false;
        }
    }
    if (done) ev.preventDefault();
  });

  buildFiles();
  progress();
  if (!step(1)) showDetail();
  // For benches/review_page.sh (which reads them with `chromium --dump-dom`): when the page
  // was ready, and with `#bench` in the URL, the cost of moving through findings.
  const root = document.documentElement;
  root.dataset.readyMs = performance.now().toFixed(1);
  if (/(?:^#|&)bench(?:&|$)/.test(location.hash)) {
    const t0 = performance.now();
    let k = 0;
    while (k < 1000 && step(1)) k++;
    void document.body.offsetHeight; // include the layout the steps caused
    root.dataset.benchSteps = k;
    root.dataset.benchStepMs = k ? ((performance.now() - t0) / k).toFixed(3) : "0";
  }
  window.__despinReady = true;
})();
