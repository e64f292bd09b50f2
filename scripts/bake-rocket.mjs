#!/usr/bin/env node
// Used by the Dockerfile's `rocket` stage: bake-rocket.mjs ROCKET_DIR OUT_DIR [FETCH_URL]
//
// ROCKET_DIR holds what the build argument ROCKET_PATH copied in (a .onnx file, a rocket directory
// with rocket.json, or nothing but a README). With FETCH_URL, the .onnx file it names is downloaded
// into ROCKET_DIR first. When ROCKET_DIR then holds a rocket, OUT_DIR/config.ini is written with
// ROCKET_URL pointing at it; otherwise OUT_DIR stays empty and the image serves the demo rocket.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const [dir, out, fetchUrl = ''] = process.argv.slice(2);
if (!dir || !out) {
  console.error('usage: bake-rocket.mjs ROCKET_DIR OUT_DIR [FETCH_URL]');
  process.exit(2);
}
mkdirSync(dir, { recursive: true });
mkdirSync(out, { recursive: true });

if (fetchUrl) {
  const url = new URL(fetchUrl);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    console.error(`ROCKET_FETCH_URL must be an http(s) URL, not ${fetchUrl}`);
    process.exit(1);
  }
  const name = basename(url.pathname) || 'model.onnx';
  const res = await fetch(url);
  if (!res.ok) {
    console.error(`Cannot download ${fetchUrl}: HTTP ${res.status}`);
    process.exit(1);
  }
  writeFileSync(join(dir, name.endsWith('.onnx') ? name : `${name}.onnx`), Buffer.from(await res.arrayBuffer()));
}

const models = readdirSync(dir).filter((f) => f.endsWith('.onnx'));
let rocketUrl = '';
if (existsSync(join(dir, 'rocket.json'))) rocketUrl = dir;
else if (models.length === 1) rocketUrl = join(dir, models[0]);
else if (models.length > 1) {
  console.error(`${dir} holds ${models.length} .onnx files and no rocket.json; bake one, or add a manifest`);
  process.exit(1);
}

if (rocketUrl) {
  writeFileSync(join(out, 'config.ini'), `; written by scripts/bake-rocket.mjs at image build\n[DEFAULT]\nROCKET_URL = ${rocketUrl}\n`);
  console.log(`baked rocket: ROCKET_URL = ${rocketUrl}`);
} else {
  console.log('no rocket baked in: the image serves the embedded demo rocket');
}
