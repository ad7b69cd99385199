// Maps and charts of every page, driven by data attributes and JSON blocks that the server
// renders: no page carries a script of its own (the Content-Security-Policy allows none).
//
// Chart:  <canvas data-chart="ID"> with <script type="application/json" id="ID">{type, labels,
//         datasets: [{label, data, color, dashed: [bool per point]}], links: [url per label]}
// Map:    <div data-map data-shapes-url="URL" | data-shapes="JSON-ID" [data-values="JSON-ID"]
//         [data-measures="NAME-OF-RADIO-GROUP"] [data-measure="property"] [data-format="percent"]>
//         Each feature's properties (merged with values[code] when given) may hold name,
//         tooltip, url and the measures. Regencies are coloured in five classes by quantile of
//         the values shown, with a legend; a regency without a value is grey.
import Chart from "chart.js/auto";
import L from "leaflet";

const STEPS = ["#edf8e9", "#bae4b3", "#74c476", "#31a354", "#006d2c"];
const NO_DATA = "#d0d0d0";

function readJSON(id) {
  const node = id && document.getElementById(id);
  return node ? JSON.parse(node.textContent) : null;
}

function language() {
  return document.documentElement.lang || "id";
}

function formatter(kind) {
  const lang = language() === "en" ? "en-GB" : "id-ID";
  if (kind === "percent") {
    // Shares of a poor population are often below 1 %: keep two significant digits there.
    const wide = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
    const fine = new Intl.NumberFormat(lang, { maximumSignificantDigits: 2 });
    return (value) => `${(Math.abs(value) < 0.1 && value !== 0 ? fine : wide).format(value * 100)}%`;
  }
  const number = new Intl.NumberFormat(lang, { maximumFractionDigits: 0 });
  return (value) => number.format(value);
}

// Five classes by quantile of the values shown, so that regencies that differ are drawn
// differently even when they all sit near the same share; equal values share a class.
export function classBreaks(values, count = STEPS.length) {
  const sorted = values.filter((value) => typeof value === "number").sort((a, b) => a - b);
  if (!sorted.length) return [];
  const breaks = [];
  for (let index = 1; index <= count; index += 1) {
    const at = Math.min(sorted.length - 1, Math.ceil((index * sorted.length) / count) - 1);
    const value = sorted[at];
    if (!breaks.length || value > breaks[breaks.length - 1]) breaks.push(value);
  }
  return breaks;
}

function classOf(value, breaks) {
  if (typeof value !== "number" || !breaks.length) return -1;
  const index = breaks.findIndex((limit) => value <= limit);
  return index === -1 ? breaks.length - 1 : index;
}

function colourFor(classIndex, classCount) {
  if (classIndex < 0) return NO_DATA;
  // Spread the classes used over the whole palette, darkest for the highest.
  const step = classCount <= 1 ? STEPS.length - 1 : Math.round((classIndex * (STEPS.length - 1)) / (classCount - 1));
  return STEPS[step];
}

function legendControl(map) {
  const control = L.control({ position: "bottomright" });
  control.onAdd = () => {
    const box = L.DomUtil.create("div", "map-legend");
    box.setAttribute("data-testid", "map-legend");
    return box;
  };
  control.addTo(map);
  return control.getContainer();
}

function drawMap(element, shapes) {
  const values = readJSON(element.dataset.values) || {};
  const format = formatter(element.dataset.format);
  const title = element.dataset.legendTitle || "";
  const noData = element.dataset.noData || "–";
  let measure = element.dataset.measure || "value";
  const map = L.map(element, { attributionControl: false, zoomSnap: 0.25 });
  const properties = (feature) => ({ ...feature.properties, ...(values[feature.properties.code] || {}) });
  const layer = L.geoJSON(shapes, {
    onEachFeature: (feature, shape) => {
      const row = properties(feature);
      shape.bindTooltip(row.tooltip || row.name || feature.properties.code);
      if (row.url) shape.on("click", () => { window.location = row.url; });
    },
  }).addTo(map);
  const legend = legendControl(map);
  const paint = () => {
    const shown = layer.getLayers().map((shape) => properties(shape.feature)[measure]);
    const breaks = classBreaks(shown);
    layer.setStyle((feature) => ({
      color: "#2f4f4f",
      weight: 1,
      fillOpacity: 0.85,
      fillColor: colourFor(classOf(properties(feature)[measure], breaks), breaks.length),
    }));
    const sorted = shown.filter((value) => typeof value === "number").sort((a, b) => a - b);
    let lower = sorted.length ? sorted[0] : 0;
    const rows = breaks.map((limit, index) => {
      const label = index === 0 ? `${format(lower)} – ${format(limit)}` : `> ${format(lower)} – ${format(limit)}`;
      lower = limit;
      return `<div><i style="background:${colourFor(index, breaks.length)}"></i>${label}</div>`;
    });
    if (shown.some((value) => typeof value !== "number")) {
      rows.push(`<div><i style="background:${NO_DATA}"></i>${noData}</div>`);
    }
    legend.innerHTML = (title ? `<strong>${title}</strong>` : "") + rows.join("");
    element.dataset.classes = String(breaks.length);
  };
  paint();
  if (layer.getBounds().isValid()) map.fitBounds(layer.getBounds());
  element.dataset.shapes = String(layer.getLayers().length);
  const group = element.dataset.measures;
  if (group) {
    document.querySelectorAll(`input[name="${group}"]`).forEach((input) => {
      input.addEventListener("change", () => {
        measure = input.value;
        element.dataset.format = input.dataset.format || element.dataset.format;
        paint();
      });
    });
  }
}

export function setupMaps(scope = document) {
  scope.querySelectorAll("[data-map]").forEach((element) => {
    if (element.dataset.shapesUrl) {
      fetch(element.dataset.shapesUrl, { credentials: "same-origin" })
        .then((response) => {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then((shapes) => drawMap(element, shapes))
        .catch(() => { element.hidden = true; });
      return;
    }
    const shapes = readJSON(element.dataset.shapes);
    if (!shapes || !shapes.features || !shapes.features.length) {
      element.hidden = true;
      return;
    }
    drawMap(element, shapes);
  });
}

export function setupCharts(scope = document) {
  scope.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
    const config = readJSON(canvas.dataset.chart);
    if (!config) return;
    const type = config.type || "bar";
    const datasets = config.datasets.map((dataset) => ({
      label: dataset.label,
      data: dataset.data,
      backgroundColor: dataset.color,
      borderColor: dataset.color,
      ...(dataset.dashed
        ? { segment: { borderDash: (ctx) => (dataset.dashed[ctx.p1DataIndex] ? [6, 4] : undefined) } }
        : {}),
    }));
    const number = formatter("number");
    // Every axis starts at zero: a drop of a hundred in 98,000 must not look like a collapse.
    new Chart(canvas, {
      type,
      data: { labels: config.labels, datasets },
      options: {
        animation: false,
        scales: { y: { beginAtZero: true, ticks: { callback: (value) => number(value) } } },
        plugins: { legend: { display: datasets.length > 1 } },
        onClick: (event, items) => {
          const links = config.links || [];
          if (items.length && links[items[0].index]) window.location = links[items[0].index];
        },
      },
    });
    canvas.dataset.drawn = "true";
  });
}

// <select data-autosubmit> submits its form on change; <form data-go-to="name"> goes to the URL
// chosen in its field `name` instead of submitting.
export function setupForms(scope = document) {
  scope.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    select.addEventListener("change", () => select.form && select.form.submit());
  });
  scope.querySelectorAll("form[data-go-to]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      const field = form.elements[form.dataset.goTo];
      if (field && field.value) {
        event.preventDefault();
        window.location = field.value;
      }
    });
  });
}
