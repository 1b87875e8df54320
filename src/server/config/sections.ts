// Registry of every config section; adding a section is one import and one spread here.
import { coreSettings } from './core.js';

export const allSettings = {
  ...coreSettings,
};

export type SettingName = keyof typeof allSettings;
