import type { ClientRequest } from 'node:http';
import type { Rejection } from '../contract/catalogue.ts';
import type { ExportFile } from '../contract/transfer.ts';
import type { TokenPlacement } from '../contract/vocabulary.ts';
import type { HttpClientOptions, HttpSend } from './http-client.ts';
import type { ProviderId } from './providers/index.ts';
import type { TeamConnection, TeamPort, TeamRole } from './team/team-port.ts';
import type {
  Cipher,
  CredentialCheck,
  KeyValueStore,
  Logger,
  ProfileInput,
  ProfilePatch,
  ProfileView,
  StoreIssue,
} from './types.ts';
import type { UpstreamInit } from './upstream.ts';

/** The engine's seam: what createTokenService takes and what it returns. */

/** A profile by its id and name only. */
export interface ProfileName {
  id: string;
  name: string;
}

export interface TokenServiceOptions {
  /**
   * A journal file beside the store (tokentray-server): each refresh appends its record there
   * instead of rewriting the whole store, which is rewritten only for edits and compaction.
   */
  journalFile?: string;
  store: KeyValueStore;
  cipher: Cipher;
  /** ms since epoch; defaults to Date.now. */
  now?: () => number;
  logger?: Logger;
  /** HTTP settings, or a ready transport. */
  http?: HttpClientOptions | HttpSend;
  /** Token requests in flight at once to any one host (default 8); different hosts run side by side. */
  maxConcurrentRequests?: number;
  /** Source of backoff jitter, in [0, 1). */
  random?: () => number;
  /**
   * @deprecated Ignored. Every change is now on disk before the promise that reports it resolves;
   * changes made together share one write.
   */
  saveDelayMs?: number;
  /** The user's default refresh margin for profiles without their own; undefined = automatic. */
  defaultRefreshMarginMs?: () => number | undefined;
  /** Team mode: shared profiles refresh through this team (createRedisTeam). The engine closes it. */
  team?: TeamPort;
  observer?: EngineObserver;
}

/** What a server counts (metrics); every hook is optional and must not throw. */
export interface EngineObserver {
  /** A refresh ended: fetched here, taken from the team, or failed with an engine code. */
  refreshed?(event: RefreshEvent): void;
}

export interface RefreshEvent {
  provider: string;
  outcome: 'fetched' | 'adopted' | 'failed';
  code?: string | undefined;
  shared: boolean;
}

/** The team as the shell shows it. */
export interface TeamStatus {
  name: string;
  role: TeamRole;
  connection: TeamConnection;
  /** This computer's team key is not the team's: it shares nothing until it is. */
  keyMismatch: boolean;
  /** Slots holding data that did not open with this key (tampered, or another key's). */
  unreadableSlots: number;
}

/**
 * Every promise that confirms an edit or hands out a token resolves after the change is on disk.
 * An edit the disk refuses is undone and rejects with StoreWriteError; token state the disk refuses
 * stays in memory, is retried, and shows as a `write_failed` store issue.
 */
/** Where and how a profile's API calls go through the gateway (see gateway-origins.ts, upstream.ts). */
export interface GatewayUpstream {
  /** The API origins the token is good for; empty: the gateway is off for this profile. */
  origins: string[];
  /** Where the token goes in a request. */
  usage: TokenPlacement;
  /** How the APIs report a refused token. */
  rejection: Rejection[];
  /** Opens a request to one of `origins`, through the profile's proxy and trusted authorities. */
  open(url: URL, init: UpstreamInit): Promise<ClientRequest>;
  provider: ProviderId;
  /** Where the profile's keys go (the gateway answers that path itself, for SDKs). */
  tokenEndpoint: string;
  /** Whether an app id an SDK presented is this profile's (compared inside the engine). */
  isAppId(candidate: string): Promise<boolean>;
}

/**
 * How a profile is saved when its keys cannot be had now (a server whose configuration names an
 * environment variable that is not set): `keysUnavailable` says where they should come from
 * (`$BAIDU_API_KEY`), the keys in the input are ignored, and the profile waits as needing keys
 * (error `credentials_missing`, with that source in its remedy) and fetches nothing, a forced
 * refresh included, until an edit brings keys.
 */
export interface KeysUnavailable {
  keysUnavailable?: string;
}

export interface TokenService {
  /** Saves a profile (keys encrypted) and starts fetching its first token. */
  addProfile(input: ProfileInput, how?: KeysUnavailable): Promise<ProfileView>;
  /**
   * Changes a profile; new keys, provider, URL or options discard the old token and refetch. A
   * change of provider or of the token URL's origin needs both keys in the patch.
   */
  updateProfile(id: string, patch: ProfilePatch): Promise<ProfileView>;
  removeProfile(id: string): Promise<void>;
  /** Every profile as a secret-free view, in the order they were added. */
  listProfiles(): ProfileView[];
  getProfile(id: string): ProfileView | undefined;
  /**
   * Every profile's id and name, in the order they were added: what finding a profile by name
   * needs, without drawing every view (~5 ms at 10,000 profiles). The same frozen array is returned
   * until a profile is added, renamed or removed, so a caller may index it once per array.
   */
  listProfileNames(): readonly ProfileName[];
  /**
   * Fetches a token now, ignoring backoff; failures land in `view.error`. `force` asks providers
   * that support it (WeChat stable_token) for a brand-new token that revokes the current one.
   * `rejectedToken` (an API refused this token) refreshes only while it is still the current one:
   * when another member or an earlier report already replaced it, nothing is fetched.
   */
  refresh(id: string, options?: { force?: boolean; rejectedToken?: string }): Promise<ProfileView>;
  /** A token valid for at least another minute, refreshing first if needed; main process only. */
  getToken(id: string): Promise<string | undefined>;
  /** Fetches a token with keys that are not saved yet (the form's "Test" button); saves nothing. */
  testCredentials(input: ProfileInput): Promise<CredentialCheck>;
  /** Refreshes every profile that is due; call it on every tick and on resume. */
  checkDue(): Promise<void>;
  onChange(listener: (views: ProfileView[]) => void): () => void;
  /** Problems found while loading the store, and a failing write while it lasts. */
  storeIssues(): StoreIssue[];
  /** The team, if the engine runs in team mode. */
  teamStatus(): TeamStatus | undefined;
  /** How the gateway reaches a profile's APIs (throws UnknownProfileError). */
  gatewayUpstream(id: string): Promise<GatewayUpstream>;
  /**
   * Joins another team, or leaves team mode (undefined): the previous team is closed, shared
   * profiles take the new team's tokens (or keep theirs and refresh alone).
   */
  setTeam(team: TeamPort | undefined): Promise<void>;
  /**
   * The export file for these profiles (versioned JSON, no token). With a passphrase the keys
   * are included, sealed with it (scrypt + AES-256-GCM); without one they are left out.
   */
  exportProfiles(ids: readonly string[], options?: { passphrase?: string; app?: string }): Promise<ExportFile>;
  /** Abandons requests in flight, writes pending state and stops emitting; later calls share the first. */
  close(): Promise<void>;
}
