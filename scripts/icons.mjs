// Renders the committed icons from the SVG sources in assets/icons. Offline; run: npm run icons
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Resvg } from '@resvg/resvg-js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = (name) => readFileSync(join(root, 'assets/icons', name), 'utf8');

function render(svg, size) {
  return new Resvg(svg, { fitTo: { mode: 'width', value: size }, background: 'rgba(0,0,0,0)' }).render().asPng();
}

function write(relative, png) {
  const path = join(root, relative);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, png);
  console.log(`  ${relative} (${png.length} B)`);
}

const STATES = ['ok', 'warning', 'error'];
function trayVariant(state, palette) {
  return source('tray.svg')
    .replaceAll('{{SHOW_WARNING}}', state === 'warning' ? 'inline' : 'none')
    .replaceAll('{{SHOW_ERROR}}', state === 'error' ? 'inline' : 'none')
    .replaceAll('{{INK}}', palette.ink)
    .replaceAll('{{WARN}}', palette.warn)
    .replaceAll('{{ERROR}}', palette.error)
    .replaceAll('{{HALO}}', palette.halo);
}

// Windows and Linux trays: coloured badges on a mid-grey glyph readable on light and dark bars.
const colour = { ink: '#8a94a6', warn: '#f5a524', error: '#e5484d', halo: '#ffffff' };
// macOS: template images, black with alpha; the system tints them. Shapes carry the state.
const template = { ink: '#000000', warn: '#000000', error: '#000000', halo: 'transparent' };

console.log('tray icons');
for (const state of STATES) {
  write(`assets/tray/tray-${state}.png`, render(trayVariant(state, colour), 16));
  write(`assets/tray/tray-${state}@2x.png`, render(trayVariant(state, colour), 32));
  write(`assets/tray/tray-${state}Template.png`, render(trayVariant(state, template), 16));
  write(`assets/tray/tray-${state}Template@2x.png`, render(trayVariant(state, template), 32));
}

console.log('app icon');
write('assets/icons/icon.png', render(source('app.svg'), 512));
