// Builds static/vendor/world-map/countries-110m.json: one projected SVG path per country.
//
// Input: the npm packages world-atlas (Natural Earth 1:110m countries as TopoJSON, ids are
// ISO 3166-1 numeric codes), topojson-client (TopoJSON -> GeoJSON) and d3-geo (projection and
// SVG path data), installed in the folder given as the first argument. See
// static/vendor/world-map/README.md for the exact command.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const modules = path.resolve(process.argv[2] || "node_modules");
const require = createRequire(path.join(modules, "_"));
const load = async (name) => import(pathToFileURL(require.resolve(name)).href);

const topojson = await load("topojson-client");
const d3 = await load("d3-geo");
const atlasFile = require.resolve("world-atlas/countries-110m.json");
const atlas = JSON.parse(readFileSync(atlasFile, "utf8"));
const atlasVersion = JSON.parse(
  readFileSync(path.join(path.dirname(atlasFile), "package.json"), "utf8"),
).version;

const WIDTH = 960;
const ANTARCTICA = "010"; // no participant; left out to keep the map compact
const countries = topojson.feature(atlas, atlas.objects.countries);
countries.features = countries.features.filter((f) => f.id !== ANTARCTICA);
const projection = d3.geoNaturalEarth1().fitWidth(WIDTH, countries);
const bounds = d3.geoPath(projection).bounds(countries);
const height = Math.ceil(bounds[1][1]);
const draw = d3.geoPath(projection).digits(1);

const shapes = countries.features
  .map((f) => ({ id: f.id ?? null, name: f.properties.name, d: draw(f) }))
  .filter((s) => s.d)
  .sort((a, b) => a.name.localeCompare(b.name));

process.stdout.write(
  JSON.stringify({
    source: `world-atlas@${atlasVersion} countries-110m.json (Natural Earth 1:110m)`,
    projection: "Natural Earth I (d3-geo geoNaturalEarth1), Antarctica omitted",
    width: WIDTH,
    height,
    shapes,
  }) + "\n",
);
