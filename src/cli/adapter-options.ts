/** A user's adapter on the command line: the command that starts it, and its stack's profile. */
import type { Command } from 'commander';
import type { AdapterSettings } from './drivers';

/** Adds --adapter and --profile to `command`. */
export function withAdapterOptions(command: Command): Command {
  return command
    .option('--adapter <command>', "for --target adapter: the command that starts your adapter (docs/adapter-protocol.md), run by /bin/sh, e.g. './my-adapter --verbose'")
    .option('--profile <file>', "for --target adapter: your stack's profile, a file such as ./my-stack.yaml (or one of tcpconform's by name); the target is called by its name (default: RFC 9293's own values, and the name adapter)");
}

/** The adapter settings among a command's parsed options. */
export function adapterSettingsOf(options: { adapter?: string; profile?: string }): AdapterSettings {
  return { ...(options.adapter !== undefined && { command: options.adapter }), ...(options.profile !== undefined && { profile: options.profile }) };
}
