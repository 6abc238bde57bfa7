import { closeSync, fsyncSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { quarantine, readRecord, type StoredProfile } from './profile-store.ts';
import type { KeyValueStore, StoreIssue } from './types.ts';

/** The journal is folded into the store once it outgrows this, or 1 KiB per profile if more. */
export const JOURNAL_MIN_BYTES = 1 << 20;

/**
 * An append-only journal of changed profile records beside the store: a refresh writes one line
 * (its record) instead of the whole store, so the bytes written per change do not grow with the
 * number of profiles. The store itself is rewritten only for edits and when the journal has grown
 * large (compaction). Every record carries a revision that each write raises, so a line is applied
 * only over an older revision: a crash between rewriting the store and emptying the journal cannot
 * bring an older record back.
 *
 * Each line is `{"r": record}`, written and fsynced before the change is acknowledged.
 * A last line cut short by a kill was never acknowledged and is dropped quietly; a damaged line
 * elsewhere is set aside and reported by the caller.
 */
export interface JournalEntries {
  /** Every record line, in the order they were written. */
  records: { id: string; record: unknown }[];
  /** Lines that could not be read (not the cut-short last one). */
  damaged: string[];
}

export function openStoreJournal(path: string) {
  let fd: number | undefined;
  let bytes = 0;
  try {
    bytes = statSync(path).size;
  } catch {
    bytes = 0;
  }

  const handle = (): number => {
    fd ??= openSync(path, 'a', 0o600);
    return fd;
  };

  return {
    /** Every line, in order. */
    read(): JournalEntries {
      const records: JournalEntries['records'] = [];
      const damaged: string[] = [];
      let text = '';
      try {
        text = readFileSync(path, 'utf8');
      } catch {
        return { records, damaged };
      }
      const lines = text.split('\n');
      const complete = text.endsWith('\n');
      lines.forEach((line, index) => {
        if (line === '') return;
        const last = index === lines.length - 1;
        let entry: { r?: { id?: unknown } } | undefined;
        try {
          entry = JSON.parse(line) as typeof entry;
        } catch {
          // Cut short by a kill: that change was never acknowledged.
          if (!(last && !complete)) damaged.push(line);
          return;
        }
        const id = entry?.r?.id;
        if (typeof id !== 'string') damaged.push(line);
        else records.push({ id, record: entry?.r });
      });
      return { records, damaged };
    },
    /** Appends one line per record and makes them durable. */
    append(records: readonly unknown[]): void {
      if (records.length === 0) return;
      const text = records.map((record) => `${JSON.stringify({ r: record })}\n`).join('');
      const buffer = Buffer.from(text, 'utf8');
      const fd = handle();
      let written = 0;
      while (written < buffer.length) written += writeSync(fd, buffer, written, buffer.length - written);
      fsyncSync(fd);
      bytes += buffer.length;
    },
    /** Empties the journal after the store was rewritten with everything in it. */
    reset(): void {
      if (fd !== undefined) closeSync(fd);
      fd = openSync(path, 'w', 0o600);
      fsyncSync(fd);
      bytes = 0;
    },
    /** Its size now. */
    bytes: () => bytes,
    close(): void {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

export type StoreJournal = ReturnType<typeof openStoreJournal>;

/**
 * Applies the journal over the records read from the store: a line whose revision is newer than
 * the record's replaces it; a damaged line is set aside (quarantine) and reported. Answers whether
 * anything was read (the store should then be rewritten and the journal emptied).
 */
export function replayJournal(
  journal: StoreJournal,
  records: Map<string, StoredProfile>,
  store: KeyValueStore,
  issues: StoreIssue[],
  now: number,
): boolean {
  const { records: lines, damaged } = journal.read();
  // In order, each over an older revision only: a stale line (left by a crash between rewriting
  // the store and emptying the journal) never replaces a newer record, wherever it sits.
  for (const { id, record } of lines) {
    const read = readRecord(record);
    if (typeof read === 'string') damaged.push(JSON.stringify(record));
    else if (records.has(id) && (read.rev ?? 0) > (records.get(id)?.rev ?? 0)) records.set(id, read);
  }
  for (const line of damaged) {
    quarantine(store, { reason: 'damaged journal line', at: now, data: line.slice(0, 100_000) });
    issues.push({
      kind: 'record_unreadable',
      detail: 'A damaged line of the token journal was set aside, not deleted.',
    });
  }
  return lines.length > 0 || damaged.length > 0;
}
