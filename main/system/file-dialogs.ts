import { join } from 'node:path';
import type { Dialog } from '../electron-types.ts';

/**
 * The file dialogs the app asks with, each answering a path or undefined when cancelled: a PEM
 * file of certificate authorities, where to save an export, which export to import.
 */
export function createFileDialogs(dialog: Pick<Dialog, 'showOpenDialog' | 'showSaveDialog'>, documents: () => string) {
  const open = async (filters: { name: string; extensions: string[] }[]) => {
    const chosen = await dialog.showOpenDialog({ properties: ['openFile'], filters });
    return chosen.canceled ? undefined : chosen.filePaths[0];
  };
  const profiles = [{ name: 'TokenTray profiles', extensions: ['json'] }];
  return {
    certificateFile: () => open([{ name: 'PEM', extensions: ['pem', 'crt', 'cer'] }]),
    exportFile: async (suggested: string) => {
      const chosen = await dialog.showSaveDialog({ defaultPath: join(documents(), suggested), filters: profiles });
      return chosen.canceled ? undefined : chosen.filePath;
    },
    importFile: () => open(profiles),
  };
}
