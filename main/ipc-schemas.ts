import { z } from 'zod';
import { PROVIDER_IDS } from './core/index.ts';
import { COPY_FORMATS, type InvokeChannel } from './ipc-contract.ts';
import { settingsPatchSchema } from './settings.ts';

const id = z.string().min(1).max(64);

/** Shape checks only; the engine validates meaning (and says which field is wrong). */
const profileInput = z
  .object({
    name: z.string().max(1000),
    provider: z.enum(PROVIDER_IDS as [string, ...string[]]),
    apiKey: z.string().max(10_000),
    secretKey: z.string().max(10_000),
    tokenUrl: z.string().max(2048).optional(),
    options: z.record(z.string(), z.unknown()).optional(),
    refreshMarginMs: z.number().optional(),
    cron: z.string().max(200).optional(),
  })
  .strict();

/** Runtime check of every invoke payload, one tuple schema per channel. */
export const INVOKE_SCHEMAS = {
  'profiles:list': z.tuple([]),
  'profiles:add': z.tuple([profileInput]),
  'profiles:update': z.tuple([
    id,
    profileInput.partial().extend({ refreshMarginMs: z.number().nullable().optional() }).strict(),
  ]),
  'profiles:remove': z.tuple([id]),
  'profiles:refresh': z.union([z.tuple([id]), z.tuple([id, z.object({ force: z.boolean().optional() }).strict()])]),
  'profiles:test': z.tuple([profileInput]),
  'token:copy': z.tuple([id, z.enum(COPY_FORMATS)]),
  'token:reveal': z.tuple([id]),
  'settings:get': z.tuple([]),
  'settings:set': z.tuple([settingsPatchSchema]),
  'app:environment': z.tuple([]),
} satisfies Record<InvokeChannel, z.ZodType<unknown[]>>;
