/// The page's style sheet (`/hub.css`) and script (`/hub.js`), served from the binary: no CDN,
/// nothing inline, so the page's policy allows only 'self'.
enum PageAssets {
    /// `/hub.css`. `.c0`…`.c7` colour the chart's series (SVG `fill`) and their legend swatches.
    static let css = #"""
:root { --good:#1b7a34; --bad:#b3261e; --muted:#5f6b76; --line:#d5dbe1; }
* { box-sizing:border-box; }
body { font:14px system-ui, "DejaVu Sans", sans-serif; margin:0; color:#14191e; background:#f6f8fa; }
header { display:flex; gap:1.2em; align-items:center; padding:.6em 1.5em; background:#14191e; color:white; flex-wrap:wrap; }
header h1 { font-size:1.3em; margin:0; } header h1 a { color:white; text-decoration:none; }
#live-state { padding:.15em .7em; border-radius:.3em; background:#3a4550; font-size:.9em; }
#live-state.ok { background:var(--good); } #live-state.bad { background:var(--bad); }
#search { margin-left:auto; display:flex; gap:.4em; }
#search input { width:28em; max-width:60vw; padding:.35em .5em; font:inherit; border-radius:.3em; border:1px solid #8895a1; }
#search button { font:inherit; padding:.35em .9em; border-radius:.3em; border:0; background:#2f6fb3; color:white; cursor:pointer; }
main { padding:0 1.5em 2em; }
h2 { font-size:1.1em; margin:1.4em 0 .5em; }
table { border-collapse:collapse; margin-bottom:1em; background:white; }
td, th { border:1px solid var(--line); padding:.25em .6em; text-align:left; vertical-align:top; }
th { background:#eef1f4; font-weight:600; }
tr.total td, tr.total th { font-weight:bold; }
.online { color:var(--good); font-weight:600; } .offline { color:var(--bad); font-weight:600; }
.bad, td.old, .device.bad { color:var(--bad); font-weight:600; }
.note, .empty { color:var(--muted); }
.error { color:var(--bad); }
ul.states { display:flex; flex-wrap:wrap; gap:.6em; list-style:none; padding:0; margin:0; }
ul.states li { background:white; border:1px solid var(--line); border-radius:.4em; padding:.4em .9em; min-width:7em; }
ul.states li b { display:block; font-size:1.6em; }
ul.states li.state-exception b, ul.states li.state-on_hold b { color:var(--bad); }
.charts { display:flex; flex-wrap:wrap; gap:1.5em; }
figure { margin:0; background:white; border:1px solid var(--line); border-radius:.4em; padding:.6em; }
figcaption { font-weight:600; margin-bottom:.3em; }
svg.chart { width:760px; max-width:100%; height:auto; display:block; }
svg.chart .grid { stroke:#e3e7eb; stroke-width:1; }
svg.chart .axis { font-size:11px; fill:var(--muted); }
ul.legend { list-style:none; display:flex; flex-wrap:wrap; gap:.3em 1.2em; padding:0; margin:.4em 0 0; }
.swatch { display:inline-block; width:.9em; height:.9em; border-radius:.15em; margin-right:.35em; vertical-align:-.1em; }
.c0 { fill:#1565c0; background:#1565c0; } .c1 { fill:#ef6c00; background:#ef6c00; } .c2 { fill:#2e7d32; background:#2e7d32; }
.c3 { fill:#6a1b9a; background:#6a1b9a; } .c4 { fill:#00838f; background:#00838f; } .c5 { fill:#ad1457; background:#ad1457; }
.c6 { fill:#8d6e63; background:#8d6e63; } .c7 { fill:#9e9e9e; background:#9e9e9e; }
dl.facts { display:grid; grid-template-columns:max-content auto; gap:.2em 1em; }
dl.facts dt { color:var(--muted); } dl.facts dd { margin:0; }
#timeline tr.scan td:first-child { padding-left:1.6em; }
#timeline tr.hub { background:#eef5fc; }
#search-results, #history { background:#fff8e1; border:1px solid #f0d98a; border-radius:.4em; padding:.2em 1em .6em; margin-top:1em; }
"""#

    /// `/hub.js`: keeps `<section id="live">` up to date from `/events` (server-sent events).
    /// Each event is that section, rendered and escaped by the hub; it is parsed by DOMParser
    /// (whose document runs nothing) and swapped in. On a dropped stream the browser reconnects
    /// with Last-Event-ID; when the hub refused the stream (limit reached) it tries again later.
    static let script = #"""
"use strict";
(function () {
  const badge = document.getElementById("live-state");
  let source = null;
  function show(ok) {
    badge.textContent = ok ? badge.dataset.live : badge.dataset.reconnecting;
    badge.className = ok ? "ok" : "bad";
  }
  function connect() {
    source = new EventSource("/events");
    source.addEventListener("live", (e) => {
      const parsed = new DOMParser().parseFromString(e.data, "text/html").getElementById("live");
      const current = document.getElementById("live");
      if (parsed && current) current.replaceWith(document.importNode(parsed, true));
      document.body.dataset.eventId = e.lastEventId;
      document.body.dataset.updates = String(Number(document.body.dataset.updates || 0) + 1);
      show(true);
    });
    source.onerror = () => {
      show(false);
      if (source.readyState === EventSource.CLOSED) { source.close(); setTimeout(connect, 10000); }
    };
  }
  connect();
})();
"""#
}
