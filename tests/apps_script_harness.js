// Runs templates/apps_script/Code.gs under Node with stand-ins for the Apps Script globals, then sends the
// requests the script built to the real service over HTTP (and once more, as a replay), printing JSON.
// Usage: node apps_script_harness.js Code.gs   (env: JIESU_URL, JIESU_SECRET, JIESU_LEDGER)
'use strict';
const fs = require('fs');
const vm = require('vm');
const crypto = require('crypto');

const props = {JIESU_URL: process.env.JIESU_URL, JIESU_SECRET: process.env.JIESU_SECRET,
               JIESU_LEDGER: process.env.JIESU_LEDGER};
const fetched = [], menu = [], toasts = [], cache = {};
const menuBuilder = {
  addItem(label, fn) { menu.push([label, fn]); return this; },
  addSeparator() { return this; },
  addToUi() { return this; },
};
const sandbox = {
  PropertiesService: {getScriptProperties: () => ({getProperty: (k) => props[k] || null})},
  Utilities: {
    Charset: {UTF_8: 'UTF-8'},
    getUuid: () => crypto.randomUUID(),
    // Apps Script returns Java bytes: signed, -128..127.
    computeHmacSha256Signature: (value, key) =>
      Array.from(crypto.createHmac('sha256', Buffer.from(key, 'utf8')).update(Buffer.from(value, 'utf8')).digest())
        .map((b) => (b > 127 ? b - 256 : b)),
  },
  UrlFetchApp: {fetch: (url, params) => { fetched.push({url, params}); return {getResponseCode: () => 202}; }},
  SpreadsheetApp: {
    getUi: () => ({createMenu: (name) => { menu.push(['MENU', name]); return menuBuilder; }}),
    getActive: () => ({getId: () => 'sheet-id-123', toast: (m) => toasts.push(m)}),
  },
  CacheService: {getScriptCache: () => ({get: (k) => cache[k] || null, put: (k, v) => { cache[k] = v; }})},
  HtmlService: {createHtmlOutput: (h) => ({setWidth() { return this; }, setHeight() { return this; }})},
  ScriptApp: {getProjectTriggers: () => []},
};
vm.createContext(sandbox);
vm.runInContext(fs.readFileSync(process.argv[2], 'utf8'), sandbox, {filename: 'Code.gs'});

sandbox.onOpen();
sandbox.jiesuValidateNow();
const edit = (name) => ({range: {getSheet: () => ({getName: () => name})}});
sandbox.jiesuOnEdit(edit('承办单位'));   // not a ledger sheet: no call
sandbox.jiesuOnEdit(edit('台账'));
sandbox.jiesuOnEdit(edit('台账'));       // within the debounce window: no call

async function send(req) {
  const p = req.params;
  const resp = await fetch(req.url, {method: p.method.toUpperCase(), body: p.payload,
                                     headers: {...p.headers, 'Content-Type': p.contentType}});
  return {status: resp.status, body: await resp.json()};
}

(async () => {
  const results = [];
  for (const req of fetched) results.push(await send(req));
  const replay = await send(fetched[0]);
  console.log(JSON.stringify({menu, toasts, requests: fetched, results, replay}));
})().catch((e) => { console.error(e); process.exit(1); });
