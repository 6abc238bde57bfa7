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
}

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

/**
 * The whole tray menu from the engine's views. Every action lives here, because tray clicks
 * are unreliable on Linux. One profile is shown at the top level, several as one submenu each.
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
  } else {
    profiles = views.map((view) => ({
      label: `${view.name} — ${statusLine(view, input.now, tr)}`,
      type: 'submenu',
      submenu: profileItems(view, input, false),
    }));
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
