import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `data` to `path` readable by the owner only (0600), all or nothing.
 *
 * `writeFile(path, data, {mode})` applies the mode only when it creates the file: overwriting an
 * existing 0644 `.env` would leave the secrets world-readable, and a crash halfway would leave half
 * a file. So the data goes to a fresh 0600 file next to the target, which then replaces it.
 */
export async function writePrivateFile(path: string, data: string): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temporary, 'wx', 0o600);
  try {
    try {
      // The umask could have narrowed the mode further, never widened it; chmod makes it exact.
      await handle.chmod(0o600);
      await handle.writeFile(data, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}
