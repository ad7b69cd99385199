// The one script of every page: htmx, Chart.js and Leaflet, plus the few behaviours of the shell.
import htmx from "htmx.org";
import Chart from "chart.js/auto";
import L from "leaflet";

import { setupCharts, setupForms, setupMaps } from "./visuals.js";

window.htmx = htmx;
window.Chart = Chart;
window.L = L;

document.documentElement.classList.add("js");

// Menu button: on a phone the navigation is folded away until asked for.
function setupNavigation() {
  const toggle = document.querySelector("[data-nav-toggle]");
  const nav = document.getElementById(toggle ? toggle.getAttribute("aria-controls") : "");
  if (!toggle || !nav) return;
  toggle.addEventListener("click", () => {
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    nav.classList.toggle("open", open);
  });
}

// A thin bar at the top of the page while any htmx request is running, so that a slow
// connection never looks like a frozen page.
function setupRequestIndicator() {
  const bar = document.getElementById("request-progress");
  if (!bar) return;
  let running = 0;
  const update = () => bar.classList.toggle("active", running > 0);
  document.body.addEventListener("htmx:beforeRequest", () => {
    running += 1;
    update();
  });
  document.body.addEventListener("htmx:afterRequest", () => {
    running = Math.max(0, running - 1);
    update();
  });
}

// Helper for progress bars fed by job partials: <progress data-done="3" data-total="10">
// gets its value and a readable percentage label after every htmx swap.
export function refreshProgressBars(scope = document) {
  scope.querySelectorAll("progress[data-total]").forEach((bar) => {
    const total = Number(bar.dataset.total) || 0;
    const done = Number(bar.dataset.done) || 0;
    if (total > 0) {
      bar.max = total;
      bar.value = Math.min(done, total);
      bar.setAttribute("aria-valuetext", `${Math.floor((100 * bar.value) / total)}%`);
    } else {
      bar.removeAttribute("value"); // indeterminate until the total is known
    }
  });
}

// Bulk actions: <input type="checkbox" data-select-all="ids" form="F"> ticks or clears every
// checkbox named "ids" of form F on the page (the page's rows only: the server acts on the
// ids posted, nothing more).
function setupSelectAll() {
  document.querySelectorAll("input[data-select-all]").forEach((master) => {
    master.addEventListener("change", () => {
      const name = master.dataset.selectAll;
      const owner = master.getAttribute("form");
      document.querySelectorAll(`input[type=checkbox][name="${name}"]`).forEach((box) => {
        if (!owner || box.getAttribute("form") === owner) box.checked = master.checked;
      });
    });
  });
}

window.Lindungi = { refreshProgressBars, setupCharts, setupMaps };

document.addEventListener("DOMContentLoaded", () => {
  setupNavigation();
  setupSelectAll();
  setupRequestIndicator();
  refreshProgressBars();
  setupForms();
  setupMaps();
  setupCharts();
  document.body.addEventListener("htmx:afterSwap", (event) => refreshProgressBars(event.target));
});
