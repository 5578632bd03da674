#!/usr/bin/env node
// Renders images/icon.svg to images/icon.png (128x128) with the e2e setup's chromium: node scripts/render-icon.mjs images/icon.svg images/icon.png
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
const req = createRequire(`${process.env.E2E_ROOT ?? '.cache/vscode-e2e'}/node_modules/`);
const { chromium } = req('playwright-core');
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const p = await b.newPage({ viewport: { width: 128, height: 128 } });
const svg = fs.readFileSync(process.argv[2], 'utf8');
await p.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
await p.screenshot({ path: process.argv[3], omitBackground: true, clip: { x: 0, y: 0, width: 128, height: 128 } });
await b.close();
