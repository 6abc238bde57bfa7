/** Ports the engine is given, and the views it shows (defined in the shared contract). */

export type {
  CredentialCheck,
  ErrorCode,
  ErrorMessageKey,
  ProfileInput,
  ProfilePatch,
  ProfileStatus,
  ProfileView,
  StoreIssue,
  TokenError,
} from '../contract/views.ts';
export type { TokenPlacement } from '../contract/vocabulary.ts';
export type { ProviderId } from './providers/index.ts';

/** The key-value surface that electron-store (app) and conf (tests) both offer. */
export interface KeyValueStore {
  get(key: string, fallback?: unknown): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
}

/** Turns secrets into opaque text and back: safeStorage in the app, AES-256-GCM in tests. */
export interface Cipher {
  encrypt(plain: string): Promise<string>;
  decrypt(stored: string): Promise<string>;
  /**
   * Optional: decrypts and, when the OS rotated its key (safeStorage's `shouldReEncrypt`), also
   * returns the value encrypted afresh so the engine can store it in place of the old one.
   */
  decryptWithRotation?(stored: string): Promise<{ plain: string; replacement?: string }>;
}

export interface Logger {
  debug?(message: string, details?: Record<string, unknown>): void;
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}
