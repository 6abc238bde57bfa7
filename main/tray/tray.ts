import type { Menu, MenuItemConstructorOptions, NativeImage, Tray } from '../electron-types.ts';
import { buildTrayMenu, type MenuItemSpec, type TrayAction, type TrayMenuInput } from './tray-menu.ts';
import { type Health, trayTooltip, worstHealth } from './tray-status.ts';

export type TrayLike = Pick<Tray, 'setContextMenu' | 'setToolTip' | 'setImage' | 'on' | 'destroy'>;

export interface TrayDeps {
  /** `new Tray(icon)` in the app; a recorder in tests. */
  createTray(icon: NativeImage): TrayLike;
  /** `Menu.buildFromTemplate` in the app. */
  buildMenu(template: MenuItemConstructorOptions[]): Menu;
  icons: Record<Health, NativeImage>;
  platform: NodeJS.Platform;
  onAction(action: TrayAction): void;
}

/** Turns the pure menu description into Electron's template, wiring actions to one callback. */
export function toTemplate(
  items: MenuItemSpec[],
  onAction: (action: TrayAction) => void,
): MenuItemConstructorOptions[] {
  return items.map((item) => {
    const option: MenuItemConstructorOptions = { type: item.type ?? 'normal' };
    if (item.label !== undefined) option.label = item.label;
    if (item.enabled !== undefined) option.enabled = item.enabled;
    if (item.checked !== undefined) option.checked = item.checked;
    if (item.submenu) option.submenu = toTemplate(item.submenu, onAction);
    const action = item.action;
    if (action) option.click = () => onAction(action);
    return option;
  });
}

/** The tray icon, tooltip and menu; `render` rebuilds all three from the engine's views. */
export function createTrayController(deps: TrayDeps) {
  let health: Health = 'ok';
  const tray = deps.createTray(deps.icons.ok);
  // A left click opens the window where that is the platform's habit; Linux gets the menu only.
  if (deps.platform === 'win32') tray.on('click', () => deps.onAction({ type: 'open' }));

  return {
    render(input: Omit<TrayMenuInput, 'platform'>) {
      const full = { ...input, platform: deps.platform };
      tray.setContextMenu(deps.buildMenu(toTemplate(buildTrayMenu(full), deps.onAction)));
      tray.setToolTip(trayTooltip(input.views, input.now, input.tr, input.team));
      const next = worstHealth(input.views);
      if (next !== health) {
        health = next;
        tray.setImage(deps.icons[next]);
      }
    },
    destroy: () => tray.destroy(),
  };
}
