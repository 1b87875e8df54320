// Registry of every config section; adding a section is one import and one spread here.
import { backupSettings } from './backups.js';
import { channelSettings } from './channels.js';
import { coreSettings } from './core.js';
import { deadlineSettings } from './deadlines.js';
import { fileSettings } from './files.js';
import { pusherSettings } from './pusher.js';

export const allSettings = {
  ...coreSettings,
  ...deadlineSettings,
  ...channelSettings,
  ...fileSettings,
  ...backupSettings,
  ...pusherSettings,
};

export type SettingName = keyof typeof allSettings;
