#!/usr/bin/env node
// The image's HEALTHCHECK: GET /health on the port and address the server itself reads (the
// environment, then config.ini), so a PORT set in a mounted config.ini is probed too. Exits 0 when
// /health answers 200 (rocket loaded and warm), 1 otherwise (loading, failed, or not listening).
import { loadConfig } from '../dist/src/config/load.js';

const timeoutMs = Number(process.argv[2] ?? 4000);
let config;
try {
  config = loadConfig();
} catch (err) {
  console.error(`healthcheck: ${err.code ?? 'ERROR'}: ${err.message}`);
  process.exit(1);
}
const wildcard = config.HOST === '0.0.0.0' || config.HOST === '::';
const host = wildcard ? '127.0.0.1' : config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
const url = `http://${host}:${config.PORT}/health`;
try {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (res.status !== 200) console.error(`healthcheck: ${url} answered ${res.status}: ${await res.text()}`);
  process.exit(res.status === 200 ? 0 : 1);
} catch (err) {
  console.error(`healthcheck: ${url} is unreachable: ${err.cause?.code ?? err.message}`);
  process.exit(1);
}
