/**
 * A child process for the durability test: runs the engine over a real conf store and keeps
 * refreshing tokens, telling the parent about each one only after the engine handed it out.
 * The parent kills it with SIGKILL at a random moment and then reads what reached the disk.
 * Usage (by the test only): node durability-child.ts <store dir> <cipher key hex> <token URL> <profiles> [journal]
 * With `journal`, refreshes go to a journal beside the store (tokentray-server's way).
 */
import Conf from 'conf';
import { createTokenService } from '../../main/core/index.ts';
import { createAesGcmCipher } from './aes-gcm-cipher.ts';

const [dir = '', keyHex = '', tokenUrl = '', count = '4', mode = ''] = process.argv.slice(2);
const service = createTokenService({
  store: new Conf({ cwd: dir, configName: 'config', configFileMode: 0o600 }),
  cipher: createAesGcmCipher(Buffer.from(keyHex, 'hex')),
  ...(mode === 'journal' ? { journalFile: `${dir}/tokens.journal` } : {}),
});
const send = (message: unknown) => new Promise((resolve) => process.send?.(message, resolve));

const ids: string[] = [];
for (let i = 0; i < Number(count); i++) {
  const { id } = await service.addProfile({
    name: `p${i}`,
    provider: 'baidu',
    apiKey: 'test-api-key-0001',
    secretKey: 'test-secret-key-0001',
    tokenUrl,
  });
  ids.push(id);
}
await send({ type: 'ready', ids });
await Promise.all(
  ids.map(async (id) => {
    for (;;) {
      await service.refresh(id);
      const token = await service.getToken(id);
      await send({ type: 'acknowledged', id, token });
    }
  }),
);
