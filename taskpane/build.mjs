// Builds the taskpane into dist/: hashed, minified ES modules (MSAL split into its own chunk,
// loaded only when a sign-in method needs it), the hashed stylesheet, the pages with those
// names filled in, and a gzip and a brotli copy of every text file for taskpane_site to serve.
//
//   node build.mjs          production: no source maps
//   node build.mjs --dev    with source maps, for debugging in a browser

import { build } from "esbuild";
import { mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const ROOT = dirname(fileURLToPath(import.meta.url));
const DIST = join(ROOT, "dist");
const PAGES = ["taskpane.html", "support.html"];
const COMPRESSIBLE = /\.(html|js|css|txt|map)$/;
const dev = process.argv.includes("--dev");

async function bundle() {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { taskpane: "src/main.js", styles: "css/taskpane.css" },
    bundle: true,
    splitting: true,
    format: "esm",
    target: ["es2020", "chrome100", "safari15"],
    minify: true,
    sourcemap: dev ? "linked" : false,
    legalComments: "linked",
    entryNames: "[name]-[hash]",
    chunkNames: "chunks/[name]-[hash]",
    assetNames: "assets/[name]-[hash]",
    outdir: DIST,
    metafile: true,
    logLevel: "warning",
  });
  const entries = { preload: [] };
  for (const [file, output] of Object.entries(result.metafile.outputs)) {
    if (output.entryPoint === "src/main.js") {
      entries.js = basename(file);
      // Chunks the entry imports statically: preloaded with it, not one round trip later.
      entries.preload = output.imports.filter((i) => i.kind === "import-statement").map((i) => relative(DIST, i.path));
    }
    if (output.entryPoint === "css/taskpane.css" && file.endsWith(".css")) entries.css = basename(file);
  }
  return entries;
}

async function writePages({ js, css, preload }) {
  const links = preload.map((path) => `  <link rel="modulepreload" href="/taskpane/dist/${path}">`).join("\n");
  for (const page of PAGES) {
    const template = await readFile(join(ROOT, page), "utf8");
    const html = template
      .replaceAll("{{script}}", `/taskpane/dist/${js}`)
      .replaceAll("{{stylesheet}}", `/taskpane/dist/${css}`)
      .replaceAll("{{modulepreload}}", links);
    await writeFile(join(DIST, page), html);
  }
}

async function* files(folder) {
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else yield path;
  }
}

async function precompress() {
  for await (const path of files(DIST)) {
    if (!COMPRESSIBLE.test(path)) continue;
    const content = await readFile(path);
    await writeFile(`${path}.gz`, gzipSync(content, { level: 9 }));
    const brotli = brotliCompressSync(content, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: content.length },
    });
    await writeFile(`${path}.br`, brotli);
  }
}

await rm(DIST, { recursive: true, force: true });
await mkdir(DIST, { recursive: true });
await writePages(await bundle());
await precompress();
