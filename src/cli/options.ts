/** What every command shares: output helpers, option parsers, the case filters and suite loading. */
import { Command, InvalidArgumentError } from 'commander';
import type { RequirementLevel } from '../suite/case';
import { formatProblem } from '../suite/problem';
import { loadSuites } from './load-suites';
import { parseShard, type Selection } from './select';
import { driverNames, isTargetName } from './drivers';
import { packagePath } from '../package-root';
import { FAMILY_CHOICES, familiesOf, type FamilyChoice, type RunFamily } from '../targets/family';

/** tcpconform's own suite: what every command reads when no case files are named, wherever it is installed. */
export const DEFAULT_SUITES = [packagePath('suites')];
/** How an argument of case files describes itself in --help. */
export const SUITE_PATHS_HELP = "case files or folders of them (default: tcpconform's own suites/)";
export const LEVELS: readonly RequirementLevel[] = ['MUST', 'SHOULD', 'MAY'];

export const say = (line: string): void => void process.stdout.write(`${line}\n`);
export const complain = (line: string): void => void process.stderr.write(`${line}\n`);
export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export function positiveInteger(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of at least 1');
  return n;
}

export const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function targetName(value: string, previous: string[]): string[] {
  if (!isTargetName(value)) throw new InvalidArgumentError(`'${value}' is not a target; known targets: ${driverNames().join(', ')}, or adapter:COMMAND`);
  return [...previous, value];
}

export function level(value: string, previous: RequirementLevel[]): RequirementLevel[] {
  const levels = value.split(',').map((v) => v.trim().toUpperCase());
  const wrong = levels.find((l) => !LEVELS.includes(l as RequirementLevel));
  if (wrong !== undefined) throw new InvalidArgumentError(`'${wrong}' is not MUST, SHOULD or MAY`);
  return [...previous, ...(levels as RequirementLevel[])];
}

function shard(value: string): { index: number; count: number } {
  const parsed = parseShard(value);
  if (typeof parsed === 'string') throw new InvalidArgumentError(parsed);
  return parsed;
}

function familyChoice(value: string): FamilyChoice {
  if (!(FAMILY_CHOICES as readonly string[]).includes(value)) throw new InvalidArgumentError(`'${value}' is not a family; one of ${FAMILY_CHOICES.join(', ')}`);
  return value as FamilyChoice;
}

/**
 * `--family`: the families cases run in (`run`, `list`) or results are kept in (`merge`, `report`).
 * `fallback` is what a command means without it.
 */
export function withFamily(command: Command, fallback: FamilyChoice | undefined, help: string): Command {
  return command.option('--family <family>', `${help}: ${FAMILY_CHOICES.join(', ')} (both: ipv4 and ipv6)${fallback === undefined ? '' : `; default ${fallback}`}`, familyChoice, fallback);
}

/** The families `--family` names, or undefined when it was not given and the command has no default. */
export function familiesOfOption(options: { family?: FamilyChoice }): RunFamily[] | undefined {
  return options.family === undefined ? undefined : familiesOf(options.family);
}

export interface SelectionOptions {
  id: string[];
  tag: string[];
  area: string[];
  req: string[];
  level: RequirementLevel[];
  shard?: { index: number; count: number };
}

/** The case filters `run` and `list` share. */
export function withSelection(command: Command): Command {
  return command
    .option('--id <glob>', 'only cases whose id matches, e.g. "handshake/*" (repeatable)', collect, [])
    .option('--tag <tag>', 'only cases with this tag (repeatable)', collect, [])
    .option('--area <area>', 'only cases of this area: handshake, window, close, time-wait, rst, options, calls (repeatable)', collect, [])
    .option('--req <glob>', 'only cases proving a requirement matching, e.g. MUST-13 or "SHLD-*" (repeatable)', collect, [])
    .option('--level <levels>', 'only cases of these requirement levels, e.g. MUST or MUST,SHOULD', level, [])
    .option('--shard <K/N>', 'only the K-th of N deterministic slices of the selected cases', shard);
}

export function selectionOf(options: SelectionOptions): Selection {
  return { ids: options.id, tags: options.tag, areas: options.area, requirements: options.req, levels: options.level, ...(options.shard && { shard: options.shard }) };
}

/** Loads the suites and prints every problem; the cases that loaded are still returned. */
export function loadAndReport(paths: string[]) {
  const suite = loadSuites(paths.length > 0 ? paths : DEFAULT_SUITES);
  for (const problem of suite.problems) complain(formatProblem(problem));
  return suite;
}
