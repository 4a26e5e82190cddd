(function () {
  "use strict";
  var lang = document.documentElement.lang || "ru";
  var collator = new Intl.Collator(lang, { numeric: true, sensitivity: "base" });

  function makeSortable(table) {
    if (!table.tBodies.length || !table.tHead) { return; }
    var tbody = table.tBodies[0];
    var heads = table.tHead.rows[0].cells;
    var state = { col: -1, asc: true };

    function key(cell, numeric) {
      if (!cell) { return null; }
      if (numeric) {
        var raw = cell.getAttribute("data-v");
        if (raw === null || raw === "") { return null; }
        var v = parseFloat(raw);
        return isNaN(v) ? null : v;
      }
      var s = cell.textContent.trim();
      return s === "" || s === "\u2014" ? null : s;
    }

    function sortBy(col) {
      var numeric = heads[col].getAttribute("data-type") === "num";
      var asc = state.col === col ? !state.asc : true;
      state = { col: col, asc: asc };
      var rows = Array.prototype.slice.call(tbody.rows);
      var keyed = rows.map(function (row, i) { return { row: row, k: key(row.cells[col], numeric), i: i }; });
      keyed.sort(function (a, b) {
        if (a.k === null && b.k === null) { return a.i - b.i; }
        if (a.k === null) { return 1; }
        if (b.k === null) { return -1; }
        var c = numeric ? (a.k < b.k ? -1 : a.k > b.k ? 1 : 0) : collator.compare(a.k, b.k);
        if (c === 0) { return a.i - b.i; }
        return asc ? c : -c;
      });
      var frag = document.createDocumentFragment();
      keyed.forEach(function (item) { frag.appendChild(item.row); });
      tbody.appendChild(frag);
      for (var j = 0; j < heads.length; j++) {
        var arrow = heads[j].querySelector(".arrow");
        if (j === col) {
          heads[j].setAttribute("aria-sort", asc ? "ascending" : "descending");
          if (arrow) { arrow.textContent = asc ? "\u25B2" : "\u25BC"; }
        } else {
          heads[j].setAttribute("aria-sort", "none");
          if (arrow) { arrow.textContent = "\u21C5"; }
        }
      }
    }

    Array.prototype.forEach.call(heads, function (th, col) {
      th.addEventListener("click", function () { sortBy(col); });
      th.addEventListener("keydown", function (ev) {
        if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); sortBy(col); }
      });
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), makeSortable);

  var sel = document.getElementById("access-service");
  if (sel) {
    sel.addEventListener("change", function () {
      var v = sel.value;
      Array.prototype.forEach.call(document.querySelectorAll("#access-map-svg g.acc-svc"), function (g) {
        g.style.display = v === "" || g.getAttribute("data-service") === v ? "" : "none";
      });
      Array.prototype.forEach.call(document.querySelectorAll("#access-legend tr[data-service]"), function (tr) {
        var k = tr.getAttribute("data-service");
        tr.classList.toggle("off", v !== "" && k !== "" && k !== v);
      });
    });
  }

  function makeFilter(input) {
    var table = document.getElementById(input.getAttribute("data-table"));
    var shown = document.getElementById(input.getAttribute("data-shown"));
    if (!table || !table.tBodies.length) { return; }
    var tbody = table.tBodies[0];
    input.addEventListener("input", function () {
      var q = input.value.trim().toLocaleLowerCase(lang);
      var n = 0;
      Array.prototype.forEach.call(tbody.rows, function (row) {
        var hit = q === "" || row.textContent.toLocaleLowerCase(lang).indexOf(q) !== -1;
        row.hidden = !hit;
        if (hit) { n += 1; }
      });
      if (shown) {
        shown.textContent = shown.getAttribute("data-template")
          .replace("{shown}", String(n)).replace("{total}", String(tbody.rows.length));
      }
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("input[data-table]"), makeFilter);

  // Economy: draw the chosen municipality next to the region (bars) and the median (lines).
  function setupEconomy(sel, source) {
    var eco;
    try { eco = JSON.parse(source.textContent); } catch (err) { return; }
    var locale = lang === "ru" ? "ru-RU" : "en-US";
    var formats = {};
    var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };
    var num = function (el, name) { return parseFloat(el.getAttribute(name)); };

    function fixed(v, d) {
      if (Math.abs(v) < 0.5 * Math.pow(10, -d)) { v = 0; }
      if (!formats[d]) {
        formats[d] = new Intl.NumberFormat(locale, { minimumFractionDigits: d, maximumFractionDigits: d });
      }
      var s = formats[d].format(v + 0).replace(/-/g, "\u2212");
      return lang === "ru" ? s.replace(/[\u202f ]/g, "\u00a0") : s;
    }
    function valueText(v) { var a = Math.abs(v); return fixed(v, a >= 100 ? 0 : a >= 10 ? 1 : 2); }
    function pctText(tenths) { return fixed(tenths / 10, 1) + (lang === "ru" ? "\u00a0%" : "%"); }
    function fill(template, map) {
      return template.replace(/\{(\w+)\}/g, function (m, k) { return k in map ? String(map[k]) : m; });
    }
    // The same computation as _nice_scale in opora/report/html.py.
    function niceScale(lo, hi, n) {
      if (hi - lo <= 0) { var pad = Math.abs(hi) * 0.1 || 1; lo -= pad; hi += pad; }
      var raw = (hi - lo) / n;
      var mag = Math.pow(10, Math.floor(Math.log10(raw)));
      var step = mag * 10;
      var ms = [1, 2, 2.5, 5, 10];
      for (var i = 0; i < ms.length; i++) {
        if (ms[i] * mag >= raw * (1 - 1e-9)) { step = ms[i] * mag; break; }
      }
      return { lo: Math.floor(lo / step + 1e-9) * step, hi: Math.ceil(hi / step - 1e-9) * step, step: step };
    }
    function decimals(step) {
      var d = 0;
      while (d < 6 && Math.abs(step * Math.pow(10, d) - Math.round(step * Math.pow(10, d))) > 1e-6) { d += 1; }
      return d;
    }
    function clear(el) { while (el.firstChild) { el.removeChild(el.firstChild); } }
    function make(parent, tag, attrs, text) {
      var el = document.createElementNS(parent.namespaceURI, tag);
      Object.keys(attrs).forEach(function (k) { el.setAttribute(k, attrs[k]); });
      if (text !== undefined) { el.textContent = text; }
      parent.appendChild(el);
      return el;
    }
    function dot(parent, x, y, r, tip) {
      var c = make(parent, "circle", { cx: x.toFixed(1), cy: y.toFixed(1), r: String(r) });
      make(c, "title", {}, tip);
    }

    var secSvg = document.getElementById("economy-sector-svg");
    var secNone = document.getElementById("economy-sector-none");
    function drawSectors(code, name) {
      if (!secSvg) { return; }
      var x0 = num(secSvg, "data-x0"), pw = num(secSvg, "data-pw"), max = num(secSvg, "data-max");
      var tt = secSvg.getAttribute("data-tt");
      var vals = Object.prototype.hasOwnProperty.call(eco.s, code) ? eco.s[code] : null;
      each(secSvg.querySelectorAll("g.eco-sec"), function (g) {
        var i = eco.sec.indexOf(g.getAttribute("data-section"));
        var v = vals && i >= 0 ? vals[i] : null;
        var bar = g.querySelector("rect.eco-mun"), label = g.querySelector("text.eco-mun-v");
        var w = v === null || v === undefined ? 0 : v / 1000 / max * pw;
        bar.setAttribute("width", w.toFixed(1));
        label.setAttribute("x", (x0 + w + 4).toFixed(1));
        label.textContent = v === null || v === undefined ? (vals ? "\u2014" : "") : pctText(v);
        clear(bar);
        if (w > 0) { make(bar, "title", {}, fill(tt, { name: name, value: pctText(v) })); }
      });
      if (secNone) { secNone.hidden = vals !== null; }
    }

    var box = document.querySelector("#economy .eco-trends");
    function drawTrend(svg, tr, vals, name) {
      var x0 = num(svg, "data-x0"), pw = num(svg, "data-pw"), y0 = num(svg, "data-y0");
      var ph = num(svg, "data-ph"), r = num(svg, "data-r");
      var years = tr.y, n = years.length, span = years[n - 1] - years[0];
      var tt = box.getAttribute("data-tt"), median = box.getAttribute("data-median");
      var X = function (i) { return span ? x0 + (years[i] - years[0]) / span * pw : x0 + pw / 2; };
      var known = [];
      tr.med.concat(vals || []).forEach(function (v) { if (v !== null && isFinite(v)) { known.push(v); } });
      if (!known.length) { return; }
      var sc = niceScale(Math.min.apply(null, known), Math.max.apply(null, known), 4);
      var Y = function (v) { return y0 + ph - (v - sc.lo) / (sc.hi - sc.lo) * ph; };
      var gy = svg.querySelector("g.eco-yt");
      clear(gy);
      var d = decimals(sc.step), count = Math.round((sc.hi - sc.lo) / sc.step);
      for (var k = 0; k <= count; k++) {
        var tv = sc.lo + k * sc.step, ty = Y(tv).toFixed(1);
        make(gy, "line", { x1: String(x0), y1: ty, x2: String(x0 + pw), y2: ty });
        make(gy, "text", { x: String(x0 - 5), y: ty, dy: "3.5", "text-anchor": "end" }, fixed(tv, d));
      }
      var pts = [], gm = svg.querySelector("g.eco-med-pts");
      clear(gm);
      tr.med.forEach(function (m, i) {
        if (m === null) { return; }
        pts.push(X(i).toFixed(1) + "," + Y(m).toFixed(1));
        dot(gm, X(i), Y(m), r, fill(tt, { name: median, year: years[i], value: valueText(m) }));
      });
      svg.querySelector("polyline.eco-med").setAttribute("points", pts.join(" "));
      var path = "", pen = false, gu = svg.querySelector("g.eco-mun-pts");
      clear(gu);
      (vals || []).forEach(function (v, i) {
        if (v === null) { pen = false; return; }
        path += (pen ? "L" : "M") + X(i).toFixed(1) + " " + Y(v).toFixed(1);
        pen = true;
        dot(gu, X(i), Y(v), r, fill(tt, { name: name, year: years[i], value: valueText(v) }));
      });
      svg.querySelector("path.eco-mun-line").setAttribute("d", path);
      var na = svg.parentNode.querySelector(".eco-tr-na");
      if (na) { na.hidden = gu.childNodes.length > 0; }
    }

    function update() {
      var opt = sel.options[sel.selectedIndex];
      if (!opt) { return; }
      var code = sel.value, name = opt.text;
      each(document.querySelectorAll("#economy .eco-muni-name"), function (el) { el.textContent = name; });
      drawSectors(code, name);
      each(document.querySelectorAll("#economy svg.eco-tr"), function (svg) {
        var tr = eco.t[svg.getAttribute("data-series")];
        if (tr) { drawTrend(svg, tr, Object.prototype.hasOwnProperty.call(tr.v, code) ? tr.v[code] : null, name); }
      });
    }

    each(document.querySelectorAll("#economy .eco-js, #economy-select"), function (el) { el.hidden = false; });
    sel.addEventListener("change", update);
    update();
  }

  var ecoSel = document.getElementById("economy-muni");
  var ecoData = document.getElementById("economy-data");
  if (ecoSel && ecoData) { setupEconomy(ecoSel, ecoData); }

  // Typology: highlight one type on the map and in the table.
  var typSel = document.getElementById("strategy-type");
  if (typSel) {
    var hasType = function (el, v) {
      return (" " + (el.getAttribute("data-types") || "") + " ").indexOf(" " + v + " ") !== -1;
    };
    var typEach = function (sel, fn) { Array.prototype.forEach.call(document.querySelectorAll(sel), fn); };
    typSel.addEventListener("change", function () {
      var v = typSel.value;
      typEach("#strategy-map-svg g.typ-mk", function (g) {
        var hit = v !== "" && hasType(g, v);
        g.classList.toggle("dim", v !== "" && !hit);
        g.classList.toggle("hit", hit);
      });
      typEach("#strategy-types-table tbody tr", function (tr) {
        var hit = v !== "" && hasType(tr, v);
        tr.classList.toggle("typ-hl", hit);
        tr.classList.toggle("typ-dim", v !== "" && !hit);
      });
      typEach("#strategy-legend tr[data-type]", function (tr) {
        tr.classList.toggle("off", v !== "" && tr.getAttribute("data-type") !== v);
      });
    });
    var typBox = document.getElementById("strategy-select");
    if (typBox) { typBox.hidden = false; }
  }
}());
