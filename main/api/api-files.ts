import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { ApiLocation } from '../contract/local-api.ts';

/** 256 random bits, URL-safe: 43 characters that survive any shell, header or config file. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

const SECRET_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/**
 * The API's folder (0700) and the secret in it (0600). The folder's mode is put right even when it
 * already existed with a looser one; on Windows the user profile's ACL protects both.
 */
export async function prepareApiDir(location: ApiLocation): Promise<void> {
  await mkdir(location.dir, { recursive: true, mode: 0o700 });
  await chmod(location.dir, 0o700);
}

/** The saved secret, or a new one when there is none or it was damaged. */
export async function loadSecret(location: ApiLocation): Promise<string> {
  const saved = await readFile(location.secretFile, 'utf8').catch(() => '');
  if (SECRET_SHAPE.test(saved.trim())) {
    await chmod(location.secretFile, 0o600);
    return saved.trim();
  }
  return writeSecret(location, newSecret());
}

/** Writes the secret whole or not at all (a temporary file renamed over the old one), mode 0600. */
export async function writeSecret(location: ApiLocation, secret: string): Promise<string> {
  const temporary = `${location.secretFile}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, `${secret}\n`, { mode: 0o600, flag: 'w' });
    await chmod(temporary, 0o600);
    await rename(temporary, location.secretFile);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return secret;
}
