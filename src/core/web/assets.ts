/**
 * The site's only stylesheet and script, served from /static with a content hash in the
 * URL so they can be cached for a year. Kept in code so the Worker bundle carries them.
 */
const css = `
:root { --fg: #1f2328; --muted: #57606a; --bg: #f6f8fa; --card: #fff; --line: #d0d7de; --accent: #1a56db; --danger: #b42318; --ok: #1a7f37; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.55 -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: var(--fg); background: var(--bg); }
header.site, main, footer.site { max-width: 46rem; margin: 0 auto; padding: 0 1rem; }
header.site { display: flex; gap: .75rem; align-items: baseline; flex-wrap: wrap; padding-top: 1.25rem; }
.brand { font-weight: 700; font-size: 1.25rem; color: var(--fg); text-decoration: none; }
.tagline, .help, .fineprint, .meta, footer.site { color: var(--muted); font-size: .9rem; }
h1 { font-size: 1.75rem; line-height: 1.2; margin: 1.25rem 0 .5rem; }
h2 { font-size: 1.2rem; margin: 1.5rem 0 .5rem; }
h3 { font-size: 1rem; margin: 0 0 .25rem; }
a { color: var(--accent); }
.lead { font-size: 1.05rem; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 1.25rem; margin: 1rem 0; }
.card > h1:first-child, .card > h2:first-child { margin-top: 0; }
.field { margin: 0 0 1rem; border: 0; padding: 0; }
label, legend { display: block; font-weight: 600; margin-bottom: .3rem; }
label.choice { font-weight: 400; display: flex; gap: .5rem; align-items: center; }
input[type=email], input[type=text], textarea { width: 100%; font: inherit; padding: .55rem .7rem; border: 1px solid var(--line); border-radius: 6px; background: #fff; color: var(--fg); }
input:focus, textarea:focus, button:focus, a:focus { outline: 3px solid #80a9ff; outline-offset: 1px; }
:is(input, textarea)[aria-invalid=true] { border: 2px solid var(--danger); background: #fff5f4; }
:is(input, textarea)[aria-invalid=true]:focus { outline-color: #f4a09a; }
label:has(+ [aria-invalid=true]) { color: var(--danger); }
button { font: inherit; font-weight: 600; color: #fff; background: var(--accent); border: 0; border-radius: 6px; padding: .6rem 1.2rem; cursor: pointer; }
button.danger { background: var(--danger); }
.error, .form-error { color: var(--danger); margin: .3rem 0 0; }
.error::before, .form-error::before { content: "\\26A0\\FE0E  "; }
.form-error { font-weight: 600; margin-bottom: 1rem; }
.notice { color: var(--ok); font-weight: 600; }
.hp { position: absolute; left: -10000px; width: 1px; height: 1px; overflow: hidden; }
code { background: #eff1f3; padding: 0 .25rem; border-radius: 4px; font-size: .9em; }
ol.papers, ol.preview-list { padding-left: 1.25rem; }
ol.papers li, ol.preview-list li { margin: 0 0 1rem; }
.meta { margin: 0; }
.snippet { margin: .25rem 0 0; font-size: .95rem; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
.facts dt { font-weight: 600; } .facts dd { margin: 0; overflow-wrap: anywhere; }
.matched { color: var(--muted); font-size: .85rem; }
form.danger { margin-top: 1rem; display: grid; gap: .75rem; justify-items: start; }
.preview { border-top: 1px solid var(--line); margin-top: 1.25rem; padding-top: .75rem; }
footer.site { padding-bottom: 2rem; }
body.admin header.site, body.admin main { max-width: 72rem; }
body.admin nav { display: flex; gap: 1rem; align-items: baseline; flex-wrap: wrap; }
body.admin nav a[aria-current=page] { font-weight: 700; color: var(--fg); }
form.inline { display: inline; }
button.link { background: none; color: var(--accent); padding: 0; font-weight: 400; text-decoration: underline; }
.actions { display: flex; gap: .5rem; flex-wrap: wrap; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
.alarm, .error-text { color: var(--danger); }
figure.chart { margin: 1rem 0 0; }
figure.chart svg { width: 100%; height: auto; }
figure.chart .tick line { stroke: var(--line); }
figure.chart text { font-size: 10px; fill: var(--muted); }
.series-0, .key-0::before { fill: #1a56db; background: #1a56db; }
.series-1, .key-1::before { fill: #1a7f37; background: #1a7f37; }
.series-2, .key-2::before { fill: #b42318; background: #b42318; }
.series-3, .key-3::before { fill: #8250df; background: #8250df; }
.series-4, .key-4::before { fill: #bf8700; background: #bf8700; }
.key { margin-right: .75rem; }
.key::before { content: ""; display: inline-block; width: .7rem; height: .7rem; margin-right: .25rem; }
figcaption { color: var(--muted); font-size: .85rem; }
ul.profile-list { list-style: none; padding: 0; }
ul.profile-list li { margin: 0 0 .5rem; }
li form.inline { display: inline; }
`;

// Live preview for the signup and manage forms. Progressive: the forms work without it.
// It writes only with textContent, never innerHTML, so titles cannot inject markup.
const previewJs = `
(function () {
  var input = document.getElementById("keywords");
  var box = document.getElementById("preview");
  if (!input || !box || !window.fetch) return;
  var summary = box.querySelector(".preview-summary");
  var list = box.querySelector(".preview-list");
  var timer, seq = 0;
  function render(data) {
    list.textContent = "";
    if (data && data.error) { box.hidden = false; summary.textContent = data.error; return; }
    if (!data || !data.topics) { box.hidden = true; return; }
    box.hidden = false;
    var parts = data.topics.map(function (t) {
      var also = t.alsoMatching && t.alsoMatching.length ? " \u2014 also matching: " + t.alsoMatching.join(", ") : "";
      return (t.reason || t.keyword) + also + ": " + (t.count ? t.count : t.note);
    });
    summary.textContent = data.total + " papers in the last " + data.weeks + " weeks (about " + data.perWeek + " a week). " + parts.join(" · ");
    data.papers.slice(0, 8).forEach(function (p) {
      var li = document.createElement("li");
      var a = document.createElement(p.url ? "a" : "span");
      if (p.url) a.href = p.url;
      a.textContent = p.title;
      var m = document.createElement("div");
      m.className = "matched";
      m.textContent = (p.example ? "Example · " : "") + "Matched: " + p.matched.join(", ");
      li.appendChild(a); li.appendChild(m); list.appendChild(li);
    });
  }
  function update() {
    var value = input.value.trim();
    if (!value) { box.hidden = true; return; }
    var mine = ++seq;
    fetch("/preview?keywords=" + encodeURIComponent(value), { headers: { accept: "application/json" } })
      .then(function (r) { return r.ok || r.status === 429 ? r.json() : null; })
      .then(function (data) { if (mine === seq) render(data); })
      .catch(function () { if (mine === seq) box.hidden = true; });
  }
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(update, 300); });
  // The manage page shows its topics' counts already: preview only what the reader edits.
  if (input.value.trim() && box.getAttribute("data-until-edited") !== "true") update();
})();
`;

// A folded newspaper; browsers ask for /favicon.ico on every site, so answer it.
const favicon = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect x="3" y="6" width="26" height="20" rx="3" fill="#1a56db"/><path d="M8 12h16M8 16h16M8 20h10" stroke="#fff" stroke-width="2" stroke-linecap="round"/></svg>`;

/** FNV-1a, enough to bust caches when an asset changes. */
function contentHash(text: string): string {
	let h = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
	return (h >>> 0).toString(36);
}

export const assets = {
	"app.css": { body: css, type: "text/css; charset=utf-8", hash: contentHash(css) },
	"preview.js": { body: previewJs, type: "text/javascript; charset=utf-8", hash: contentHash(previewJs) },
	"favicon.svg": { body: favicon, type: "image/svg+xml", hash: contentHash(favicon) },
} as const;

export type AssetName = keyof typeof assets;

export const assetPath = (name: AssetName) => `/static/${name}?v=${assets[name].hash}`;
