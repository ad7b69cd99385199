// Behaviours of single pages, bundled here rather than written inline: the Content-Security-
// Policy allows scripts from our own files only (issue 12.6). Each one starts when its element
// is on the page; data comes from <script type="application/json"> blocks (json_script) and
// translated labels from data-label attributes.

const readJson = (id) => {
  const node = document.getElementById(id);
  return node ? JSON.parse(node.textContent) : null;
};

// A <select data-auto-submit> submits its form when changed.
function setupAutoSubmit() {
  document.querySelectorAll("select[data-auto-submit]").forEach((select) => {
    select.addEventListener("change", () => select.form.submit());
  });
}

// A <form data-go-to-choice> goes to the URL chosen in its <select> instead of submitting.
function setupGoToChoice() {
  document.querySelectorAll("form[data-go-to-choice]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      const select = form.querySelector("select");
      if (select && select.value) {
        event.preventDefault();
        window.location = select.value;
      }
    });
  });
}

// programs/quotas.html: quotas by regency on a map, five steps of one blue.
function setupQuotaMap() {
  const element = document.getElementById("quota-map");
  if (!element) return;
  const shapes = readJson("quota-shapes");
  if (!window.L || !shapes || !shapes.features.length) {
    element.remove();
    return;
  }
  const largest = Math.max(...shapes.features.map((f) => f.properties.quota)) || 1;
  const number = new Intl.NumberFormat(document.documentElement.lang || "id");
  // Five steps of one blue, by share of the largest quota: readable in print and for most colour vision.
  const steps = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"];
  const colour = (quota) =>
    steps[Math.min(steps.length - 1, Math.floor((quota / largest) * steps.length))];
  const map = window.L.map(element, { attributionControl: false, zoomSnap: 0.25 });
  const layer = window.L.geoJSON(shapes, {
    style: (feature) => ({
      color: "#1f3f5b",
      weight: 1,
      fillOpacity: 0.8,
      fillColor: colour(feature.properties.quota),
    }),
    onEachFeature: (feature, shape) => {
      const p = feature.properties;
      shape.bindTooltip(`${p.name}: ${number.format(p.filled)} / ${number.format(p.quota)}`);
    },
  }).addTo(map);
  map.fitBounds(layer.getBounds());
  const legend = document.querySelector("#quota-legend small");
  if (legend) legend.textContent = `0 – ${number.format(largest)}`;
}

// regions/regency_list.html: the regencies on a map, each a link to its page.
function setupRegionMap() {
  const element = document.getElementById("region-map");
  if (!element) return;
  const shapes = readJson("region-shapes");
  if (!window.L || !shapes) {
    element.remove();
    return;
  }
  const map = window.L.map(element, { attributionControl: false, zoomSnap: 0.25 });
  const layer = window.L.geoJSON(shapes, {
    style: { color: "#1f5f8b", weight: 1, fillOpacity: 0.25 },
    onEachFeature: (feature, shape) => {
      shape.bindTooltip(feature.properties.name);
      shape.on("click", () => {
        window.location = `${feature.properties.code}/`;
      });
    },
  }).addTo(map);
  if (shapes.features.length) map.fitBounds(layer.getBounds());
}

// contributions/budgets.html: one burn-down per budget, dashed where forecast.
function setupBudgetCharts() {
  if (!window.Chart) return;
  document.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
    const chart = readJson(canvas.dataset.chart);
    if (!chart) return;
    new window.Chart(canvas, {
      type: "line",
      data: {
        labels: chart.labels,
        datasets: [
          {
            label: canvas.dataset.label || "",
            data: chart.remaining,
            borderColor: "#1f5f8b",
            segment: {
              borderDash: (ctx) => (chart.forecast[ctx.p1DataIndex] ? [6, 4] : undefined),
            },
          },
        ],
      },
      options: { animation: false },
    });
  });
}

// reports/dashboard.html and regency.html: the coverage map and the charts.
function setupDashboard() {
  const data = readJson("map-data");
  const charts = readJson("chart-data");
  if (!data || !charts) return;
  const fmt = new Intl.NumberFormat("id-ID");
  const pct = (v) =>
    v === null || v === undefined
      ? "–"
      : `${(v * 100).toLocaleString("id-ID", { maximumFractionDigits: 2 })}%`;
  // Map: colour each regency by the chosen ratio, relative to the largest one shown.
  const element = document.getElementById("coverage-map");
  const draw = (shapes) => {
    const map = window.L.map(element, { attributionControl: false, zoomSnap: 0.25 });
    let measure = "of_quota";
    const colour = (ratio, top) => {
      if (ratio === null || ratio === undefined || !top) return "#d0d0d0";
      const t = Math.min(1, ratio / top);
      return `hsl(150, 55%, ${Math.round(88 - 60 * t)}%)`;
    };
    const layer = window.L.geoJSON(shapes, {
      onEachFeature: (feature, shape) => {
        const row = data[feature.properties.code] || {};
        shape.bindTooltip(
          `${row.name}: ${fmt.format(row.covered || 0)} / ${fmt.format(row.quota || 0)} (${pct(row.of_quota)})`,
        );
        shape.on("click", () => {
          if (row.url) window.location = row.url;
        });
      },
    }).addTo(map);
    const paint = () => {
      let top = 0;
      Object.keys(data).forEach((code) => {
        top = Math.max(top, data[code][measure] || 0);
      });
      layer.setStyle((feature) => {
        const row = data[feature.properties.code] || {};
        return { color: "#355", weight: 1, fillOpacity: 0.8, fillColor: colour(row[measure], top) };
      });
    };
    paint();
    if (layer.getBounds().isValid()) map.fitBounds(layer.getBounds());
    element.dataset.shapes = String(layer.getLayers().length);
    document.querySelectorAll("input[name=map-measure]").forEach((input) => {
      input.addEventListener("change", () => {
        measure = input.value;
        paint();
      });
    });
  };
  // The boundaries come from their own cacheable URL (ETag, a day in the browser's cache), so
  // the page itself stays small; the table beside the map holds the same figures without it.
  if (element && window.L && element.dataset.shapesUrl) {
    fetch(element.dataset.shapesUrl, { credentials: "same-origin" })
      .then((response) => {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(draw)
      .catch(() => {
        element.hidden = true;
      });
  }
  if (!window.Chart) return;
  const label = (canvas, name = "label") => (canvas && canvas.dataset[name]) || "";
  const bar = (id, chart, options) => {
    const canvas = document.getElementById(id);
    if (!canvas || !chart) return;
    new window.Chart(canvas, {
      type: (options && options.type) || "bar",
      data: {
        labels: chart.labels,
        datasets: (options && options.datasets) || [
          { label: label(canvas), data: chart.values, backgroundColor: "#2a7f62" },
        ],
      },
      options: {
        animation: false,
        plugins: { legend: { display: !!(options && options.datasets) } },
        onClick: (event, items) => {
          if (chart.links && items.length && chart.links[items[0].index]) {
            window.location = chart.links[items[0].index];
          }
        },
      },
    });
  };
  const headcount = document.getElementById("chart-headcount");
  bar("chart-headcount", charts.headcount, {
    type: "line",
    datasets: [
      { label: label(headcount), data: charts.headcount.values, borderColor: "#2a7f62" },
    ],
  });
  const money = document.getElementById("chart-money");
  if (charts.money) {
    bar("chart-money", charts.money, {
      datasets: [
        { label: label(money, "labelBilled"), data: charts.money.billed, backgroundColor: "#c98a2b" },
        { label: label(money, "labelPaid"), data: charts.money.paid, backgroundColor: "#2a7f62" },
      ],
    });
  }
  const burnDown = document.getElementById("chart-burn-down");
  if (charts.burn_down) {
    bar("chart-burn-down", charts.burn_down, {
      type: "line",
      datasets: [
        {
          label: label(burnDown),
          data: charts.burn_down.remaining,
          borderColor: "#1f5f8b",
          segment: {
            borderDash: (ctx) => (charts.burn_down.forecast[ctx.p1DataIndex] ? [6, 4] : undefined),
          },
        },
      ],
    });
  }
  bar("chart-sex", charts.sex);
  bar("chart-age", charts.age);
  bar("chart-occupation", charts.occupation);
  bar("chart-desil", charts.desil);
}

export function setupPages() {
  setupAutoSubmit();
  setupGoToChoice();
  setupQuotaMap();
  setupRegionMap();
  setupBudgetCharts();
  setupDashboard();
}
