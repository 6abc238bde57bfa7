/**
 * The words main and the window both use, as plain lists: no schema library, so the window's
 * bundle carries only these few strings. Schemas elsewhere in this folder are built from them.
 */

/** The forms a token can be copied in. */
export const COPY_FORMATS = ['raw', 'header', 'url', 'curl', 'powershell'] as const;
export type CopyFormat = (typeof COPY_FORMATS)[number];

/** Kinds of notification, each of which the user can turn off. */
export const NOTICE_KINDS = ['refreshFailed', 'expired', 'expiringSoon', 'recovered'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export type Language = 'system' | Locale;

/** How a provider's APIs take the token: a URL parameter, `Authorization: Bearer`, or a header of their own. */
export interface TokenPlacement {
  style: 'query' | 'bearer' | 'header';
  /** The query parameter or header name (`access_token`, `Authorization`, `x-acs-dingtalk-access-token`). */
  name: string;
}

/**
 * The forms a profile's token can be copied in: only those its APIs accept (Baidu's legacy API
 * reads `?access_token=`, so it gets no header), plus a ready request line. The curl line is for
 * POSIX shells; on Windows a PowerShell line is offered beside it, and the curl one says its shell.
 */
export function copyFormatsFor(usage: TokenPlacement, platform: string): CopyFormat[] {
  const formats: CopyFormat[] = ['raw', usage.style === 'query' ? 'url' : 'header', 'curl'];
  return platform === 'win32' ? [...formats, 'powershell'] : formats;
}
