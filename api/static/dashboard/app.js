// Strata dashboard: plain JavaScript, hand-rolled SVG, no dependencies, no network but our API.
// It calls the same HTTP API every client uses, with the Bearer key typed by the user (kept in
// localStorage). Text from memory is always set with textContent, never parsed as HTML.
"use strict";

(() => {
  const SVG = "http://www.w3.org/2000/svg";
  const KEY = "strata.apiKey";
  const USERS = "strata.recentUsers";
  const MAX_DAILY_BARS = 120;

  const $ = (sel, root = document) => root.querySelector(sel);
  const state = { user: null, data: null, period: "day", mode: "comention", trail: [], center: null, seq: 0 };

  // ---- DOM helpers --------------------------------------------------------------------------

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    setAttrs(node, attrs);
    for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return node;
  }

  function sv(tag, attrs = {}, ...children) {
    const node = document.createElementNS(SVG, tag);
    setAttrs(node, attrs);
    for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return node;
  }

  function setAttrs(node, attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null) continue;
      if (k === "text") node.textContent = v;
      else if (k === "onclick") node.addEventListener("click", v);
      else node.setAttribute(k, v);
    }
  }

  function clear(node) { while (node.firstChild) node.firstChild.remove(); return node; }
  const fmt = (n) => Number(n).toLocaleString("en-US");
  const day = (iso) => (iso ? String(iso).slice(0, 10) : "");

  // ---- API ---------------------------------------------------------------------------------

  async function api(path) {
    const key = localStorage.getItem(KEY) || "";
    const headers = { Accept: "application/json" };
    if (key) headers.Authorization = `Bearer ${key}`;
    const res = await fetch(path, { headers });
    let body = null;
    try { body = await res.json(); } catch { body = null; }
    if (!res.ok) {
      const err = new Error(body && body.error ? body.error.message : `HTTP ${res.status}`);
      err.status = res.status;
      err.code = body && body.error ? body.error.code : "";
      throw err;
    }
    return body;
  }

  const userPath = (user) => `/v1/users/${encodeURIComponent(user)}`;

  function setStatus(text, isError = false) {
    const s = $("#status");
    s.textContent = text;
    s.classList.toggle("error", isError);
  }

  // ---- loading -----------------------------------------------------------------------------

  async function load(user, { refresh = false } = {}) {
    const seq = ++state.seq;  // a newer load makes this one stop drawing
    state.user = user;
    rememberUser(user);
    setStatus(`Loading ${user}…`);
    let data;
    try {
      const some = await api(`${userPath(user)}/interactions?limit=1`);
      if (!some.items.length) {  // no conversations: an agent's runs, or nothing at all
        const runs = await renderAgent(user);
        if (seq !== state.seq) return;
        if (!runs) throw Object.assign(new Error("no memory"), { status: 404 });
        $("#board").hidden = false;
        for (const card of document.querySelectorAll("#board > section")) card.hidden = card.id !== "agent";
        setStatus(`${user}: ${fmt(runs)} agent runs`);
        return;
      }
      data = await api(`${userPath(user)}/analytics${refresh ? "?refresh=true" : ""}`);
    } catch (e) {
      if (seq !== state.seq) return;
      $("#board").hidden = true;
      setStatus(e.status === 404 ? `No memory stored for "${user}".` : `Could not load: ${e.message}`, true);
      return;
    }
    for (const card of document.querySelectorAll("#board > section")) card.hidden = card.id === "agent";
    if (seq !== state.seq) return;
    state.data = data;
    $("#board").hidden = false;
    state.period = data.growth_daily.length > MAX_DAILY_BARS ? "week" : "day";
    renderCounts(data.counts);
    renderGrowth();
    renderEntities(data.top_entities);
    renderCommunities(data.communities, data.entity_graph);
    renderFacts(data);
    renderScenes(data.scenes);
    renderFooter(data);
    await renderPersona(user, data);
    if (seq !== state.seq) return;
    await renderAgent(user);
    if (seq !== state.seq) return;
    const wanted = new URLSearchParams(location.hash.slice(1)).get("entity");
    const first = wanted || (data.top_entities[0] && data.top_entities[0].name);
    state.trail = [];
    if (first) await showEntity(first);
    else renderGraphEmpty("No entities yet.");
    if (seq !== state.seq) return;
    const when = new Date(data.computed_at).toLocaleString();
    setStatus(`${user}: ${fmt(data.counts.turns)} turns · computed ${when}${data.cached ? " (cached)" : ""}`);
    writeHash();
  }

  function rememberUser(user) {
    const recent = JSON.parse(localStorage.getItem(USERS) || "[]").filter((u) => u !== user);
    recent.unshift(user);
    localStorage.setItem(USERS, JSON.stringify(recent.slice(0, 20)));
    fillRecent();
  }

  function fillRecent() {
    const list = clear($("#recent-users"));
    for (const u of JSON.parse(localStorage.getItem(USERS) || "[]")) list.append(el("option", { value: u }));
  }

  function writeHash() {
    const p = new URLSearchParams();
    if (state.user) p.set("user", state.user);
    if (state.center) p.set("entity", state.center);
    history.replaceState(null, "", `#${p}`);
  }

  // ---- counts ------------------------------------------------------------------------------

  function renderCounts(c) {
    const tiles = clear($("#counts .tiles"));
    const order = ["turns", "segments", "interactions", "facts", "insights", "scenes", "entities", "events", "queries"];
    for (const k of order) {
      tiles.append(el("div", { class: "tile", "data-count": k }, el("b", { text: fmt(c[k]) }), el("span", { text: k })));
    }
    if (c.flagged) {  // possible injections: kept as evidence, never promoted
      tiles.append(el("div", { class: "tile bad", "data-count": "flagged", title: "turns that address an AI with orders" },
        el("b", { text: fmt(c.flagged) }), el("span", { text: "flagged" })));
    }
  }

  // ---- growth ------------------------------------------------------------------------------

  function series(points, period, fields) {
    // Fill the gaps, so the x axis is time and an idle week shows as an empty slot.
    if (!points.length) return [];
    const step = period === "week" ? 7 : 1;
    const byKey = new Map(points.map((p) => [p.period, p]));
    const out = [];
    const end = new Date(`${points[points.length - 1].period}T00:00:00Z`);
    for (let d = new Date(`${points[0].period}T00:00:00Z`); d <= end; d.setUTCDate(d.getUTCDate() + step)) {
      const key = d.toISOString().slice(0, 10);
      const p = byKey.get(key);
      const row = { period: key };
      for (const f of fields) row[f] = p ? p[f] : 0;
      out.push(row);
    }
    return out;
  }

  function renderGrowth() {
    const d = state.data;
    for (const b of document.querySelectorAll("#growth .toggle button")) {
      b.classList.toggle("on", b.dataset.period === state.period);
    }
    const points = state.period === "week" ? d.growth_weekly : d.growth_daily;
    const rows = series(points, state.period, ["turns", "interactions"]);
    const box = clear($("#growth .chart"));
    if (!rows.length) { box.append(el("p", { class: "empty", text: "No dated turns yet." })); return; }
    const W = 900, H = 220, L = 40, R = 50, B = 24, T = 10;
    const w = (W - L - R) / rows.length;
    const maxT = Math.max(1, ...rows.map((r) => r.turns));
    let total = 0;
    const cumulative = rows.map((r) => (total += r.turns));
    const svg = sv("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "Turns per period" });
    svg.append(sv("line", { class: "axis", x1: L, x2: W - R, y1: H - B, y2: H - B }));
    svg.append(sv("text", { x: L - 6, y: T + 8, "text-anchor": "end", text: fmt(maxT) }));
    svg.append(sv("text", { x: L - 6, y: H - B, "text-anchor": "end", text: "0" }));
    svg.append(sv("text", { x: W - R + 6, y: T + 8, text: `${fmt(total)} total` }));
    const line = [];
    rows.forEach((r, i) => {
      const h = ((H - B - T) * r.turns) / maxT;
      const x = L + i * w;
      const rect = sv("rect", {
        class: "bar", x: x + w * 0.1, width: Math.max(1, w * 0.8), y: H - B - h, height: h,
        "data-period": r.period, "data-value": r.turns, "data-interactions": r.interactions,
      });
      rect.append(sv("title", { text: `${r.period}: ${fmt(r.turns)} turns in ${fmt(r.interactions)} interactions` }));
      svg.append(rect);
      line.push(`${x + w / 2},${H - B - ((H - B - T) * cumulative[i]) / total}`);
    });
    svg.append(sv("polyline", { class: "line", points: line.join(" ") }));
    for (const i of ticks(rows.length)) {
      svg.append(sv("text", { x: L + i * w + w / 2, y: H - 8, "text-anchor": "middle", text: rows[i].period }));
    }
    const interactions = rows.reduce((a, r) => a + r.interactions, 0);
    box.append(svg, legend([["bar", `turns per ${state.period}`], ["dot", `all turns so far (${fmt(interactions)} dated interactions)`]]));
  }

  function ticks(n) {
    if (n <= 1) return [0];
    const k = Math.min(n, 6);
    return [...new Set(Array.from({ length: k }, (_, i) => Math.round((i * (n - 1)) / (k - 1))))];
  }

  function legend(items) {
    const box = el("div", { class: "legend" });
    for (const [cls, label] of items) {
      const swatch = el("i", { class: cls });
      swatch.style.background = getComputedStyle(document.documentElement).getPropertyValue(
        { bar: "--accent", dot: "--amber", asserted: "--accent", superseded: "--grey", conflicts: "--red" }[cls],
      );
      box.append(el("span", {}, swatch, label));
    }
    return box;
  }

  // ---- facts -------------------------------------------------------------------------------

  function renderFacts(d) {
    const t = d.fact_totals;
    const totals = clear($("#facts .totals"));
    totals.append(
      el("span", {}, el("b", { text: fmt(t.facts) }), " facts"),
      el("span", {}, el("b", { text: fmt(t.open) }), " open"),
      el("span", {}, el("b", { text: fmt(t.superseded) }), " superseded"),
      el("span", { class: t.conflicts ? "bad" : "" }, el("b", { text: fmt(t.conflicts) }), " conflicts"),
    );
    const useWeeks = d.facts_daily.length > MAX_DAILY_BARS / 2;
    const rows = series(useWeeks ? d.facts_weekly : d.facts_daily, useWeeks ? "week" : "day",
      ["asserted", "superseded", "conflicts"]);
    const box = clear($("#facts .chart"));
    if (!rows.length) { box.append(el("p", { class: "empty", text: "No persona facts yet." })); return; }
    const W = 460, H = 170, L = 30, B = 22, T = 8;
    const w = (W - L) / rows.length;
    const max = Math.max(1, ...rows.map((r) => r.asserted + r.superseded + r.conflicts));
    const svg = sv("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "Facts per period" });
    svg.append(sv("line", { class: "axis", x1: L, x2: W, y1: H - B, y2: H - B }));
    svg.append(sv("text", { x: L - 4, y: T + 8, "text-anchor": "end", text: fmt(max) }));
    rows.forEach((r, i) => {
      let y = H - B;
      for (const k of ["asserted", "superseded", "conflicts"]) {
        const h = ((H - B - T) * r[k]) / max;
        if (!h) continue;
        y -= h;
        const rect = sv("rect", { class: `seg ${k}`, x: L + i * w + w * 0.1, width: Math.max(1, w * 0.8), y, height: h, "data-value": r[k] });
        rect.append(sv("title", { text: `${r.period}: ${r[k]} ${k}` }));
        svg.append(rect);
      }
    });
    for (const i of ticks(rows.length).filter((_, j, a) => j === 0 || j === a.length - 1)) {
      svg.append(sv("text", { x: L + i * w + w / 2, y: H - 6, "text-anchor": "middle", text: rows[i].period }));
    }
    box.append(svg, legend([["asserted", "asserted"], ["superseded", "superseded"], ["conflicts", "conflicts"]]));
  }

  // ---- entities and communities ------------------------------------------------------------

  function renderEntities(list) {
    const ol = clear($("#entities .ranked"));
    if (!list.length) { ol.append(el("li", { class: "empty", text: "No entities yet." })); return; }
    const max = list[0].score || 1;
    list.forEach((e, i) => {
      const bar = el("i");
      bar.style.width = `${Math.max(2, (100 * e.score) / max)}%`;
      const li = el("li", { "data-entity-id": e.id, "data-name": e.name, title: `${e.kind} · ${e.mentions} mentions · PageRank ${e.score.toFixed(3)}` },
        el("span", { class: "pos", text: i + 1 }),
        el("span", { class: "name" }, e.name, el("small", { text: e.kind })),
        el("span", { class: "meter" }, bar));
      li.addEventListener("click", () => showEntity(e.id, e.name));
      ol.append(li);
    });
  }

  function renderCommunities(groups, summary) {
    const box = clear($("#communities .groups"));
    if (!groups.length) { box.append(el("p", { class: "empty", text: "No communities yet." })); return; }
    box.append(el("p", { class: "summary", text: `${fmt(summary.nodes)} entities, ${fmt(summary.links)} co-mention links, ${fmt(summary.communities)} communities; the largest:` }));
    for (const g of groups) {
      const div = el("div", { class: "group", "data-community": g.id }, el("header", { text: `${fmt(g.size)} entities` }));
      for (const m of g.members) {
        div.append(el("span", { class: "chip", text: m.name, title: `${m.mentions} mentions`, onclick: () => showEntity(m.id, m.name) }));
      }
      box.append(div);
    }
  }

  // ---- entity graph ------------------------------------------------------------------------

  async function showEntity(ref, name) {
    const user = state.user;
    const label = name || ref;
    $("#graph .center-name").textContent = label;
    for (const li of document.querySelectorAll("#entities li")) {
      li.classList.toggle("selected", li.dataset.entityId === ref || li.dataset.name === label);
    }
    for (const b of document.querySelectorAll("#graph .toggle button")) b.classList.toggle("on", b.dataset.mode === state.mode);
    try {
      if (state.mode === "subgraph") {
        const g = await api(`${userPath(user)}/graph?center=${encodeURIComponent(ref)}&depth=2&limit=60`);
        if (user !== state.user) return;
        state.center = label;
        renderSubgraph(g);
      } else {
        const n = await api(`${userPath(user)}/analytics/neighbourhood?center=${encodeURIComponent(ref)}&limit=20`);
        if (user !== state.user) return;
        state.center = n.center.name;
        $("#graph .center-name").textContent = n.center.name;
        renderNeighbourhood(n);
      }
    } catch (e) {
      renderGraphEmpty(e.status === 404 ? `"${label}" is not in this memory.` : `Could not load the graph: ${e.message}`);
      return;
    }
    if (state.trail[state.trail.length - 1] !== state.center) state.trail.push(state.center);
    state.trail = state.trail.slice(-6);
    renderTrail();
    writeHash();
  }

  function renderTrail() {
    const t = clear($("#graph .trail"));
    state.trail.forEach((name, i) => {
      if (i) t.append(" › ");
      t.append(i === state.trail.length - 1 ? el("b", { text: name }) : el("a", { text: name, onclick: () => showEntity(name) }));
    });
  }

  function renderGraphEmpty(text) {
    clear($("#graph .chart")).append(el("p", { class: "empty", text }));
  }

  function renderNeighbourhood(n) {
    const W = 460, H = 360, cx = W / 2, cy = H / 2;
    const svg = sv("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": `Entities around ${n.center.name}` });
    const maxW = Math.max(1, ...n.nodes.map((x) => x.weight));
    const pos = new Map([[n.center.id, [cx, cy]]]);
    n.nodes.forEach((x, i) => {
      // Stronger ties sit closer to the center; angles spread evenly, strongest first.
      const r = 70 + (1 - x.weight / maxW) * 95;
      const a = (2 * Math.PI * i) / n.nodes.length - Math.PI / 2;
      pos.set(x.id, [cx + r * Math.cos(a), cy + r * Math.sin(a)]);
    });
    for (const l of n.links) {
      const [a, b] = [pos.get(l.source), pos.get(l.target)];
      if (a && b) svg.append(sv("line", { class: "link side", x1: a[0], y1: a[1], x2: b[0], y2: b[1] }));
    }
    for (const x of n.nodes) {
      const p = pos.get(x.id);
      svg.append(sv("line", { class: "link", x1: cx, y1: cy, x2: p[0], y2: p[1], "stroke-width": 1 + (4 * x.weight) / maxW }));
    }
    const node = (x, isCenter) => {
      const [px, py] = pos.get(x.id);
      const g = sv("g", { class: `node kind-${x.kind}${isCenter ? " center" : ""}`, "data-id": x.id, "data-name": x.name, transform: `translate(${px},${py})` });
      g.append(sv("circle", { r: isCenter ? 12 : 5 + (6 * x.weight) / maxW }));
      g.append(sv("text", { x: isCenter ? 15 : 10, y: 4, text: x.name }));
      g.append(sv("title", { text: isCenter ? `${x.name}: ${x.weight} mentions` : `${x.name}: ${x.weight} shared turns` }));
      if (!isCenter) g.addEventListener("click", () => showEntity(x.id, x.name));
      return g;
    };
    for (const x of n.nodes) svg.append(node(x, false));
    svg.append(node(n.center, true));
    const box = clear($("#graph .chart"));
    box.append(svg);
    if (!n.nodes.length) box.append(el("p", { class: "empty", text: "Never mentioned together with another entity." }));
  }

  function renderSubgraph(g) {
    // A small force layout (springs on edges, repulsion between nodes), deterministic start.
    const W = 460, H = 360;
    const nodes = g.nodes.map((n, i) => ({ ...n, x: W / 2 + 120 * Math.cos(i), y: H / 2 + 120 * Math.sin(i), vx: 0, vy: 0 }));
    const byId = new Map(nodes.map((n) => [n.id, n]));
    const edges = g.edges.filter((e) => byId.has(e.source) && byId.has(e.target));
    for (let it = 0; it < 250; it++) {
      for (const a of nodes) {
        for (const b of nodes) {
          if (a === b) continue;
          const dx = a.x - b.x, dy = a.y - b.y, d2 = Math.max(25, dx * dx + dy * dy);
          a.vx += (dx / d2) * 60; a.vy += (dy / d2) * 60;
        }
      }
      for (const e of edges) {
        const a = byId.get(e.source), b = byId.get(e.target);
        const dx = b.x - a.x, dy = b.y - a.y;
        a.vx += dx * 0.01; a.vy += dy * 0.01; b.vx -= dx * 0.01; b.vy -= dy * 0.01;
      }
      for (const n of nodes) {
        n.vx += (W / 2 - n.x) * 0.002; n.vy += (H / 2 - n.y) * 0.002;
        n.x = Math.min(W - 10, Math.max(10, n.x + n.vx)); n.y = Math.min(H - 10, Math.max(10, n.y + n.vy));
        n.vx *= 0.6; n.vy *= 0.6;
      }
    }
    const svg = sv("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "Memory subgraph" });
    for (const e of edges) {
      const a = byId.get(e.source), b = byId.get(e.target);
      const line = sv("line", { class: "link", x1: a.x, y1: a.y, x2: b.x, y2: b.y });
      line.append(sv("title", { text: e.type }));
      svg.append(line);
    }
    const centers = new Set(g.centers);
    for (const n of nodes) {
      const name = n.name || (n.text || "").slice(0, 24);
      const gg = sv("g", { class: `node label-${n.label}${centers.has(n.id) ? " center" : ""}`, "data-id": n.id, "data-name": name, transform: `translate(${n.x},${n.y})` });
      gg.append(sv("circle", { r: centers.has(n.id) ? 10 : n.label === "Entity" ? 7 : 4 }));
      if (n.label === "Entity") gg.append(sv("text", { x: 9, y: 4, text: name }));
      gg.append(sv("title", { text: `${n.label}: ${n.name || n.text || n.id}` }));
      if (n.label === "Entity" && !centers.has(n.id)) gg.addEventListener("click", () => showEntity(n.id, n.name));
      svg.append(gg);
    }
    clear($("#graph .chart")).append(svg);
  }

  // ---- agent runs --------------------------------------------------------------------------

  // The user's agent runs, if any: successes per day and the lessons with the runs that back or
  // refute them. Returns how many runs there are (0: the card stays hidden).
  async function renderAgent(user) {
    let a;
    try {
      a = await api(`${userPath(user)}/runs/analytics?limit=10`);
    } catch (e) {
      return 0;  // an API without agent routes, or a key without access: no card
    }
    if (user !== state.user) return 0;
    const card = $("#agent");
    card.hidden = !a.runs;
    if (!a.runs) return 0;
    clear($(".totals", card)).append(
      el("span", { "data-count": "runs" }, el("b", { text: fmt(a.runs) }), " runs"),
      el("span", { class: "good" }, el("b", { text: fmt(a.succeeded) }), " succeeded"),
      el("span", { class: "bad" }, el("b", { text: fmt(a.failed) }), " failed"));
    const days = clear($(".days", card));
    for (const d of a.days) days.append(el("li", { text: `${d.day || "undated"}: ${d.succeeded}/${d.runs} succeeded` }));
    const lessons = clear($(".lessons", card));
    if (!a.most_trusted.length) lessons.append(el("li", { class: "empty", text: "No lessons yet." }));
    for (const l of a.most_trusted) {
      const li = el("li", { class: `lesson ${l.status}`, "data-lesson-id": l.id },
        el("span", { class: "status", text: l.status }), " ", l.text);
      li.append(el("small", { text: ` · backed by ${l.supported_by.join(", ") || "—"}` +
        (l.contradicted_by.length ? ` · refuted by ${l.contradicted_by.join(", ")}` : "") }));
      lessons.append(li);
    }
    return a.runs;
  }

  // ---- persona -----------------------------------------------------------------------------

  async function renderPersona(user, data) {
    let view;
    try {
      view = personaFromRoute(await api(`${userPath(user)}/persona?limit=500`));
    } catch (e) {
      if (e.status !== 404 && e.status !== 405) throw e;
      view = personaFromAnalytics(data);  // an API without the persona route
    }
    if (user !== state.user) return;
    const box = clear($("#persona .conflicts"));
    for (const c of view.conflicts) {
      const card = el("div", { class: "conflict-card" }, el("b", { text: "Conflict " }), `${c.title}: `);
      c.sides.forEach((s, i) => card.append(i ? " vs " : "", el("q", { text: s.text }), el("small", { text: ` ${day(s.at)}` })));
      if (c.hint) card.append(el("small", { text: ` — ${c.hint}` }));
      box.append(card);
    }
    const subjects = clear($("#persona .subjects"));
    if (!view.subjects.length) { subjects.append(el("p", { class: "empty", text: "No persona facts yet." })); return; }
    for (const s of view.subjects) {
      const div = el("div", { class: "subject" }, el("h3", { text: s.name }));
      for (const p of s.predicates) {
        const pred = el("div", { class: "pred" }, el("span", { class: "pred-name", text: p.predicate.replace(/_/g, " ") }));
        for (const f of p.facts) {
          const item = el("span", { class: `fact ${f.status}${f.polarity === false ? " neg" : ""}`, "data-fact-id": f.id }, f.object || f.text);
          item.append(el("time", { text: day(f.valid_from) + (f.valid_to ? ` → ${day(f.valid_to)}` : "") }));
          if (f.status === "superseded" && f.by) item.append(el("span", { class: "by", text: `→ ${f.by}` }));
          pred.append(item);
        }
        div.append(pred);
      }
      subjects.append(div);
    }
  }

  function personaFromRoute(p) {
    const clashing = new Set(p.conflicts.flatMap((c) => c.sides.map((s) => s.id)));
    const objectOf = new Map();
    for (const s of p.subjects) for (const g of s.predicates) for (const f of g.facts) objectOf.set(f.id, f.object);
    return {
      conflicts: p.conflicts.map((c) => ({
        title: c.kind, hint: c.hint, sides: c.sides.map((s) => ({ text: s.text, at: s.valid_from || s.stated_at })),
      })),
      subjects: p.subjects.map((s) => ({
        name: s.name || s.subject,
        predicates: s.predicates.map((g) => ({
          predicate: g.predicate,
          facts: g.facts.map((f) => ({
            id: f.id, object: f.object, text: f.text, polarity: f.polarity, valid_from: f.valid_from, valid_to: f.valid_to,
            status: !f.open ? "superseded" : clashing.has(f.id) ? "conflict" : "current",
            by: f.superseded_by ? objectOf.get(f.superseded_by) || "newer statement" : null,
          })),
        })),
      })),
    };
  }

  function personaFromAnalytics(d) {
    const subjects = new Map();
    for (const f of d.persona) {
      if (!subjects.has(f.subject)) subjects.set(f.subject, new Map());
      const preds = subjects.get(f.subject);
      if (!preds.has(f.predicate)) preds.set(f.predicate, []);
      preds.get(f.predicate).push({ ...f, by: f.superseded_by });
    }
    return {
      conflicts: d.conflicts.map((c) => ({
        title: `${c.subject} · ${c.predicate.replace(/_/g, " ")}`, hint: "ask the user",
        sides: [c.a, c.b].map((s) => ({ text: s.text, at: s.valid_from })),
      })),
      subjects: [...subjects].map(([name, preds]) => ({
        name, predicates: [...preds].map(([predicate, facts]) => ({ predicate, facts })),
      })),
    };
  }

  // ---- scenes and footer -------------------------------------------------------------------

  function renderScenes(s) {
    $("#scenes .summary").textContent = s.count
      ? `${fmt(s.count)} scenes, ${fmt(s.members)} members, mean size ${s.mean_size}, largest ${fmt(s.largest)}.`
      : "No scenes yet (they are fitted once enough memory has arrived).";
    const ol = clear($("#scenes .scene-list"));
    for (const sc of s.top) {
      const mix = el("span", { class: "mix" });
      for (const [label, n] of Object.entries(sc.members)) {
        const part = el("i", { class: label, title: `${label}: ${n}` });
        part.style.width = `${(100 * n) / Math.max(1, sc.size)}%`;
        mix.append(part);
      }
      const parts = Object.entries(sc.members).map(([l, n]) => `${n} ${l.toLowerCase()}${n === 1 ? "" : "s"}`).join(", ");
      ol.append(el("li", { "data-scene-id": sc.id }, el("span", { text: sc.text }), mix, el("small", { text: parts })));
    }
  }

  function renderFooter(d) {
    const t = Object.entries(d.timings_ms).map(([k, v]) => `${k} ${v} ms`).join(" · ");
    $("#foot").textContent = `Computed ${new Date(d.computed_at).toISOString()}${d.cached ? " (from cache)" : ""}. ${t}`;
  }

  // ---- wiring ------------------------------------------------------------------------------

  function start() {
    $("#key").value = localStorage.getItem(KEY) || "";
    fillRecent();
    $("#choose").addEventListener("submit", (ev) => {
      ev.preventDefault();
      localStorage.setItem(KEY, $("#key").value.trim());
      const user = $("#user").value.trim();
      if (user) { history.replaceState(null, "", `#user=${encodeURIComponent(user)}`); load(user); }
    });
    $("#refresh").addEventListener("click", () => state.user && load(state.user, { refresh: true }));
    for (const b of document.querySelectorAll("#growth .toggle button")) {
      b.addEventListener("click", () => { state.period = b.dataset.period; if (state.data) renderGrowth(); });
    }
    for (const b of document.querySelectorAll("#graph .toggle button")) {
      b.addEventListener("click", () => { state.mode = b.dataset.mode; if (state.center) showEntity(state.center); });
    }
    const user = new URLSearchParams(location.hash.slice(1)).get("user") || localStorage.getItem("strata.lastUser");
    if (user) { $("#user").value = user; load(user); }
    window.addEventListener("beforeunload", () => state.user && localStorage.setItem("strata.lastUser", state.user));
  }

  document.addEventListener("DOMContentLoaded", start);
})();
