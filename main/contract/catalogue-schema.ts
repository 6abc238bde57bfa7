import * as z from 'zod/mini';

/**
 * The provider catalogue's shape, as a schema: the types in catalogue.ts are derived from it, and
 * main checks what it sends the window against it.
 */

/** A value, or one that depends on one of the profile's options (WeChat's endpoint, Feishu's region...). */
function byOption<T extends z.ZodMiniType>(value: T) {
  return z.union([value, z.object({ option: z.string(), values: z.record(z.string(), value) })]);
}

const common = {
  name: z.string(),
  advanced: z.optional(z.boolean()),
  /** Read only by the gateway: changing it leaves the token (and where keys go) alone. */
  gatewayOnly: z.optional(z.boolean()),
};

export const optionSpecSchema = z.union([
  z.object({
    ...common,
    kind: z.literal('choice'),
    choices: z.array(z.string()),
    default: z.string(),
    /** Choices the form warns about (WeChat's classic endpoint). */
    warnOn: z.optional(z.array(z.string())),
  }),
  z.object({
    ...common,
    kind: z.literal('integer'),
    min: z.number(),
    max: z.number(),
    default: z.optional(z.number()),
  }),
  z.object({ ...common, kind: z.literal('text'), maxLength: z.number() }),
]);

const placement = z.object({ style: z.enum(['query', 'bearer', 'header']), name: z.string() });

/**
 * How the provider's APIs say that a token was refused (expired, replaced, revoked): a JSON body
 * field holding one of `codes` whatever the HTTP status (Baidu's error_code 110 in a 200), or one
 * of `statuses`, optionally only with `WWW-Authenticate: Bearer error="invalid_token"`.
 */
const rejection = z.object({
  field: z.optional(z.string()),
  codes: z.optional(z.array(z.union([z.number(), z.string()]))),
  statuses: z.optional(z.array(z.number())),
  invalidTokenChallenge: z.optional(z.boolean()),
});
const example = z.object({ method: z.enum(['GET', 'POST']), url: z.string(), json: z.optional(z.unknown()) });

export const catalogueEntrySchema = z.object({
  id: z.string(),
  /** The two credentials as the provider's console names them: API Key / Secret Key, AppID / AppSecret... */
  credentials: z.object({ apiKey: z.string(), secretKey: z.string() }),
  /** OAuth 2.0 client ids and secrets may hold inner spaces (VSCHAR); other providers' keys never do. */
  keysMayContainSpaces: z.boolean(),
  options: z.array(optionSpecSchema),
  /** Where keys go when the profile gives no token URL; null: the user must give one. */
  defaultTokenUrl: byOption(z.nullable(z.string())),
  /** Where the token goes in a request to the provider's APIs. */
  usage: byOption(placement),
  /**
   * The API origins the token is good for: the gateway forwards a profile's requests there and
   * nowhere else. Empty: the profile must name its own (OAuth 2.0).
   */
  apiOrigins: byOption(z.array(z.string())),
  /** How the APIs report a refused token: the gateway then refreshes once and retries. */
  rejection: byOption(z.array(rejection)),
  /** A harmless request to show the token off; `{tokenOrigin}` is the origin of the profile's token URL. */
  example: byOption(example),
  /** Whether the user may ask for a brand-new token that revokes the current one (WeChat stable). */
  forceRefresh: byOption(z.boolean()),
  /**
   * For providers that hand back the same token until it is this close to expiry (WeChat stable,
   * Feishu): refreshing earlier gains nothing, so the refresh margin is capped to this.
   */
  refreshWindowMs: byOption(z.nullable(z.number())),
  /**
   * Whether fetching a token revokes the one others hold (WeChat's classic endpoint): such a
   * profile cannot be shared with a team, where many members would take turns revoking.
   */
  revokesOthers: z.optional(byOption(z.boolean())),
  /**
   * Environment variables the provider's official SDK reads a ready token from, which
   * `tokentray exec` sets (the Qianfan SDK's `QIANFAN_ACCESS_TOKEN`). Only names an SDK really reads.
   */
  sdkTokenEnv: z.optional(z.array(z.string())),
});
