// Bundles our JS and CSS (with htmx, Chart.js, Leaflet and Pico from node_modules) into dist/,
// which Django serves through whitenoise: the browser never fetches anything from a CDN.
import { cpSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "dist");
const root = join(here, "..", "..", "..");

mkdirSync(join(dist, "images"), { recursive: true });

await build({
  entryPoints: [join(here, "src", "app.js"), join(here, "src", "app.css")],
  outdir: dist,
  bundle: true,
  minify: true,
  sourcemap: false,
  // Old Android phones and cheap laptops: stay on widely supported syntax.
  target: ["es2019", "chrome79", "firefox78", "safari13"],
  loader: { ".png": "file", ".svg": "file" },
  assetNames: "images/[name]",
  logLevel: "warning",
});

// The favicon is served as it is.
cpSync(join(here, "src", "favicon.svg"), join(dist, "favicon.svg"));

// Leaflet's default marker icon and shadow are looked up at run time next to the CSS images,
// so they must be copied even though no stylesheet references them.
cpSync(join(root, "node_modules", "leaflet", "dist", "images"), join(dist, "images"), {
  recursive: true,
});

// The API reference page (api/docs) renders the OpenAPI document with Swagger UI, from npm.
mkdirSync(join(dist, "swagger-ui"), { recursive: true });
for (const file of ["swagger-ui-bundle.js", "swagger-ui.css", "LICENSE"]) {
  cpSync(join(root, "node_modules", "swagger-ui-dist", file), join(dist, "swagger-ui", file));
}
