// Renders every committed icon from the two SVG sources in assets/icons. Offline; run: npm run icons
// resvg renders the SVGs; icon-gen packs the PNGs into .ico and .icns containers.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Resvg } from '@resvg/resvg-js';
import iconGen from 'icon-gen';

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

/** Packs renders of `svg` at `sizes` into `<name>.ico` / `<name>.icns` in `outDir`. */
async function pack(svg, sizes, outDir, name, kinds) {
  const work = mkdtempSync(join(tmpdir(), 'tokentray-icons-'));
  try {
    for (const size of sizes) writeFileSync(join(work, `${size}.png`), render(svg, size));
    const options = { report: false };
    if (kinds.includes('ico')) options.ico = { name, sizes: sizes.filter((s) => s <= 256) };
    if (kinds.includes('icns')) options.icns = { name, sizes: sizes.filter((s) => s >= 16) };
    mkdirSync(join(root, outDir), { recursive: true });
    for (const file of await iconGen(work, join(root, outDir), options))
      console.log(`  ${file.slice(root.length + 1)}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
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
// macOS: template images, black with alpha; the system tints them. Badge shapes carry the state.
const template = { ink: '#000000', warn: '#000000', error: '#000000', halo: 'transparent' };

console.log('tray icons (Linux PNGs, macOS templates, Windows .ico)');
for (const state of STATES) {
  write(`assets/tray/tray-${state}.png`, render(trayVariant(state, colour), 16));
  write(`assets/tray/tray-${state}@2x.png`, render(trayVariant(state, colour), 32));
  write(`assets/tray/tray-${state}Template.png`, render(trayVariant(state, template), 16));
  write(`assets/tray/tray-${state}Template@2x.png`, render(trayVariant(state, template), 32));
  await pack(trayVariant(state, colour), [16, 20, 24, 32, 40, 48], 'assets/tray', `tray-${state}`, ['ico']);
}

console.log('app icon (PNG set for Linux and the window, .ico, .icns)');
const app = source('app.svg');
for (const size of [16, 24, 32, 48, 64, 128, 256, 512, 1024])
  write(`assets/icons/png/${size}x${size}.png`, render(app, size));
write('assets/icons/icon.png', render(app, 512));
await pack(app, [16, 24, 32, 48, 64, 128, 256, 512, 1024], 'assets/icons', 'icon', ['ico', 'icns']);
