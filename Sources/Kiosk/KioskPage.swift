/// The kiosk page, made to be read from two metres at a packing bench: an HTML document, its
/// style sheet and its script, served as three files so that the page's Content-Security-Policy
/// allows only scripts and styles from the kiosk itself ('self'), nothing inline. The script
/// renders the JSON state from `/events` with `textContent` and `setAttribute`, never as markup.
/// Everything is in the binary: no internet, no CDN.
enum KioskPage {
    /// The page's policy: its own script, style sheet, images (label previews) and event
    /// stream; nothing inline, nothing from elsewhere, no frames, no forms, no <base>.
    static let contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    /// `/`: the document.
    static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>packstation</title>
<link rel="stylesheet" href="/kiosk.css">
<script src="/kiosk.js" defer></script>
</head>
<body>
<header>
  <span class="station" id="station">packstation</span>
  <span class="state" id="printer-state">printer: …</span>
  <span class="state" id="sync-state">sync: …</span>
  <span class="state" id="run-state" hidden></span>
  <span class="state" id="cache-state" hidden></span>
</header>
<div id="offline" role="alert"></div>
<div id="warning" role="alert"></div>
<main id="benches"></main>
</body>
</html>
"""#

    /// `/kiosk.css`: the style sheet.
    static let css = #"""
:root { --good:#1b8a3a; --bad:#c62828; --done:#1565c0; --info:#5d6b7a; --bg:#101418; --panel:#1b2229; --text:#f4f6f8; --muted:#9aa7b4; }
* { box-sizing: border-box; }
html, body { margin:0; height:100%; background:var(--bg); color:var(--text); font-family: "DejaVu Sans", "Noto Sans", Arial, sans-serif; }
header { display:flex; gap:1.5rem; align-items:center; padding:.6rem 1.2rem; background:#0a0d10; font-size:1.3rem; }
header .station { font-weight:bold; }
header .state { padding:.2rem .7rem; border-radius:.4rem; background:#26313b; }
header .state.bad { background:var(--bad); }
header .state.ok { background:#26313b; }
#offline { display:none; background:var(--bad); color:white; font-size:2rem; font-weight:bold; text-align:center; padding:.6rem; }
#offline.show { display:block; }
#warning { display:none; background:#e65100; color:white; font-size:1.4rem; font-weight:bold; text-align:center; padding:.4rem; }
#warning.show { display:block; }
#benches { display:grid; gap:1rem; padding:1rem; grid-auto-columns:1fr; grid-auto-flow:column; height:calc(100% - 3.5rem); }
.bench { background:var(--panel); border-radius:1rem; padding:1rem; display:flex; flex-direction:column; gap:.8rem; min-width:0; overflow:hidden; }
.bench h2 { margin:0; font-size:1.2rem; color:var(--muted); font-weight:normal; }
.order-id { font-size:3rem; font-weight:bold; letter-spacing:.05em; }
.order-id.none { color:var(--muted); font-size:2rem; }
.marks { display:flex; flex-wrap:wrap; gap:.5rem; }
.mark { font-size:1.4rem; font-weight:bold; padding:.2rem .8rem; border-radius:.4rem; }
.mark.priority { background:#e65100; }
.mark.high_value { background:#6a1b9a; }
.mark.gift_insert { background:#ad1457; }
.mark.note { background:#37474f; font-weight:normal; }
.mark.box { background:#1565c0; }
.mark.insert { background:#2e7d32; } .mark.supervisor { background:#b71c1c; } .mark.supervisor[data-approved=yes] { background:#2e7d32; }
.verdict { border-radius:.8rem; padding:1rem 1.2rem; min-height:7.5rem; }
.verdict .kind { font-size:3.2rem; font-weight:bold; text-transform:uppercase; line-height:1.1; }
.verdict .message { font-size:1.7rem; margin-top:.3rem; }
.verdict.good { background:var(--good); } .verdict.bad { background:var(--bad); } .verdict.done { background:var(--done); } .verdict.info { background:var(--info); }
.verdict.idle { background:#26313b; color:var(--muted); }
table.lines { width:100%; border-collapse:collapse; font-size:1.6rem; }
table.lines td { padding:.35rem .4rem; border-bottom:1px solid #2c3640; }
table.lines td.count { text-align:right; white-space:nowrap; font-weight:bold; font-variant-numeric: tabular-nums; }
table.lines tr.done td { color:#7fd48f; }
table.lines tr.short td { color:#ffb74d; }
table.lines .sku { color:var(--muted); font-size:1.1rem; display:block; }
.label { display:flex; gap:1rem; align-items:flex-start; font-size:1.4rem; margin-top:auto; }
.label img { max-height:14rem; max-width:45%; background:white; border-radius:.3rem; }
.label.failed, .label.waiting { color:#ffcdd2; font-weight:bold; }
.load { font-size:1.6rem; font-weight:bold; margin-top:.5rem; }
.next { font-size:1.4rem; color:var(--muted); margin-top:.6rem; }
.next .title { text-transform:uppercase; font-size:1.1rem; letter-spacing:.05em; }
.next .urgent { color:#ffb74d; font-weight:bold; }
"""#

    /// `/kiosk.js`: the script (sounds come from the Web Audio API, no files), after the page's
    /// words in each language (KioskWords).
    static let script = "\"use strict\";\n" + KioskWords.script + mainScript

    static let mainScript = #"""
const tones = { accepted:"good", order_opened:"good", quantity_set:"good", undone:"info", line_shorted:"info",
  override_accepted:"good", order_complete:"done", box_closed:"done", confirm_switch:"info", short_pending:"info", order_abandoned:"info",
  labels_reprinted:"done", label_voided:"done", supervisor_required:"info", signed_in:"good", signed_out:"info",
  approval_required:"info", approval_given:"good",
  load_started:"good", loaded:"good", already_loaded:"info", load_ended:"info" };
function tone(kind) { return tones[kind] || "bad"; }
let audio = null, lastSeq = {}, soundOn = true;
function beep(freqs, dur, type) {
  if (!soundOn) return;
  try {
    audio = audio || new (window.AudioContext || window.webkitAudioContext)();
    let t = audio.currentTime;
    for (const f of freqs) {
      const o = audio.createOscillator(), g = audio.createGain();
      o.type = type; o.frequency.value = f; o.connect(g); g.connect(audio.destination);
      g.gain.setValueAtTime(0.35, t); g.gain.exponentialRampToValueAtTime(0.001, t + dur);
      o.start(t); o.stop(t + dur); t += dur * 0.9;
    }
  } catch (e) {}
}
const sounds = { good: () => beep([1320], 0.09, "sine"), bad: () => beep([196, 147], 0.32, "square"),
  done: () => beep([784, 988, 1319], 0.16, "triangle"), info: () => beep([660], 0.06, "sine") };
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) { if (v !== null && v !== undefined) e.setAttribute(k, v); }
  for (const c of children) { if (c !== null && c !== undefined) e.append(c); }
  return e;
}
function since(iso) {
  if (!iso) return "";
  const d = new Date(iso); return W.since(d.toLocaleTimeString([], {hour:"2-digit", minute:"2-digit"}));
}
function render(s) {
  soundOn = s.sound !== "off";
  W = WORDS[s.language] || WORDS.en;
  document.documentElement.lang = WORDS[s.language] ? s.language : "en";
  document.getElementById("station").textContent = s.station || "packstation";
  const p = s.printer || {};
  const ps = document.getElementById("printer-state");
  ps.textContent = (p.name || W.printer) + ": " + (p.ready === false ? (p.advice && p.advice.length ? p.advice.join("; ") : W.notReady) : W.ready) + (p.queued ? " · " + W.labelsWaiting(p.queued) : "");
  ps.className = "state " + (p.ready === false ? "bad" : "ok");
  const y = s.sync || {};
  const ys = document.getElementById("sync-state");
  ys.textContent = !y.configured ? W.syncLocal : (y.online ? W.syncOnline : W.syncOffline) + (y.pending ? " · " + W.pending(y.pending) : "");
  ys.className = "state " + (y.configured && !y.online ? "bad" : "ok");
  const c = s.cache || {};
  const cs = document.getElementById("cache-state");
  cs.textContent = c.age_seconds === null || c.age_seconds === undefined ? (y.configured ? W.cacheNotFetched : "")
    : W.cache(c.orders || 0, age(c.age_seconds));
  cs.dataset.orders = c.orders || 0;
  cs.hidden = !cs.textContent;
  const off = document.getElementById("offline");
  off.className = y.configured && !y.online ? "show" : "";
  off.textContent = y.configured && !y.online ? W.offline(y.pending || 0, since(y.oldest_pending_at)) : "";
  off.dataset.pending = y.pending || 0;
  const r = s.run;
  const rs = document.getElementById("run-state");
  rs.hidden = !r;
  rs.textContent = r ? W.run(r.name, r.printed, r.total, r.state === "waiting") : "";
  rs.className = "state " + (r && r.state === "waiting" ? "bad" : "ok");
  rs.dataset.runState = r ? r.state : "";
  const warnings = s.warnings || [];
  const warn = document.getElementById("warning");
  warn.className = warnings.length ? "show" : "";
  warn.textContent = warnings.join(" · ");
  const main = document.getElementById("benches");
  main.replaceChildren(...(s.benches || []).map(renderBench));
}
function renderBench(b) {
  const box = el("section", { class: "bench", "data-bench": b.name });
  box.append(el("h2", null, b.name + (b.scanners && b.scanners.length ? " · " + b.scanners.join(", ") : "")));
  box.append(el("div", { class: "packer" }, b.packer ? W.signedIn(b.packer) : W.nobody));
  const o = b.order;
  box.append(el("div", { class: "order-id" + (o ? "" : " none"), "data-order": o ? o.id : "" }, o ? W.order(o.id) : b.load ? W.atTheDock : W.scanOrder));
  if (o) {
    const marks = el("div", { class: "marks" });
    if (o.priority && o.priority !== "standard") marks.append(el("span", { class: "mark priority" }, W.priority[o.priority] || o.priority.replace("_", " ").toUpperCase()));
    if (o.high_value) marks.append(el("span", { class: "mark high_value" }, W.highValue));
    if (o.gift) marks.append(el("span", { class: "mark gift_insert" }, W.gift + (o.gift_message ? ": “" + o.gift_message + "”" : "")));
    if (o.notes) marks.append(el("span", { class: "mark note" }, o.notes));
    const r = o.rules;   // the hub's rules (docs/rules.md): notices, inserts, a supervisor's approval
    if (r) {
      (r.notices || []).forEach(n => marks.append(el("span", { class: "mark note rule" }, n)));
      (r.inserts || []).forEach(n => marks.append(el("span", { class: "mark insert" }, W.insert + n)));
      if (r.supervisor) marks.append(el("span", { class: "mark supervisor", "data-approved": r.approved_by ? "yes" : "no" },
        (r.approved_by ? W.approvedBy + r.approved_by + ": " : W.supervisorNeeded) + r.supervisor));
    }
    if (o.box > 1) marks.append(el("span", { class: "mark box", "data-box": o.box }, W.box(o.box)));
    box.append(marks);
  }
  const v = b.verdict;
  const vt = v ? tone(v.kind) : "idle";
  const verdict = el("div", { class: "verdict " + vt, "data-kind": v ? v.kind : "", "data-seq": v ? v.seq : 0 },
    el("div", { class: "kind" }, v ? (W.kinds[v.kind] || v.kind.replace(/_/g, " ")) : W.idle),
    el("div", { class: "message" }, v ? v.message : W.waitingForScan));
  box.append(verdict);
  if (v && v.seq && lastSeq[b.name] !== undefined && v.seq !== lastSeq[b.name]) sounds[vt] && sounds[vt]();
  if (v) lastSeq[b.name] = v.seq; else lastSeq[b.name] = 0;
  if (o) {
    const table = el("table", { class: "lines" });
    for (const l of o.lines) {
      const state = l.packed + l.short >= l.expected ? (l.short ? "short" : "done") : "";
      table.append(el("tr", { class: state, "data-sku": l.sku, "data-packed": l.packed, "data-expected": l.expected },
        el("td", null, l.description, el("span", { class: "sku" }, l.sku)),
        el("td", { class: "count" }, l.packed + " / " + l.expected + (l.short ? W.short(l.short) : ""))));
    }
    box.append(table);
  }
  if (!o && b.next && b.next.length) {
    const next = el("div", { class: "next", "data-next": b.next.map(n => n.id).join(" ") }, el("div", { class: "title" }, W.nextUp));
    for (const n of b.next) {
      const urgent = n.priority && n.priority !== "standard";
      next.append(el("div", { class: "next-order" + (urgent ? " urgent" : ""), "data-order": n.id },
        W.order(n.id) + (urgent ? " · " + (W.priority[n.priority] || n.priority.replace("_", " ").toUpperCase()) : "") + (n.ship_by ? " · " + W.shipBy(n.ship_by) : "") +
        " · " + W.units(n.units)));
    }
    box.append(next);
  }
  const lb = b.label;
  if (lb) {
    const label = el("div", { class: "label " + lb.state, "data-label-state": lb.state, "data-label-order": lb.order_id });
    if (lb.preview) label.append(el("img", { src: lb.preview, alt: W.labelFor(lb.order_id) }));
    label.append(el("div", null, lb.message));
    box.append(label);
  }
  const ld = b.load;
  if (ld) box.append(el("div", { class: "load", "data-carrier": ld.carrier === null ? "" : ld.carrier, "data-loaded": ld.loaded, "data-expected": ld.expected,
    "data-missing": ld.missing, "data-age": ld.cache_age_seconds === null ? "" : ld.cache_age_seconds },
    ld.carrier === null ? W.chooseTrailer
      : W.load(ld.carrier, ld.loaded, ld.expected, ld.missing) + (ld.cache_age_seconds === null ? W.listNotFetched : W.listAge(age(ld.cache_age_seconds)))));
  if (b.reprints) box.append(el("div", { class: "reprints", "data-reprints": b.reprints }, W.reprints(b.reprints)));
  return box;
}
let source = null;
function connect() {
  source = new EventSource("/events");
  source.onmessage = (e) => { try { render(JSON.parse(e.data)); } catch (err) { console.error(err); } };
  source.onerror = () => { document.getElementById("sync-state").textContent = W.reconnecting; };
}
connect();
"""#
}
