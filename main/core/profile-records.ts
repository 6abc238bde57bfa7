import type { StoredProfile } from './profile-store.ts';
import type { ProfileName } from './token-service-api.ts';

/**
 * The profiles in memory, by id, in the order they were added. It counts the changes to who is in
 * it and what they are called (a new token is not one), so the list of ids and names is made once
 * per such change and shared: finding a profile by name is a lookup, not a walk over 10,000 views.
 */
export class ProfileRecords extends Map<string, StoredProfile> {
  private changes = 0;
  private namesAt = -1;
  private names: readonly ProfileName[] = [];

  override set(id: string, record: StoredProfile): this {
    if (this.get(id)?.name !== record.name) this.changes++;
    return super.set(id, record);
  }

  override delete(id: string): boolean {
    const had = super.delete(id);
    if (had) this.changes++;
    return had;
  }

  override clear(): void {
    this.changes++;
    super.clear();
  }

  /** Every id and name, in order: the same (frozen) array until a profile is added, renamed or removed. */
  profileNames(): readonly ProfileName[] {
    if (this.namesAt !== this.changes) {
      this.names = Object.freeze(Array.from(this.values(), ({ id, name }) => Object.freeze({ id, name })));
      this.namesAt = this.changes;
    }
    return this.names;
  }
}
