import { mkdirSync } from 'node:fs';
import { open, readFile, rename, writeFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';

export type JournalEntry<T> = Readonly<{ seq: number; at: string; item: T }>;

/**
 * An append-only file of JSON lines, fsync'd before `append` resolves: what it holds survives
 * kill -9 and power loss. Appends that arrive together share one write and one fsync (group
 * commit), so a burst of webhooks during a database outage is not serialised on the disk.
 */
export type DurableJournal<T> = Readonly<{
  append(item: T, at: Date): Promise<void>;
  /** Every entry not yet removed, oldest first. */
  pending(): Promise<JournalEntry<T>[]>;
  /** Drops entries up to and including `seq` (they have been applied). */
  removeThrough(seq: number): Promise<void>;
  size(): number;
  close(): Promise<void>;
}>;

export async function openDurableJournal<T>(file: string): Promise<DurableJournal<T>> {
  mkdirSync(path.dirname(file), { recursive: true });
  let entries: JournalEntry<T>[] = await readEntries<T>(file);
  let nextSeq = (entries.at(-1)?.seq ?? 0) + 1;
  let handle: FileHandle = await open(file, 'a');
  let batch: { line: string; resolve: () => void; reject: (error: unknown) => void }[] = [];
  let flushing: Promise<void> | null = null;
  let exclusive: Promise<void> = Promise.resolve();

  async function flush(): Promise<void> {
    while (batch.length > 0) {
      const current = batch;
      batch = [];
      try {
        await handle.write(current.map((entry) => entry.line).join(''));
        await handle.datasync();
        current.forEach((entry) => entry.resolve());
      } catch (error) {
        current.forEach((entry) => entry.reject(error));
      }
    }
    flushing = null;
  }

  return {
    async append(item, at) {
      await exclusive;
      const entry: JournalEntry<T> = { seq: nextSeq++, at: at.toISOString(), item };
      entries.push(entry);
      await new Promise<void>((resolve, reject) => {
        batch.push({ line: `${JSON.stringify(entry)}\n`, resolve, reject });
        flushing ??= flush();
      });
    },
    async pending() {
      return [...entries];
    },
    async removeThrough(seq) {
      // Rewrites the file without the applied entries: write a new file, fsync, rename over.
      const rewrite = async () => {
        await flushing;
        entries = entries.filter((entry) => entry.seq > seq);
        const temporary = `${file}.tmp`;
        await writeFile(temporary, entries.map((entry) => `${JSON.stringify(entry)}\n`).join(''), { flush: true });
        await handle.close();
        await rename(temporary, file);
        handle = await open(file, 'a');
      };
      exclusive = exclusive.then(rewrite, rewrite);
      await exclusive;
    },
    size: () => entries.length,
    async close() {
      await flushing;
      await handle.close();
    },
  };
}

async function readEntries<T>(file: string): Promise<JournalEntry<T>[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const entries: JournalEntry<T>[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      entries.push(JSON.parse(line) as JournalEntry<T>);
    } catch {
      // A torn last line from a crash mid-write was never acknowledged (no fsync completed): drop it.
    }
  }
  return entries;
}
