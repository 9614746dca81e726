// The assets every page of ours inlines (uPlot, report.css, the chart client): read once per process,
// and placed so that none can close its element early. report.html and sweep.html share them, so the
// two pages look alike.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { trusted, type Markup } from './html.js';

export interface PageAssets {
  uplotJs: string;
  uplotCss: string;
  css: string;
  client: string;
  /** sweep.html's own styles, beside report.css's. */
  sweepCss: string;
}

let assets: PageAssets | null = null;

export function loadAssets(): PageAssets {
  if (assets !== null) return assets;
  const require = createRequire(import.meta.url);
  const read = (path: string): string => readFileSync(path, 'utf8');
  const own = (name: string): string => read(fileURLToPath(new URL(`./assets/${name}`, import.meta.url)));
  assets = {
    uplotJs: read(require.resolve('uplot/dist/uPlot.iife.min.js')),
    uplotCss: read(require.resolve('uplot/dist/uPlot.min.css')),
    css: own('report.css'),
    client: own('charts-client.js'),
    sweepCss: own('sweep.css'),
  };
  return assets;
}

/**
 * Our own script or style text, placed as is: it must not close its element early. uPlot and our
 * assets never contain `</script` or `</style`, but make sure (`<\/` means the same in JS and CSS).
 */
export function inlineAsset(tag: 'script' | 'style', text: string): Markup {
  return trusted(text.replace(new RegExp(`</(${tag})`, 'gi'), '<\\/$1'));
}
