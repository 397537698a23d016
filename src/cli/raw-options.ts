/** The raw target's settings on the command line: one option per setting, each also read from its variable. */
import { Option } from 'commander';
import type { Command } from 'commander';
import { RAW_SETTINGS } from '../targets/raw';
import type { RawSettings } from '../targets/raw';

const OPTIONS = Object.entries(RAW_SETTINGS).map(([key, setting]) => ({
  key,
  option: new Option(setting.flag, setting.help).env(setting.env),
}));

/** Adds the raw target's options to `command`; `--help` shows each with its variable. */
export function withRawOptions(command: Command): Command {
  for (const { option } of OPTIONS) command.addOption(option);
  return command;
}

/** The raw settings among a command's parsed options. */
export function rawSettingsOf(options: object): RawSettings {
  const settings: Record<string, string> = {};
  for (const { key, option } of OPTIONS) {
    const value = (options as Record<string, unknown>)[option.attributeName()];
    if (typeof value === 'string') settings[key] = value;
  }
  return settings;
}
