import { open, rename } from 'node:fs/promises';

/**
 * Writes a file readable by its owner only and resolves once it is on disk: written beside the
 * target, flushed, then renamed over it, so a crash leaves the old file or the new one, never half.
 */
export async function writeFileDurably(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  const handle = await open(temporary, 'w', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
}
