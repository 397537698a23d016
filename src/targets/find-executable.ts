/** Finds the system tools the targets run (ip, nft, unshare, nsenter). */
import fs from 'node:fs';
import path from 'node:path';

/** Where Debian puts them: sbin is often missing from a non-root PATH. */
const SYSTEM_DIRECTORIES = ['/usr/sbin', '/sbin', '/usr/bin', '/bin'];

/** The absolute path of `name` on PATH or in the system's directories; undefined when there is none. */
export function findExecutable(name: string): string | undefined {
  const directories = [...(process.env.PATH ?? '').split(path.delimiter), ...SYSTEM_DIRECTORIES];
  return directories
    .filter((directory) => directory !== '')
    .map((directory) => path.join(directory, name))
    .find(isExecutable);
}

/** Whether `file` is a regular file this process may execute. */
export function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
