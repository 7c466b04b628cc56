// Builds the front-end assets into static/build/ (not committed):
// the force's stylesheet compiled from GOV.UK Frontend's Sass (and its mirror
// image for right-to-left languages), GOV.UK
// Frontend's JavaScript, the portal's own module and the favicon. GOV.UK's
// images (crown, crest, favicons) are deliberately not copied: a police
// service must not use them.
//
// Each file is written under its own name and under a name carrying a hash
// of its content (portal.3f2a9c1b0d4e.css), with .gz and .br copies beside it.
// assets.json maps each name to its hashed one; portal/assets.py reads it so
// templates ask for the hashed name, which browsers may then cache for a year.
import rtlcss from "rtlcss";
import { compile } from "sass";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const root = dirname(fileURLToPath(import.meta.url));
const out = join(root, "static", "build");
const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
const manifest = {};

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

function hashedName(name, content) {
  const hash = createHash("sha256").update(content).digest("hex").slice(0, 12);
  const dot = name.lastIndexOf(".");
  return `${name.slice(0, dot)}.${hash}${name.slice(dot)}`;
}

function compressed(name, content) {
  const gzip = gzipSync(content, { level: 9 });
  if (gzip.length < content.length) writeFileSync(join(out, `${name}.gz`), gzip);
  const brotli = brotliCompressSync(content, {
    params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY },
  });
  if (brotli.length < content.length) writeFileSync(join(out, `${name}.br`), brotli);
}

// Writes a file under its plain and hashed names; returns the hashed name.
function publish(name, content) {
  const data = Buffer.from(content);
  const hashed = hashedName(name, data);
  writeFileSync(join(out, name), data);
  writeFileSync(join(out, hashed), data);
  compressed(name, data);
  compressed(hashed, data);
  manifest[name] = hashed;
  return hashed;
}

const css = compile(join(root, "static", "scss", "portal.scss"), {
  loadPaths: [join(root, "node_modules")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
publish("portal.css", css.css);
// The same stylesheet mirrored for the languages written right to left
// (Urdu): left and right swapped in every rule, by rtlcss.
publish("portal.rtl.css", rtlcss.process(css.css));

// The source map keeps its plain name: the hashed script's comment points to it.
writeFileSync(
  join(out, "govuk-frontend.min.js.map"),
  readFileSync(join(govuk, "govuk-frontend.min.js.map")),
);
const frontend = publish("govuk-frontend.min.js", readFileSync(join(govuk, "govuk-frontend.min.js")));

// The portal's module imports GOV.UK Frontend by its plain name; the hashed
// copy imports the hashed name, so a new GOV.UK Frontend gets a new portal.mjs.
const script = readFileSync(join(root, "static", "js", "portal.mjs"), "utf8");
const plainImport = '"./govuk-frontend.min.js"';
if (!script.includes(plainImport)) {
  throw new Error(`static/js/portal.mjs must import ${plainImport}`);
}
writeFileSync(join(out, "portal.mjs"), script);
compressed("portal.mjs", Buffer.from(script));
const hashedScript = script.replace(plainImport, `"./${frontend}"`);
const module = hashedName("portal.mjs", hashedScript);
writeFileSync(join(out, module), hashedScript);
compressed(module, Buffer.from(hashedScript));
manifest["portal.mjs"] = module;

publish("favicon.svg", readFileSync(join(root, "static", "images", "favicon.svg")));

writeFileSync(join(out, "assets.json"), `${JSON.stringify(manifest, null, 2)}\n`);
console.log("assets built in static/build/");
