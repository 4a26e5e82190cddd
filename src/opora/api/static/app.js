/* Opora web application: the map, its layers and legend, the panels and the jobs.
   Plain JavaScript, no build step. Talks to the JSON API under /api (see docs/web.md).
   For tests and the benchmark, window.opora holds the map and the state, and
   document.body.dataset.ready becomes "1" after the first idle with the layers drawn. */
(function () {
  "use strict";

  const I18N = window.OPORA_I18N;
  const ORIGIN = window.location.origin;
  const PAGE = 20;

  // -- colours of the layers, with the i18n key of each legend entry ---------------------
  const SIZE = [
    ["largest_city", "#54278f", 7],
    ["large_city", "#88419d", 6],
    ["medium_city", "#c51b7d", 5.5],
    ["small_town", "#e34a33", 4.5],
    ["rural_1000", "#2b8cbe", 3],
    ["rural_small", "#9ecae1", 2.2],
    ["no_data", "#bdbdbd", 2],
  ];
  const LEVEL = [["district", "#b2182b"], ["local", "#f28e2b"]];
  const REASON = [
    ["too_far", "#d95f02"],
    ["no_anchor", "#7570b3"],
    ["capacity", "#e7298a"],
    ["unreachable", "#333333"],
    ["season", "#1b9e77"],
  ];
  const MINUTES = [
    [15, "#1a9850", "minutes_15"],
    [30, "#a6d96a", "minutes_30"],
    [60, "#fdae61", "minutes_60"],
    [Infinity, "#d73027", "minutes_more"],
  ];
  const CHANGE = [["gained", "#1a9850"], ["added", "#1a9850"], ["lost", "#d73027"],
    ["removed", "#d73027"], ["mixed", "#fdae61"], ["same", "#9e9e9e"]];
  // result layers of the jobs: colour, or null where the feature's `change`/`reason` decides
  const JOB_LAYERS = {
    given_anchors: "#1f5fa8",
    additions: "#1a9850",
    outside: null,
    coverage_change: null,
    anchors_change: null,
  };
  const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
    "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"];
  const TOWN_CLASSES = new Set(["largest_city", "large_city", "medium_city", "small_town"]);
  // drawing order, lowest first; ids not listed go on top
  const ORDER = ["boundaries", "regions", "anchor_catchments", "municipalities", "ties", "settlements",
    "access", "outside", "facilities", "anchors"];
  const DEFAULT_ON = new Set(["settlements", "anchors", "regions", "boundaries"]);
  // a country: the national settlement layer first; its anchors (large) when asked for
  const DEFAULT_ON_COUNTRY = new Set(["settlements", "regions"]);

  const state = {
    lang: localStorage.getItem("opora.lang") === "en" ? "en" : "ru",
    info: null,
    map: null,
    visible: {},
    loaded: {},
    types: [],
    service: null,
    season: "summer",
    munis: { q: "", type: "", level: "", sort: "population", order: "desc", offset: 0, data: null },
    anchors: { q: "", level: "", offset: 0, data: null, summary: null },
    scenario: { mode: "", close_facilities: [], close_anchors: [], add_links: [], pick: null },
    jobs: new Map(),
    layerErrors: {},
    prefetch: {},
    shownJob: null,
    town: null,
  };

  // -- small helpers -------------------------------------------------------------------------
  function t(key, vars) {
    let s = (I18N[state.lang] && I18N[state.lang][key]) || I18N.ru[key] || key;
    if (vars) for (const [k, v] of Object.entries(vars)) s = s.replace("{" + k + "}", v);
    return s;
  }
  function esc(value) {
    return String(value ?? "").replace(/[&<>"']/g, (c) => (
      { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  }
  function num(value, digits) {
    if (value === null || value === undefined || value === "" || Number.isNaN(Number(value))) return "—";
    const opts = { maximumFractionDigits: digits ?? (Math.abs(value) < 10 ? 1 : 0) };
    return new Intl.NumberFormat(state.lang === "ru" ? "ru-RU" : "en-GB", opts).format(Number(value));
  }
  function label(prefix, code) {
    const key = prefix + "_" + code;
    const got = t(key);
    return got === key ? String(code ?? "—") : got;
  }
  function $(sel) { return document.querySelector(sel); }
  function serviceName(code) {
    const svc = ((state.info && state.info.services) || []).find((x) => x.code === code);
    return svc ? (state.lang === "en" ? svc.name_en : svc.name_ru) : code;
  }
  function serviceList(p) {
    const own = state.lang === "en" ? p.services_en : p.services_ru;
    if (own) return own;
    if (!p.services) return "";
    return String(p.services).split(/,\s*/).map(serviceName).join(", ");
  }
  function token() { return sessionStorage.getItem("opora.token") || ""; }

  async function api(path, options) {
    const opts = Object.assign({ headers: {} }, options || {});
    if (opts.method && opts.method !== "GET" && token()) {
      opts.headers.Authorization = "Bearer " + token();
    }
    const resp = await fetch(path, opts);
    if (resp.status === 204) return null;
    const type = resp.headers.get("content-type") || "";
    const body = type.includes("json") ? await resp.json() : await resp.text();
    if (!resp.ok) {
      const msg = body && body.error ? body.error.message
        : body && body.detail ? JSON.stringify(body.detail) : resp.status + " " + resp.statusText;
      const err = new Error(msg);
      err.status = resp.status;
      throw err;
    }
    return body;
  }

  function infoLayer(id) {
    return (state.info.layers || []).find((l) => l.id === id);
  }
  function layerTitle(layer) {
    const key = "layer_" + layer.id;
    const own = t(key);
    if (own !== key) return own;
    return (state.lang === "en" ? layer.title_en : layer.title_ru) || layer.id;
  }
  function badge() {
    return `<span class="badge" title="${esc(t("modelled_title"))}">${esc(t("modelled"))}</span>`;
  }
  function matchExpr(prop, pairs, fallback) {
    if (!pairs.length) return fallback;
    const expr = ["match", ["to-string", ["get", prop]]];
    for (const [code, colour] of pairs) expr.push(code, colour);
    expr.push(fallback);
    return expr;
  }

  // -- the map -------------------------------------------------------------------------------
  function baseStyle() {
    return {
      version: 8,
      sources: {},
      layers: [{ id: "background", type: "background", paint: { "background-color": "#eef1ea" } }],
    };
  }

  function sourceFor(layer) {
    if (layer.source === "tiles") {
      return {
        type: "vector",
        tiles: [tileUrl(layer.id)],
        minzoom: 0,
        maxzoom: 14,
      };
    }
    return { type: "geojson", data: { type: "FeatureCollection", features: [] } };
  }

  function tileUrl(id) {
    let url = `${ORIGIN}/api/tiles/${id}/{z}/{x}/{y}.pbf`;
    if (id === "access") url += `?service=${encodeURIComponent(state.service)}&season=${encodeURIComponent(state.season)}`;
    return url;
  }

  function minutesExpr() {
    const s = state.service;
    const z = state.season;
    return ["coalesce", ["get", "minutes"], ["get", `minutes_${s}_${z}`], ["get", `min_${s}`], -1];
  }

  /** MapLibre layers (id, type, paint) that draw one API layer. */
  function styleLayers(layer) {
    const id = layer.id;
    const src = { source: id };
    if (layer.source === "tiles") src["source-layer"] = id;
    const L = "L-" + id;
    if (id === "settlements") {
      const radius = (k) => matchExpr("size_class", SIZE.map(([c, , r]) => [c, r * k]), 2 * k);
      return [{
        id: L, type: "circle", ...src,
        paint: {
          "circle-color": matchExpr("size_class", SIZE.map(([c, col]) => [c, col]), "#bdbdbd"),
          "circle-radius": ["interpolate", ["linear"], ["zoom"], 4, radius(1), 9, radius(2), 13, radius(3.5)],
          "circle-stroke-color": "#ffffff",
          "circle-stroke-width": ["interpolate", ["linear"], ["zoom"], 5, 0.3, 10, 1],
        },
      }];
    }
    if (id === "anchors") {
      return [{
        id: L, type: "circle", ...src,
        paint: {
          "circle-color": matchExpr("level", LEVEL, "#999999"),
          "circle-radius": ["interpolate", ["linear"], ["zoom"], 4,
            matchExpr("level", [["district", 5]], 3), 10, matchExpr("level", [["district", 11]], 7)],
          "circle-stroke-color": "#ffffff",
          "circle-stroke-width": 1.5,
        },
      }];
    }
    if (id === "anchor_catchments") {
      return [
        { id: L + "-fill", type: "fill", ...src,
          paint: { "fill-color": matchExpr("level", LEVEL, "#999999"), "fill-opacity": 0.12 } },
        { id: L + "-line", type: "line", ...src,
          paint: { "line-color": matchExpr("level", LEVEL, "#999999"), "line-width": 0.8, "line-opacity": 0.6 } },
      ];
    }
    if (id === "outside") {
      return [{
        id: L, type: "circle", ...src,
        paint: {
          "circle-color": matchExpr("reason", REASON, "#666666"),
          "circle-radius": ["interpolate", ["linear"], ["zoom"], 4, 2, 10, 5],
          "circle-stroke-color": "#ffffff", "circle-stroke-width": 0.5,
        },
      }];
    }
    if (id === "access") {
      const m = minutesExpr();
      return [{
        id: L, type: "circle", ...src,
        paint: {
          "circle-color": ["case", ["<", m, 0], "#bdbdbd",
            ["step", m, MINUTES[0][1], 15, MINUTES[1][1], 30, MINUTES[2][1], 60, MINUTES[3][1]]],
          "circle-radius": ["interpolate", ["linear"], ["zoom"], 4, 3, 10, 7],
          "circle-stroke-color": "#ffffff", "circle-stroke-width": 0.5,
        },
      }];
    }
    if (id === "ties") {
      return [{
        id: L, type: "line", ...src,
        layout: { "line-cap": "round" },
        paint: {
          "line-color": "#6a3d9a", "line-opacity": 0.55,
          "line-width": ["interpolate", ["linear"], ["sqrt", ["max", ["to-number", ["coalesce", ["get", "weight"], 1]], 0]],
            0, 0.5, 10, 2, 40, 6],
        },
      }];
    }
    if (id === "municipalities") {
      const colours = typeColours();
      const fill = matchExpr("_type", colours, "#cccccc");
      if (layer.geometry === "polygon") {
        return [{ id: L, type: "fill", ...src, paint: { "fill-color": fill, "fill-opacity": 0.35, "fill-outline-color": "#555" } }];
      }
      return [{
        id: L, type: "circle", ...src,
        paint: { "circle-color": fill, "circle-radius": ["interpolate", ["linear"], ["zoom"], 4, 4, 10, 9],
          "circle-stroke-color": "#333", "circle-stroke-width": 0.8, "circle-opacity": 0.85 },
      }];
    }
    if (id === "boundaries" || (id === "regions" && layer.geometry === "polygon")) {
      return [
        { id: L + "-fill", type: "fill", ...src, paint: { "fill-color": "#ffffff", "fill-opacity": 0.35 } },
        { id: L + "-line", type: "line", ...src, paint: { "line-color": "#8a8f98", "line-width": id === "regions" ? 1.2 : 0.6 } },
      ];
    }
    if (id === "regions") {
      return [{
        id: L, type: "circle", ...src,
        paint: { "circle-color": "#ffffff", "circle-opacity": 0.6, "circle-stroke-color": "#555", "circle-stroke-width": 1,
          "circle-radius": ["interpolate", ["linear"], ["zoom"], 2, 5, 6, 12] },
      }];
    }
    if (id === "facilities") {
      return [{
        id: L, type: "circle", ...src,
        paint: { "circle-color": "#1f78b4", "circle-radius": 3, "circle-stroke-color": "#fff", "circle-stroke-width": 0.8 },
      }];
    }
    // a layer this page does not know: drawn by its geometry
    const kind = layer.geometry === "polygon" ? "fill" : layer.geometry === "line" ? "line" : "circle";
    const paint = kind === "fill" ? { "fill-color": "#888", "fill-opacity": 0.2 }
      : kind === "line" ? { "line-color": "#555" } : { "circle-color": "#555", "circle-radius": 3 };
    return [{ id: L, type: kind, ...src, paint }];
  }

  function typeColours() {
    return state.types.map((code, i) => [code, PALETTE[i % PALETTE.length]]);
  }

  /** Legend entries of one layer: [colour, label, shape]. */
  function legendEntries(layer) {
    switch (layer.id) {
      case "settlements": return SIZE.map(([c, col]) => [col, t("size_" + c), "dot"]);
      case "anchors": return LEVEL.map(([c, col]) => [col, t("level_" + c), "dot"]);
      case "anchor_catchments": return LEVEL.map(([c, col]) => [col, t("level_" + c), "fill"]);
      case "outside": return REASON.map(([c, col]) => [col, t("reason_" + c), "dot"]);
      case "access": return MINUTES.map(([, col, key]) => [col, t(key), "dot"]).concat([["#bdbdbd", t("minutes_none"), "dot"]]);
      case "municipalities": return typeColours().map(([c, col]) => [col, label("type", c), "dot"])
        .concat([["#cccccc", t("type_other"), "dot"]]);
      case "ties": return [["#6a3d9a", t("ties_weight"), "line"]];
      case "regions": return [["#ffffff", layerTitle(layer), layer.geometry === "polygon" ? "fill" : "dot"]];
      case "boundaries": return [["#8a8f98", layerTitle(layer), "line"]];
      case "facilities": return [["#1f78b4", layerTitle(layer), "dot"]];
      default: return [];
    }
  }

  function orderOf(id) {
    const i = ORDER.indexOf(id);
    return i < 0 ? ORDER.length : i;
  }

  function addLayers() {
    const map = state.map;
    if (state.info.tiles_url) {
      map.addSource("raster", { type: "raster", tiles: [state.info.tiles_url], tileSize: 256 });
      map.addLayer({ id: "L-raster", type: "raster", source: "raster", layout: { visibility: "none" } });
      state.visible.raster = false;
    }
    const layers = [...state.info.layers].sort((a, b) => orderOf(a.id) - orderOf(b.id));
    const on = state.info.kind === "country" ? DEFAULT_ON_COUNTRY : DEFAULT_ON;
    for (const layer of layers) {
      map.addSource(layer.id, sourceFor(layer));
      if (layer.id === "municipalities" && layer.geometry !== "polygon" && state.info.kind !== "country") {
        // the base map: municipal centres, always drawn under the layers
        map.addLayer({
          id: "base-municipalities", type: "circle", source: layer.id,
          paint: { "circle-color": "#ffffff", "circle-radius": 2.5, "circle-stroke-color": "#6b6b6b", "circle-stroke-width": 0.8 },
        });
      }
      for (const spec of styleLayers(layer)) {
        spec.layout = Object.assign({}, spec.layout, { visibility: on.has(layer.id) ? "visible" : "none" });
        map.addLayer(spec);
      }
      state.visible[layer.id] = on.has(layer.id);
    }
    // the job result and the scenario being edited, on top
    map.addSource("job", { type: "geojson", data: emptyFC() });
    const jobColour = ["case",
      ["has", "change"], matchExpr("change", CHANGE, "#6a3d9a"),
      ["has", "reason"], matchExpr("reason", REASON, "#666666"),
      matchExpr("_layer", Object.entries(JOB_LAYERS).filter((e) => e[1]), "#6a3d9a")];
    map.addLayer({ id: "job-fill", type: "fill", source: "job", filter: ["==", ["geometry-type"], "Polygon"],
      paint: { "fill-color": jobColour, "fill-opacity": 0.3 } });
    map.addLayer({ id: "job-line", type: "line", source: "job", filter: ["==", ["geometry-type"], "LineString"],
      paint: { "line-color": jobColour, "line-width": 2 } });
    map.addLayer({ id: "job-circle", type: "circle", source: "job", filter: ["==", ["geometry-type"], "Point"],
      paint: { "circle-color": jobColour, "circle-radius": ["interpolate", ["linear"], ["zoom"], 4, 3.5, 10, 7],
        "circle-stroke-color": "#ffffff", "circle-stroke-width": 1 } });
    map.addSource("scenario", { type: "geojson", data: emptyFC() });
    map.addLayer({ id: "scenario-line", type: "line", source: "scenario", filter: ["==", ["geometry-type"], "LineString"],
      paint: { "line-color": "#000000", "line-width": 3, "line-dasharray": [2, 1] } });
    map.addLayer({ id: "scenario-point", type: "circle", source: "scenario", filter: ["==", ["geometry-type"], "Point"],
      paint: { "circle-color": "rgba(0,0,0,0)", "circle-radius": 9, "circle-stroke-color": "#000000", "circle-stroke-width": 2.5 } });
  }

  function emptyFC() { return { type: "FeatureCollection", features: [] }; }

  /** Fetch a GeoJSON layer once; a failure is shown beside the layer, the page goes on. */
  async function loadGeojson(id) {
    const layer = infoLayer(id);
    if (!layer || layer.source === "tiles" || state.loaded[id]) return;
    state.loaded[id] = "loading";
    const pre = state.prefetch[id];
    delete state.prefetch[id];
    try {
      const fc = pre ? await pre : await api(`/api/layers/${id}.geojson?limit=20000`);
      if (fc instanceof Error) throw fc;
      if (id === "municipalities") prepareTypes(fc);
      state.map.getSource(id).setData(fc);
      state.loaded[id] = true;
    } catch (err) {
      state.loaded[id] = false;
      state.layerErrors[id] = err.message;
      renderLayerList();
    }
  }

  /** Town types: each municipality gets `_type`, the first of its types (or its kind). */
  function prepareTypes(fc) {
    const counts = new Map();
    for (const f of fc.features) {
      const p = f.properties || {};
      const raw = p.types ?? p.town_type ?? p.type ?? "";
      const first = String(Array.isArray(raw) ? raw[0] ?? "" : raw).split(/[,;|]/)[0].trim();
      p._type = first;
      f.properties = p;
      if (first) counts.set(first, (counts.get(first) || 0) + 1);
    }
    state.types = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, PALETTE.length).map((e) => e[0]);
    if (state.map.getLayer("L-municipalities") && infoLayer("municipalities").geometry !== "polygon") {
      state.map.setPaintProperty("L-municipalities", "circle-color", matchExpr("_type", typeColours(), "#cccccc"));
    } else if (state.map.getLayer("L-municipalities")) {
      state.map.setPaintProperty("L-municipalities", "fill-color", matchExpr("_type", typeColours(), "#cccccc"));
    }
    fillSelect($("#munis-type"), state.types, "munis_type_all", (c) => label("type", c));
    renderLegend();
  }

  function mapLayerIds(id) {
    return state.map.getStyle().layers.filter((l) => l.id === "L-" + id || l.id.startsWith("L-" + id + "-")).map((l) => l.id);
  }

  async function setVisible(id, on) {
    state.visible[id] = on;
    for (const lid of mapLayerIds(id)) state.map.setLayoutProperty(lid, "visibility", on ? "visible" : "none");
    renderLegend();
    renderLayerList();
    if (on) await loadGeojson(id);
  }

  /** Choose the service and season of the access layer: its source is rebuilt with the new tile URL. */
  function setAccess(service, season) {
    state.service = service;
    state.season = season;
    const layer = infoLayer("access");
    if (!layer) return;
    const map = state.map;
    const all = map.getStyle().layers;
    const mine = all.filter((l) => l.source === "access").map((l) => l.id);
    const last = all.findIndex((l) => l.id === mine[mine.length - 1]);
    const before = last >= 0 && last + 1 < all.length ? all[last + 1].id : undefined;
    for (const id of mine) map.removeLayer(id);
    map.removeSource("access");
    map.addSource("access", sourceFor(layer));
    for (const spec of styleLayers(layer)) {
      spec.layout = Object.assign({}, spec.layout, { visibility: state.visible.access ? "visible" : "none" });
      map.addLayer(spec, before);
    }
    if (layer.source !== "tiles") { state.loaded.access = false; if (state.visible.access) loadGeojson("access"); }
  }

  // -- the layer list and the legend -----------------------------------------------------------
  function renderLayerList() {
    const ul = $("#layer-list");
    const items = [];
    if (state.info.tiles_url) {
      items.push(`<li><label class="layer"><input type="checkbox" data-layer="raster" ${state.visible.raster ? "checked" : ""}> ${esc(t("layer_raster"))}</label></li>`);
    }
    const layers = [...state.info.layers].sort((a, b) => orderOf(b.id) - orderOf(a.id));
    for (const layer of layers) {
      let controls = "";
      if (layer.id === "access") {
        const services = (state.info.services || []).map((s) =>
          `<option value="${esc(s.code)}" ${s.code === state.service ? "selected" : ""}>${esc(state.lang === "en" ? s.name_en : s.name_ru)}</option>`).join("");
        const seasons = (state.info.seasons || ["summer"]).map((s) =>
          `<option value="${esc(s)}" ${s === state.season ? "selected" : ""}>${esc(label("season", s))}</option>`).join("");
        controls = `<div class="controls"><label>${esc(t("service"))} <select id="access-service">${services}</select></label>
          <label>${esc(t("season"))} <select id="access-season">${seasons}</select></label></div>`;
      }
      const error = state.layerErrors[layer.id] ? `<div class="hint error">${esc(t("error"))}: ${esc(state.layerErrors[layer.id])}</div>` : "";
      items.push(`<li data-id="${esc(layer.id)}"><label class="layer"><input type="checkbox" data-layer="${esc(layer.id)}" ${state.visible[layer.id] ? "checked" : ""}>
        ${esc(layerTitle(layer))} ${layer.modelled ? badge() : ""}</label>${controls}${error}</li>`);
    }
    ul.innerHTML = items.join("");
  }

  function renderLegend() {
    const parts = [];
    for (const layer of [...state.info.layers].sort((a, b) => orderOf(b.id) - orderOf(a.id))) {
      if (!state.visible[layer.id]) continue;
      const entries = legendEntries(layer);
      parts.push(`<h3>${esc(layerTitle(layer))} ${layer.modelled ? badge() : ""}</h3>`);
      if (layer.id === "access" && state.service) {
          parts.push(`<div class="hint">${esc(serviceName(state.service))}, ${esc(label("season", state.season))}</div>`);
      }
      parts.push("<ul>" + entries.map(([col, text, shape]) =>
        `<li><span class="swatch ${shape}" style="background:${col}"></span>${esc(text)}</li>`).join("") + "</ul>");
    }
    if (state.shownJob) {
      const job = state.jobs.get(state.shownJob) || {};
      const entries = [];
      for (const name of job.layers || []) {
        if (JOB_LAYERS[name]) entries.push([JOB_LAYERS[name], label("job_layer", name)]);
        else if (name === "outside") for (const [c, col] of REASON) entries.push([col, `${label("job_layer", name)}: ${t("reason_" + c)}`]);
        else for (const [c, col] of CHANGE.filter((x) => (name === "anchors_change") === (x[0] === "added" || x[0] === "removed"))) {
          if (c !== "same") entries.push([col, `${label("job_layer", name)}: ${t("job_" + c)}`]);
        }
      }
      parts.push(`<h3>${esc(t("job_result"))}: ${esc(jobKind(job.kind))} ${badge()}</h3><ul>` + entries.map(([col, text]) =>
        `<li><span class="swatch" style="background:${col}"></span>${esc(text)}</li>`).join("") + "</ul>");
    }
    $("#legend").innerHTML = parts.join("");
    $("#legend").hidden = parts.length === 0;
  }

  function renderBanner() {
    const m = state.info.modelled || {};
    const what = Object.keys(m).filter((k) => m[k]).map((k) => label("modelled", k));
    $("#banner-text").textContent = what.length ? t("banner_modelled", { what: what.join(", ") }) : t("banner_none");
    const show = what.length > 0 && sessionStorage.getItem("opora.banner") !== "closed";
    $("#banner").hidden = !show;
    document.body.classList.toggle("with-banner", show);
    if (state.map) state.map.resize();
  }

  // -- clicks on the map -------------------------------------------------------------------------
  function interactiveLayers() {
    const ids = ["job-circle", "L-anchors", "L-facilities", "L-settlements", "L-outside", "L-access",
      "L-municipalities", "base-municipalities", "L-regions", "L-ties", "L-boundaries-fill"];
    return ids.filter((id) => state.map.getLayer(id) && state.map.getLayoutProperty(id, "visibility") !== "none");
  }

  function onMapClick(e) {
    const box = [[e.point.x - 4, e.point.y - 4], [e.point.x + 4, e.point.y + 4]];
    const feats = state.map.queryRenderedFeatures(box, { layers: interactiveLayers() });
    if (!feats.length) return;
    const f = feats[0];
    const layer = f.layer.id.replace(/^L-|^base-/, "");
    if (state.scenario.mode === "close" && (layer === "anchors" || layer === "facilities")) {
      toggleClosed(layer, f);
      return;
    }
    if (state.scenario.mode === "link") {
      const s = feats.find((x) => x.layer.id === "L-settlements" || x.layer.id === "L-anchors");
      if (s) { pickLink(s); return; }
    }
    showPopup(layer, f, e.lngLat);
    // a click on a town (or on an anchor drawn over it) opens the town's page
    const town = feats.find((x) => x.layer.id === "L-settlements" && TOWN_CLASSES.has(x.properties.size_class) && x.properties.oktmo);
    if (town) openTown(String(town.properties.oktmo));
  }

  function popupRows(layer, p) {
    const rows = [];
    if (p.population !== undefined) rows.push([t("popup_population"), num(p.population)]);
    if (layer === "settlements" && p.size_class) rows.push([t("popup_size"), t("size_" + p.size_class)]);
    if (p.level !== undefined && layer === "anchors") rows.push([t("popup_level"), label("level", p.level)]);
    if (p.reason) rows.push([t("popup_reason"), label("reason", p.reason)]);
    if (layer === "access") {
      const v = p.minutes ?? p[`minutes_${state.service}_${state.season}`] ?? p[`min_${state.service}`];
      rows.push([t("popup_minutes"), num(v)]);
    }
    if (layer === "municipalities" && p._type) rows.push([t("popup_type"), label("type", p._type)]);
    const services = serviceList(p);
    if (services) rows.push([t("popup_services"), services]);
    if (layer === "ties" && p.weight !== undefined) rows.push(["weight", num(p.weight)]);
    return rows;
  }

  function showPopup(layer, f, lngLat) {
    const p = f.properties || {};
    const rows = popupRows(layer, p).map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(v)}</td></tr>`).join("");
    const oktmo = p.oktmo ? String(p.oktmo) : "";
    const button = oktmo ? `<button type="button" data-town="${esc(oktmo)}">${esc(t("town_open"))}</button>` : "";
    const html = `<h4>${esc(p.name || p.anchor_id || p.settlement_id || "")}</h4><table>${rows}</table>${button}`;
    if (state.popup) state.popup.remove();
    state.popup = new maplibregl.Popup({ closeButton: true, maxWidth: "300px" }).setLngLat(lngLat).setHTML(html).addTo(state.map);
    const btn = state.popup.getElement().querySelector("button[data-town]");
    if (btn) btn.addEventListener("click", () => openTown(btn.dataset.town));
  }

  const PADDING = { top: 40, bottom: 40, left: 40, right: 300 };

  function flyTo(item) {
    const padding = PADDING;
    if (Array.isArray(item.bbox) && item.bbox.length === 4 && item.bbox[0] !== item.bbox[2]) {
      state.map.fitBounds([[item.bbox[0], item.bbox[1]], [item.bbox[2], item.bbox[3]]], { padding, maxZoom: 11 });
    } else if (item.lon !== undefined && item.lat !== undefined && item.lon !== null) {
      state.map.flyTo({ center: [item.lon, item.lat], zoom: Math.max(state.map.getZoom(), 9.5), padding });
    }
  }

  // -- the town page --------------------------------------------------------------------------
  async function openTown(oktmo) {
    state.town = oktmo;
    const panel = $("#town");
    const frame = $("#town-frame");
    panel.hidden = false;
    $("#town-pdf").hidden = true;
    frame.srcdoc = `<p style="font-family:sans-serif">${esc(t("loading"))}</p>`;
    try {
      const town = await api(`/api/towns/${encodeURIComponent(oktmo)}`);
      if (state.town !== oktmo) return;
      const links = town.links || {};
      const html = links.html || `/api/towns/${encodeURIComponent(oktmo)}/passport.html`;
      const pdf = links.pdf || `/api/towns/${encodeURIComponent(oktmo)}/passport.pdf`;
      frame.removeAttribute("srcdoc");
      frame.src = withLang(html);
      $("#town-pdf").href = withLang(pdf);
      $("#town-pdf").hidden = false;
      panel.dataset.oktmo = oktmo;
      panel.querySelector("h2").textContent = `${t("town_page")}: ${town.name || oktmo}`;
    } catch (err) {
      frame.srcdoc = `<p style="font-family:sans-serif">${esc(t("town_none", { msg: err.message }))}</p>`;
    }
  }
  function withLang(url) {
    const u = new URL(url, ORIGIN);
    u.searchParams.set("lang", state.lang);
    return u.pathname + u.search;
  }
  function closeTown() {
    state.town = null;
    $("#town").hidden = true;
    $("#town-frame").src = "about:blank";
  }

  // -- municipalities panel --------------------------------------------------------------------
  async function loadMunis() {
    const m = state.munis;
    const q = new URLSearchParams({ q: m.q, type: m.type, level: m.level, sort: m.sort, order: m.order, offset: m.offset, limit: PAGE });
    for (const k of ["q", "type", "level"]) if (!m[k]) q.delete(k);
    try {
      m.data = await api(`/api/municipalities?${q}`);
    } catch (err) {
      m.data = { total: 0, offset: 0, limit: PAGE, items: [], error: err.message };
    }
    renderMunis();
  }

  function renderMunis() {
    const m = state.munis;
    const d = m.data;
    if (!d) return;
    $("#munis-table tbody").innerHTML = d.items.map((r, i) =>
      `<tr data-i="${i}"><td>${esc(r.name)}<div class="hint">${esc(r.oktmo)}</div></td><td>${esc(label("type", r.type))}</td><td class="num">${num(r.population)}</td></tr>`).join("")
      || `<tr><td colspan="3" class="hint">${esc(d.error || t("rows_total", { n: 0 }))}</td></tr>`;
    for (const th of document.querySelectorAll("#munis-table th[data-sort]")) {
      th.setAttribute("aria-sort", th.dataset.sort === m.sort ? (m.order === "asc" ? "ascending" : "descending") : "none");
    }
    renderPager($("#munis-pager"), d, (offset) => { m.offset = offset; loadMunis(); });
  }

  function renderPager(el, d, go) {
    const pages = Math.max(1, Math.ceil(d.total / (d.limit || PAGE)));
    const page = Math.floor((d.offset || 0) / (d.limit || PAGE)) + 1;
    el.innerHTML = `<button type="button" class="prev" ${page <= 1 ? "disabled" : ""}>${esc(t("prev"))}</button>
      <span>${esc(t("page_of", { p: page, n: pages }))} · ${esc(t("rows_total", { n: num(d.total) }))}</span>
      <button type="button" class="next" ${page >= pages ? "disabled" : ""}>${esc(t("next"))}</button>`;
    el.querySelector(".prev").onclick = () => go(Math.max(0, (d.offset || 0) - (d.limit || PAGE)));
    el.querySelector(".next").onclick = () => go((d.offset || 0) + (d.limit || PAGE));
  }

  // -- anchor framework panel -------------------------------------------------------------------
  async function loadAnchorSummary() {
    try {
      state.anchors.summary = await api("/api/anchors/summary");
    } catch (err) {
      state.anchors.summary = { error: err.message };
    }
    renderAnchorSummary();
  }

  /** Column header: an i18n key col_<name>, else the name itself. */
  function colName(c) {
    const key = "col_" + c;
    const got = t(key);
    return got === key ? c.replace(/_/g, " ") : got;
  }
  function cell(c, v) {
    if (typeof v === "number") return num(v, /_pct|_pp$|share/.test(c) ? 1 : undefined);
    if (typeof v === "boolean") return v ? "✓" : "—";
    if (c === "service") return serviceName(v);
    if (c === "level") return label("level", v);
    if (c === "reason") return label("reason", v);
    if (c === "season") return label("season", v);
    return v ?? "—";
  }

  /** A table of records; columns of the other language and the network note are left out. */
  function recordsTable(rows, limit, only) {
    if (!rows.length) return "";
    const mine = state.lang === "en" ? "_en" : "_ru";
    const other = state.lang === "en" ? "_ru" : "_en";
    let cols = Object.keys(rows[0]).filter((c) => !c.endsWith(other) && c !== "network" && !c.startsWith("_"));
    cols = cols.filter((c) => !cols.includes(c + mine) && !(c === "service" && cols.includes("label" + mine)));
    if (only) cols = cols.filter((c) => only.includes(c.endsWith(mine) ? c.slice(0, -3) : c));
    cols = cols.slice(0, 5);
    const head = cols.map((c) => `<th>${esc(colName(c.endsWith(mine) ? c.slice(0, -3) : c))}</th>`).join("");
    const body = rows.slice(0, limit || 30).map((r) => "<tr>" + cols.map((c) =>
      `<td class="${typeof r[c] === "number" ? "num" : ""}">${esc(cell(c, r[c]))}</td>`).join("") + "</tr>").join("");
    const more = rows.length > (limit || 30) ? `<p class="hint">… ${esc(t("rows_total", { n: num(rows.length) }))}</p>` : "";
    return `<div class="scroll"><table class="data summary-table"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>${more}`;
  }

  // job summaries: the sections people look for first, and the columns worth a narrow panel
  const SUMMARY_FIRST = ["changed", "anchors", "counts", "coverage", "additions", "redundant"];
  const SUMMARY_COLUMNS = {
    coverage: ["label", "covered_pct_before", "covered_pct_after", "delta_pp", "given_pct", "proposed_pct", "difference_pp", "covered_pct"],
    counts: ["level", "given", "proposed", "in_both"],
    additions: ["name", "level", "population", "covered_population"],
  };

  /** A JSON summary as a list of numbers, short texts and tables, labelled by sum_<key>. */
  function summaryHtml(obj) {
    if (!obj || typeof obj !== "object") return "";
    const rows = [];
    const tables = [];
    const name = (k) => { const key = "sum_" + k; const got = t(key); return got === key ? k.replace(/_/g, " ") : got; };
    const rank = (k) => { const i = SUMMARY_FIRST.indexOf(k); return i < 0 ? SUMMARY_FIRST.length : i; };
    const scalar = (v) => v === null || typeof v !== "object" || (Array.isArray(v) && !(v.length && typeof v[0] === "object"));
    const all = Object.entries(obj);
    const entries = all.filter((e) => scalar(e[1]))
      .concat(all.filter((e) => !scalar(e[1])).sort((a, b) => rank(a[0]) - rank(b[0])));
    for (const [k, v] of entries) {
      if (v === null || typeof v !== "object") {
        rows.push(`<dt>${esc(name(k))}</dt><dd>${esc(cell(k, v))}</dd>`);
      } else if (Array.isArray(v) && v.length && typeof v[0] === "object") {
        tables.push(`<h3 class="hint">${esc(name(k))}</h3>` + recordsTable(v, 30, SUMMARY_COLUMNS[k]));
      } else if (Array.isArray(v)) {
        const text = v.length ? v.slice(0, 20).map((x) => (typeof x === "object" ? JSON.stringify(x) : x)).join(", ") + (v.length > 20 ? " …" : "") : "—";
        rows.push(`<dt>${esc(name(k))}</dt><dd class="text">${esc(text)}</dd>`);
      } else {
        tables.push(`<h3 class="hint">${esc(name(k))}</h3>` + summaryHtml(v));
      }
    }
    return (rows.length ? `<dl class="summary">${rows.join("")}</dl>` : "") + tables.join("");
  }

  /** The framework in brief: anchors by level, coverage by service, the official list's evaluation. */
  function renderAnchorSummary() {
    const s = state.anchors.summary;
    const el = $("#anchors-summary");
    if (!s) { el.innerHTML = ""; return; }
    if (s.error) { el.innerHTML = `<p class="hint">${esc(s.error)}</p>`; return; }
    const parts = [];
    if (s.network) {
      const modelled = /modell/i.test(s.network);
      parts.push(`<p class="hint">${esc(t("sum_network"))}: ${modelled ? badge() : esc(s.network)}</p>`);
    }
    parts.push(recordsTable(s.levels || [], 10, ["level", "anchors", "served_population"]));
    if ((s.coverage || []).length) {
      parts.push(`<h3 class="hint">${esc(t("sum_coverage"))}</h3>`
        + recordsTable(s.coverage, 30, ["label", "max_minutes", "covered_population", "covered_pct"]));
    }
    const ev = s.evaluation || {};
    if (Object.keys(ev).length) {
      const only = { counts: ["level", "given", "proposed", "in_both"], coverage: ["label", "given_pct", "proposed_pct", "difference_pp"],
        kinds: ["kind", "anchors", "covered_pct", "redundant"], redundant: ["name", "level", "population"], additions: ["name", "level", "population"] };
      const inner = Object.entries(ev).filter(([, rows]) => rows && rows.length).map(([k, rows]) =>
        `<h3 class="hint">${esc(label("sum", k))}</h3>` + recordsTable(rows, 15, only[k])).join("");
      parts.push(`<details><summary>${esc(t("sum_evaluation"))}</summary>${inner}</details>`);
    }
    el.innerHTML = parts.join("");
  }

  async function loadAnchors() {
    const a = state.anchors;
    const q = new URLSearchParams({ q: a.q, level: a.level, offset: a.offset, limit: PAGE });
    for (const k of ["q", "level"]) if (!a[k]) q.delete(k);
    try {
      a.data = await api(`/api/anchors?${q}`);
    } catch (err) {
      a.data = { total: 0, offset: 0, limit: PAGE, items: [], error: err.message };
    }
    renderAnchors();
  }

  function renderAnchors() {
    const d = state.anchors.data;
    if (!d) return;
    $("#anchors-table tbody").innerHTML = d.items.map((r, i) => {
      return `<tr data-i="${i}"><td>${esc(r.name)}<div class="hint">${esc(serviceList(r))}</div></td>
        <td>${esc(label("level", r.level))}</td><td class="num">${num(r.served_population ?? r.catchment_population)}</td></tr>`;
    }).join("") || `<tr><td colspan="3" class="hint">${esc(d.error || t("rows_total", { n: 0 }))}</td></tr>`;
    renderPager($("#anchors-pager"), d, (offset) => { state.anchors.offset = offset; loadAnchors(); });
  }

  // -- jobs: upload, scenario, export ---------------------------------------------------------------
  function showMessage(text, ok) {
    const el = $("#jobs-message");
    el.textContent = text || "";
    el.classList.toggle("ok", Boolean(ok));
  }

  async function startJob(path, body) {
    if (!token()) { showMessage(t("need_token")); selectTab("jobs"); return null; }
    showMessage("");
    try {
      const opts = { method: "POST" };
      if (body instanceof FormData) opts.body = body;
      else { opts.body = JSON.stringify(body); opts.headers = { "Content-Type": "application/json" }; }
      const res = await api(path, opts);
      const job = { id: res.id, kind: res.kind || path.split("/").pop(), status: res.status || "queued", progress: {} };
      state.jobs.set(job.id, job);
      state.lastJob = job.id;
      renderJobs();
      pollJob(job.id);
      return job.id;
    } catch (err) {
      showMessage(`${t("error")}: ${err.message}`);
      return null;
    }
  }

  async function pollJob(id) {
    for (;;) {
      let job;
      try { job = await api(`/api/jobs/${encodeURIComponent(id)}`); } catch (err) { showMessage(err.message); return; }
      state.jobs.set(id, job);
      renderJobs();
      if (job.status === "done" || job.status === "failed") {
        const li = document.querySelector(`#jobs-list li[data-job="${CSS.escape(id)}"]`);
        if (li) li.scrollIntoView({ block: "start" });
      }
      if (job.status === "done") {
        if ((job.layers || []).length) await showJob(id);
        return;
      }
      if (job.status === "failed") return;
      await new Promise((r) => setTimeout(r, 600));
    }
  }

  async function loadJobs() {
    if (state.info.kind === "country") { renderJobs(); return; }  // jobs run on a region workspace
    try {
      const res = await api("/api/jobs");
      const list = Array.isArray(res) ? res : res.items || res.jobs || [];
      for (const job of list) {
        state.jobs.set(job.id, job);
        if (job.status === "queued" || job.status === "running") pollJob(job.id);
      }
    } catch (err) { /* the jobs endpoint may be absent on a read-only build */ }
    renderJobs();
  }

  async function showJob(id) {
    const job = state.jobs.get(id);
    if (!job) return;
    const names = job.layers || [];
    const features = [];
    for (const name of names) {
      try {
        const fc = await api(`/api/jobs/${encodeURIComponent(id)}/layers/${encodeURIComponent(name)}.geojson`);
        for (const f of fc.features || []) { f.properties = Object.assign({ _layer: name }, f.properties); features.push(f); }
      } catch (err) { showMessage(err.message); }
    }
    state.shownJob = id;
    state.map.getSource("job").setData({ type: "FeatureCollection", features });
    renderLegend();
    renderJobs();
  }

  function jobKind(kind) {
    return label("job_kind", String(kind || "").replace(/-/g, "_"));
  }

  function renderJobs() {
    const ul = $("#jobs-list");
    const jobs = [...state.jobs.values()].sort((a, b) => String(b.created || "").localeCompare(String(a.created || "")));
    if (!jobs.length) { ul.innerHTML = `<li class="hint">${esc(t("jobs_none"))}</li>`; return; }
    ul.innerHTML = jobs.map((j) => {
      const p = j.progress || {};
      const bar = j.status === "running" || j.status === "queued"
        ? `<progress max="${p.total || 1}" value="${p.done || 0}"></progress><div class="hint">${esc(p.message || "")}</div>` : "";
      const downloads = (j.downloads || []).map((n) =>
        `<a href="/api/jobs/${encodeURIComponent(j.id)}/download/${encodeURIComponent(n)}" download>${esc(n)}</a>`).join(" · ");
      const show = j.status === "done" && (j.layers || []).length
        ? `<button type="button" data-show="${esc(j.id)}">${esc(t("job_show"))}</button>` : "";
      const error = j.status === "failed" ? `<div class="status-failed">${esc(j.error && j.error.message ? j.error.message : j.error || "")}</div>` : "";
      const summary = j.summary && typeof j.summary === "object" ? summaryHtml(j.summary) : "";
      return `<li data-job="${esc(j.id)}" data-status="${esc(j.status)}" class="${state.shownJob === j.id ? "shown" : ""}">
        <strong>${esc(jobKind(j.kind))}</strong> — <span class="status-${esc(j.status)}">${esc(label("job_status", j.status))}</span>
        <div class="meta">${esc(j.id)}${j.author ? " · " + esc(t("jobs_author")) + " " + esc(j.author) : ""}${j.created ? " · " + esc(String(j.created).replace("T", " ").slice(0, 19)) : ""}</div>
        ${bar}${error}${summary}
        ${downloads ? `<div>${esc(t("job_downloads"))}: ${downloads}</div>` : ""}${show}</li>`;
    }).join("");
    for (const b of ul.querySelectorAll("button[data-show]")) b.onclick = () => showJob(b.dataset.show);
  }

  // the scenario editor
  function toggleClosed(layer, f) {
    const p = f.properties || {};
    const key = layer === "anchors" ? "close_anchors" : "close_facilities";
    const id = String(layer === "anchors" ? p.settlement_id ?? p.anchor_id : p.facility_id);
    const list = state.scenario[key];
    const i = list.findIndex((x) => x.id === id);
    if (i >= 0) list.splice(i, 1);
    else list.push({ id, name: p.name || id, coords: f.geometry.coordinates });
    renderScenario();
  }

  function pickLink(f) {
    const p = f.properties || {};
    const node = { id: String(p.settlement_id), name: p.name || p.settlement_id, coords: f.geometry.coordinates };
    const sc = state.scenario;
    if (!sc.pick) { sc.pick = node; }
    else if (sc.pick.id !== node.id) {
      sc.add_links.push({ from: sc.pick, to: node, minutes: Number($("#link-minutes").value) || 15 });
      sc.pick = null;
    }
    renderScenario();
  }

  function renderScenario() {
    const sc = state.scenario;
    $("#scenario-pick").textContent = sc.mode === "link"
      ? (sc.pick ? t("jobs_link_pick2", { name: sc.pick.name }) : t("jobs_link_pick1")) : "";
    const closed = sc.close_anchors.map((x) => ["close_anchors", x]).concat(sc.close_facilities.map((x) => ["close_facilities", x]));
    const li = (html, key, i) => `<li>${html}<button type="button" data-key="${key}" data-i="${i}" title="✕">✕</button></li>`;
    $("#scenario-list").innerHTML = `<strong>${esc(t("jobs_closed"))}:</strong>`
      + (closed.length ? "<ul>" + closed.map(([key, x]) => li(esc(x.name), key, state.scenario[key].indexOf(x))).join("") + "</ul>" : ` ${esc(t("jobs_nothing"))}<br>`)
      + `<strong>${esc(t("jobs_links"))}:</strong>`
      + (sc.add_links.length ? "<ul>" + sc.add_links.map((l, i) => li(`${esc(l.from.name)} — ${esc(l.to.name)}, ${num(l.minutes)} min`, "add_links", i)).join("") + "</ul>" : ` ${esc(t("jobs_nothing"))}`);
    for (const b of document.querySelectorAll("#scenario-list button[data-key]")) {
      b.onclick = () => { state.scenario[b.dataset.key].splice(Number(b.dataset.i), 1); renderScenario(); };
    }
    const features = closed.map(([, x]) => ({ type: "Feature", geometry: { type: "Point", coordinates: x.coords }, properties: {} }))
      .concat(sc.add_links.map((l) => ({ type: "Feature", geometry: { type: "LineString", coordinates: [l.from.coords, l.to.coords] }, properties: {} })));
    if (sc.pick) features.push({ type: "Feature", geometry: { type: "Point", coordinates: sc.pick.coords }, properties: {} });
    if (state.map && state.map.getSource("scenario")) state.map.getSource("scenario").setData({ type: "FeatureCollection", features });
  }

  function runScenario() {
    const sc = state.scenario;
    if (!sc.close_anchors.length && !sc.close_facilities.length && !sc.add_links.length) {
      showMessage(t("need_changes"));
      return null;
    }
    return startJob("/api/jobs/scenario", {
      season: $("#scenario-season").value,
      close_facilities: sc.close_facilities.map((x) => x.id),
      close_anchors: sc.close_anchors.map((x) => x.id),
      add_links: sc.add_links.map((l) => ({ from: l.from.id, to: l.to.id, minutes: l.minutes })),
    });
  }

  // -- tabs, language, static labels ------------------------------------------------------------
  function selectTab(name) {
    for (const b of document.querySelectorAll("#tabs button")) b.setAttribute("aria-selected", String(b.dataset.tab === name));
    for (const s of document.querySelectorAll(".tab")) s.hidden = s.id !== "tab-" + name;
    if (document.body.classList.contains("panel-hidden")) {
      document.body.classList.remove("panel-hidden");
      if (state.map) state.map.resize();
    }
    if (name === "munis" && !state.munis.data) loadMunis();
    if (name === "anchors" && !state.anchors.data) { loadAnchorSummary(); loadAnchors(); }
    if (name === "jobs") renderJobs();
  }

  function fillSelect(sel, codes, allKey, name) {
    const value = sel.value;
    sel.innerHTML = (allKey ? `<option value="">${esc(t(allKey))}</option>` : "")
      + codes.map((c) => `<option value="${esc(c)}">${esc(name(c))}</option>`).join("");
    sel.value = codes.includes(value) ? value : (allKey ? "" : codes[0] || "");
  }

  function applyLang() {
    document.documentElement.lang = state.lang;
    document.title = t("app_title");
    for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
    for (const el of document.querySelectorAll("[data-i18n-ph]")) el.placeholder = t(el.dataset.i18nPh);
    for (const el of document.querySelectorAll("[data-i18n-title]")) el.title = t(el.dataset.i18nTitle);
    if (!state.info) return;
    const name = state.info.name || {};
    $("#region-name").textContent = (state.lang === "en" ? name.en : name.ru) || name.ru || "";
    fillSelect($("#munis-type"), state.types, "munis_type_all", (c) => label("type", c));
    fillSelect($("#munis-level"), ["upper", "lower"], "munis_level_all", (c) => label("level", c));
    fillSelect($("#anchors-level"), LEVEL.map((l) => l[0]), "anchors_level_all", (c) => label("level", c));
    fillSelect($("#scenario-season"), state.info.seasons || ["summer"], null, (c) => label("season", c));
    renderLayerList();
    renderLegend();
    renderBanner();
    renderMunis();
    renderAnchorSummary();
    renderAnchors();
    renderJobs();
    renderScenario();
    if (state.popup) state.popup.remove();
    if (state.town) openTown(state.town);
    if (!token() && state.info.writable === false) $("#jobs-auth-hint").textContent = t("jobs_readonly");
  }

  function bindUi() {
    $("#lang").onclick = () => {
      state.lang = state.lang === "ru" ? "en" : "ru";
      localStorage.setItem("opora.lang", state.lang);
      applyLang();
    };
    $("#panel-toggle").onclick = () => {
      document.body.classList.toggle("panel-hidden");
      if (state.map) state.map.resize();
    };
    for (const b of document.querySelectorAll("#tabs button")) b.onclick = () => selectTab(b.dataset.tab);
    $("#banner-close").onclick = () => { sessionStorage.setItem("opora.banner", "closed"); renderBanner(); };
    $("#layer-list").addEventListener("change", (e) => {
      const el = e.target;
      if (el.dataset.layer === "raster") {
        state.visible.raster = el.checked;
        state.map.setLayoutProperty("L-raster", "visibility", el.checked ? "visible" : "none");
      } else if (el.dataset.layer) {
        setVisible(el.dataset.layer, el.checked);
      } else if (el.id === "access-service" || el.id === "access-season") {
        setAccess($("#access-service").value, $("#access-season").value);
        renderLegend();
      }
    });
    let timer = null;
    $("#munis-q").addEventListener("input", (e) => {
      clearTimeout(timer);
      timer = setTimeout(() => { state.munis.q = e.target.value.trim(); state.munis.offset = 0; loadMunis(); }, 250);
    });
    $("#munis-type").onchange = (e) => { state.munis.type = e.target.value; state.munis.offset = 0; loadMunis(); };
    $("#munis-level").onchange = (e) => { state.munis.level = e.target.value; state.munis.offset = 0; loadMunis(); };
    for (const th of document.querySelectorAll("#munis-table th[data-sort]")) {
      th.onclick = () => {
        const m = state.munis;
        m.order = m.sort === th.dataset.sort && m.order === "desc" ? "asc" : "desc";
        m.sort = th.dataset.sort;
        m.offset = 0;
        loadMunis();
      };
    }
    $("#munis-table tbody").onclick = (e) => {
      const tr = e.target.closest("tr[data-i]");
      if (tr) flyTo(state.munis.data.items[Number(tr.dataset.i)]);
    };
    let atimer = null;
    $("#anchors-q").addEventListener("input", (e) => {
      clearTimeout(atimer);
      atimer = setTimeout(() => { state.anchors.q = e.target.value.trim(); state.anchors.offset = 0; loadAnchors(); }, 250);
    });
    $("#anchors-level").onchange = (e) => { state.anchors.level = e.target.value; state.anchors.offset = 0; loadAnchors(); };
    $("#anchors-table tbody").onclick = (e) => {
      const tr = e.target.closest("tr[data-i]");
      if (tr) flyTo(state.anchors.data.items[Number(tr.dataset.i)]);
    };
    $("#town-close").onclick = closeTown;
    $("#token-form").onsubmit = (e) => e.preventDefault();
    const tok = $("#token");
    tok.value = token();
    tok.addEventListener("input", () => sessionStorage.setItem("opora.token", tok.value.trim()));
    $("#upload-file").addEventListener("change", (e) => {
      const f = e.target.files[0];
      $("#upload-name").textContent = f ? f.name : "";
    });
    $("#upload-form").addEventListener("submit", (e) => {
      e.preventDefault();
      const file = $("#upload-file").files[0];
      if (!file) { showMessage(t("need_file")); return; }
      const form = new FormData();
      form.append("file", file, file.name);
      startJob("/api/jobs/anchor-list", form);
    });
    for (const r of document.querySelectorAll("#scenario-mode input")) {
      r.onchange = () => {
        state.scenario.mode = r.value;
        state.scenario.pick = null;
        if (r.value === "close" && infoLayer("facilities") && !state.visible.facilities) setVisible("facilities", true);
        if (r.value && !state.visible.anchors) setVisible("anchors", true);
        state.map.getCanvas().style.cursor = r.value ? "crosshair" : "";
        renderScenario();
      };
    }
    $("#scenario-clear").onclick = () => {
      Object.assign(state.scenario, { close_facilities: [], close_anchors: [], add_links: [], pick: null });
      renderScenario();
    };
    $("#scenario-run").onclick = runScenario;
    for (const b of document.querySelectorAll("button.export")) {
      b.onclick = () => startJob("/api/jobs/export", { format: b.dataset.format });
    }
  }

  // -- start -------------------------------------------------------------------------------------------
  async function start() {
    bindUi();
    applyLang();
    // the map starts (style, workers) while the description of the folder is fetched
    const info = api("/api/info");
    const map = new maplibregl.Map({
      container: "map",
      style: baseStyle(),
      center: [56, 54],
      zoom: 3,
      attributionControl: { compact: true, customAttribution: "opora · MapLibre" },
      maxZoom: 16,
    });
    state.map = map;
    window.opora.map = map;
    const loaded = new Promise((resolve) => map.on("load", resolve));
    state.info = await info;
    performance.mark("opora:info");
    const services = state.info.services || [];
    state.service = services.length ? services[0].code : null;
    state.season = (state.info.seasons || ["summer"])[0];
    // the GeoJSON layers drawn first are fetched while the map loads
    const on = state.info.kind === "country" ? DEFAULT_ON_COUNTRY : DEFAULT_ON;
    for (const layer of state.info.layers) {
      if (layer.source !== "tiles" && on.has(layer.id)) {
        state.prefetch[layer.id] = api(`/api/layers/${layer.id}.geojson?limit=20000`).catch((err) => err);
      }
    }
    let [w, s, e, n] = state.info.bbox || [19.6, 41.2, 190, 81.9];
    if (e - w > 180) {
      // the extent crosses the antimeridian (Chukotka): the country's own extent, east of 180° as 190°
      [w, e] = [19.6, 190];
    }
    map.fitBounds([[w, s], [e, n]], { padding: PADDING, animate: false });
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
    map.addControl(new maplibregl.ScaleControl(), "bottom-left");
    await loaded;
    performance.mark("opora:map-load");
    addLayers();
    applyLang();
    map.on("click", onMapClick);
    map.on("mousemove", (e) => {
      if (state.scenario.mode) return;
      const hit = map.queryRenderedFeatures(e.point, { layers: interactiveLayers() }).length > 0;
      map.getCanvas().style.cursor = hit ? "pointer" : "";
    });
    const first = state.info.layers.filter((l) => l.source !== "tiles" && state.visible[l.id]).map((l) => loadGeojson(l.id));
    await Promise.all(first);
    performance.mark("opora:data");
    loadJobs();
    await new Promise((resolve) => {
      if (map.loaded() && map.areTilesLoaded()) resolve();
      map.once("idle", resolve);
    });
    window.opora.readyAt = performance.now();
    document.body.dataset.ready = "1";
    // the base map's municipal centres (and the town types' colours) come after the first paint
    if (state.info.kind !== "country") loadGeojson("municipalities");
  }

  window.opora = { state, map: null, t, openTown, selectTab, setVisible, setAccess, flyTo, showJob, runScenario };
  window.opora.ready = start().catch((err) => {
    document.body.dataset.ready = "error";
    $("#banner-text").textContent = `${t("error")}: ${err.message}`;
    $("#banner").hidden = false;
    throw err;
  });
})();
