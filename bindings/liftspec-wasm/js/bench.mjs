// Decode + validate of Status frames per second through liftspec's WebAssembly module, in node
// and in the system's headless Chromium, side by side with JSON.parse of the same frames' JSON
// form in the same run. A measurement, not a test: nothing here asserts a time.
// SITE: the served folder (the web build in pkg/); FIXTURE: a recorded city (frames.bin);
// PKG: the npm package; OUT: where the figures go (JSON).
import { readFileSync, writeFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { serve, CHROMIUM } from './serve.mjs';

const site = resolve(process.env.SITE ?? '../../../target/wasm-site');
const fixture = resolve(process.env.FIXTURE ?? '../../../target/wasm-fixture');
const pkg = resolve(process.env.PKG ?? '../../../target/npm/liftspec');
const out = resolve(process.env.OUT ?? '../../../target/wasm-bench.json');
const L = createRequire(import.meta.url)(`${pkg}/node/liftspec_wasm.js`);

const INSTALLATION = { lowestFloor: -5, highestFloor: 200, ratedSpeedMmS: 10000 };
const MAX = 20000;

// The fixture city's Status frames (valid against a permissive installation) and their JSON.
const stream = readFileSync(join(fixture, 'frames.bin'));
const validator = new L.FrameValidator(INSTALLATION);
const frames = [];
for (const hex of L.deframe(stream).frames) {
  const bytes = Buffer.from(hex, 'hex');
  if (frames.length < MAX && L.decodeFrame(bytes).kind === 'status') {
    try { validator.check(bytes); frames.push(bytes); } catch { /* kept out of the bench */ }
  }
}
const jsons = frames.map((b) => L.frameToJson(b));
const avgBytes = Math.round(frames.reduce((n, b) => n + b.length, 0) / frames.length);
const avgJson = Math.round(jsons.reduce((n, j) => n + j.length, 0) / jsons.length);

/** The same loop in node and in the page: best of `rounds` passes over every frame, per second. */
const LOOP = `
function measure(frames, jsons, check, rounds) {
  const rate = (f) => { let best = 0; for (let r = 0; r < rounds; r += 1) { const t = performance.now(); f(); const s = (performance.now() - t) / 1000; best = Math.max(best, frames.length / s); } return best; };
  let sink = 0;
  const wasm = rate(() => { for (const b of frames) check(b); });
  const json = rate(() => { for (const j of jsons) sink += JSON.parse(j).seq === undefined ? 0 : 1; });
  return { wasm, json, sink };
}`;
const measure = new Function(`${LOOP}; return measure;`)();

const nodeResult = measure(frames, jsons, (b) => validator.check(b), 5);

// The page: the web build, the frames as one hex-lines file, the same loop.
writeFileSync(join(site, 'bench-frames.txt'), frames.map((b) => b.toString('hex')).join('\n'));
writeFileSync(join(site, 'bench-jsons.txt'), jsons.join('\n'));
writeFileSync(join(site, 'bench.html'), `<!doctype html><meta charset="utf-8"><script type="module">
import init, { FrameValidator, frameFromHex } from './pkg/liftspec_wasm.js';
${LOOP}
await init();
const frames = (await (await fetch('bench-frames.txt')).text()).split('\\n').map(frameFromHex);
const jsons = (await (await fetch('bench-jsons.txt')).text()).split('\\n');
const v = new FrameValidator(${JSON.stringify(INSTALLATION)});
window.result = measure(frames, jsons, (b) => v.check(b), 5);
</script>`);
const server = await serve(site);
const browser = await chromium.launch(CHROMIUM);
let chromiumResult;
try {
  const page = await browser.newPage();
  await page.goto(`${server.url}/bench.html`);
  await page.waitForFunction(() => window.result, null, { timeout: 120000 });
  chromiumResult = await page.evaluate(() => window.result);
} finally {
  await browser.close();
  await server.close();
}

const wasmFile = join(pkg, 'web/liftspec_wasm_bg.wasm');
const glue = join(pkg, 'web/liftspec_wasm.js');
const size = {
  wasmBytes: statSync(wasmFile).size,
  wasmGzipBytes: gzipSync(readFileSync(wasmFile), { level: 9 }).length,
  glueGzipBytes: gzipSync(readFileSync(glue), { level: 9 }).length,
};
const figures = {
  frames: frames.length, avgFrameBytes: avgBytes, avgJsonBytes: avgJson, size,
  node: { wasmPerSecond: Math.round(nodeResult.wasm), jsonParsePerSecond: Math.round(nodeResult.json) },
  chromium: { wasmPerSecond: Math.round(chromiumResult.wasm), jsonParsePerSecond: Math.round(chromiumResult.json) },
};
writeFileSync(out, `${JSON.stringify(figures, null, 2)}\n`);
const k = (n) => `${(n / 1000).toFixed(0)}k/s`;
console.log(`${frames.length} Status frames (${avgBytes} bytes; JSON form ${avgJson} bytes)`);
console.log(`| | liftspec decode + validate | JSON.parse of the JSON form |`);
console.log(`| node ${process.version} | ${k(figures.node.wasmPerSecond)} | ${k(figures.node.jsonParsePerSecond)} |`);
console.log(`| Chromium | ${k(figures.chromium.wasmPerSecond)} | ${k(figures.chromium.jsonParsePerSecond)} |`);
console.log(`size: ${(size.wasmBytes / 1024).toFixed(0)} KiB wasm after wasm-opt, ${(size.wasmGzipBytes / 1024).toFixed(0)} KiB gzipped + ${(size.glueGzipBytes / 1024).toFixed(1)} KiB glue gzipped`);
