import type { MessageKey, Translator } from '../contract/i18n.ts';
import { type CopyFormat, copyFormatsFor } from '../contract/vocabulary.ts';
import type { ProfileView, TeamStatus } from '../core/index.ts';
import { statusLine } from './tray-status.ts';

/** What a menu item does, as data: the adapter turns it into a click handler. */
export type TrayAction =
  | { type: 'copy'; profileId: string; format: CopyFormat }
  | { type: 'refresh'; profileId: string }
  | { type: 'open'; profileId?: string }
  | { type: 'toggle-login' }
  | { type: 'install-update' }
  | { type: 'quit' };

export interface MenuItemSpec {
  label?: string;
  type?: 'normal' | 'separator' | 'checkbox' | 'submenu';
  enabled?: boolean;
  checked?: boolean;
  submenu?: MenuItemSpec[];
  action?: TrayAction;
}

export interface TrayMenuInput {
  views: readonly ProfileView[];
  now: number;
  tr: Translator;
  startAtLogin: boolean;
  platform: NodeJS.Platform;
  /** Team mode, when on: the tooltip says when Redis cannot be reached. */
  team?: TeamStatus;
  /** A downloaded update waiting for a restart: the menu offers it. */
  updateReady?: string;
  /** The profile pinned for the global shortcut: first in a long menu. */
  pinnedId?: string;
  /** Profiles whose token was taken lately, most recent first: next in a long menu. */
  recentIds?: readonly string[];
}

/** From this many profiles on, the menu shows the pinned and recent ones and puts the rest in submenus. */
export const TRAY_WALL = 50;
/** Profiles shown at the top of a long menu: the pinned one and the most recently used. */
export const TRAY_TOP = 10;
/** At most this many entries in one submenu of "All profiles"; more are split by name. */
export const TRAY_GROUP = 50;

const COPY_LABEL: Record<CopyFormat, MessageKey> = {
  raw: 'tray.copy_raw',
  header: 'tray.copy_header',
  url: 'tray.copy_url',
  curl: 'tray.copy_curl',
  powershell: 'tray.copy_powershell',
};

/** On Windows the curl line sits beside a PowerShell one, so it says which shells it is for. */
function copyLabel(format: CopyFormat, platform: NodeJS.Platform): MessageKey {
  return format === 'curl' && platform === 'win32' ? 'tray.copy_curl_posix' : COPY_LABEL[format];
}

function profileItems(view: ProfileView, input: TrayMenuInput, withName: boolean): MenuItemSpec[] {
  const { tr, now } = input;
  const status = statusLine(view, now, tr);
  const canCopy = !view.needsCredentials;
  return [
    { label: withName ? `${view.name}: ${status}` : status, enabled: false },
    ...copyFormatsFor(view.usage, input.platform).map(
      (format): MenuItemSpec => ({
        label: tr.t(copyLabel(format, input.platform), { header: view.usage.name }),
        enabled: canCopy,
        action: { type: 'copy', profileId: view.id, format },
      }),
    ),
    { label: tr.t('tray.refresh'), enabled: !view.refreshing, action: { type: 'refresh', profileId: view.id } },
  ];
}

function profileSubmenu(view: ProfileView, input: TrayMenuInput): MenuItemSpec {
  return {
    label: `${view.name} — ${statusLine(view, input.now, input.tr)}`,
    type: 'submenu',
    submenu: profileItems(view, input, false),
  };
}

/**
 * Fifty profiles or more: the pinned one and the recently used ones at the top, those that need
 * attention in a submenu of their own, and every profile by name under "All profiles" (split into
 * groups of at most TRAY_GROUP, each named by its first and last profile).
 */
function longMenu(input: TrayMenuInput): MenuItemSpec[] {
  const { views, tr } = input;
  const byId = new Map(views.map((view) => [view.id, view]));
  const topIds = [...new Set([input.pinnedId, ...(input.recentIds ?? [])])].filter(
    (id): id is string => id !== undefined && byId.has(id),
  );
  const top = topIds.slice(0, TRAY_TOP).map((id) => profileSubmenu(byId.get(id) as ProfileView, input));
  const attention = views.filter(
    (view) => view.error !== undefined || view.status === 'expired' || view.needsCredentials,
  );
  const sorted = [...views].sort((a, b) => a.name.localeCompare(b.name, tr.locale));
  const groups: MenuItemSpec[] = [];
  for (let start = 0; start < sorted.length; start += TRAY_GROUP) {
    const group = sorted.slice(start, start + TRAY_GROUP);
    groups.push({
      label: `${group[0]?.name ?? ''} … ${group.at(-1)?.name ?? ''}`,
      type: 'submenu',
      submenu: group.map((view) => profileSubmenu(view, input)),
    });
  }
  return [
    ...top,
    ...(top.length > 0 ? [{ type: 'separator' } as const] : []),
    ...(attention.length > 0
      ? [
          {
            label: tr.t('tray.needs_attention', { count: attention.length }),
            type: 'submenu',
            submenu: attention.map((view) => profileSubmenu(view, input)),
          } as const,
        ]
      : []),
    {
      label: tr.t('tray.all_profiles', { count: views.length }),
      type: 'submenu',
      submenu: groups.length === 1 ? (groups[0]?.submenu ?? []) : groups,
    },
  ];
}

/**
 * The whole tray menu from the engine's views. Every action lives here, because tray clicks
 * are unreliable on Linux. One profile is shown at the top level, several as one submenu each,
 * fifty or more as the pinned and recent ones with the rest in submenus (longMenu).
 */
export function buildTrayMenu(input: TrayMenuInput): MenuItemSpec[] {
  const { views, tr } = input;
  let profiles: MenuItemSpec[];
  if (views.length === 0) {
    profiles = [
      { label: tr.t('tray.no_profiles'), enabled: false },
      { label: tr.t('tray.add_first'), action: { type: 'open' } },
    ];
  } else if (views.length === 1) {
    profiles = profileItems(views[0] as ProfileView, input, true);
  } else if (views.length < TRAY_WALL) {
    profiles = views.map((view) => profileSubmenu(view, input));
  } else {
    profiles = longMenu(input);
  }
  const menu: MenuItemSpec[] = [
    ...profiles,
    { type: 'separator' },
    { label: tr.t('tray.open'), action: { type: 'open' } },
    {
      label: tr.t('tray.start_at_login'),
      type: 'checkbox',
      checked: input.startAtLogin,
      action: { type: 'toggle-login' },
    },
    { type: 'separator' },
    ...(input.updateReady
      ? [
          {
            label: tr.t('tray.install_update', { version: input.updateReady }),
            action: { type: 'install-update' },
          } as const,
        ]
      : []),
    { label: tr.t('tray.quit'), action: { type: 'quit' } },
  ];
  return input.platform === 'win32' ? menu.map(escapeMnemonics) : menu;
}

/** On Windows "&" marks a keyboard shortcut; a profile named "R&D" must show as written. */
function escapeMnemonics(item: MenuItemSpec): MenuItemSpec {
  const escaped: MenuItemSpec = { ...item };
  if (item.label !== undefined) escaped.label = item.label.replaceAll('&', '&&');
  if (item.submenu) escaped.submenu = item.submenu.map(escapeMnemonics);
  return escaped;
}
