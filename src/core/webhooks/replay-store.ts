/**
 * Message ids of accepted webhook requests, remembered for the window in which their
 * signature still counts, so the same signed request sent again is refused ("replayed").
 *
 * The integrator backs this with the database, one row per key, e.g.
 * `INSERT INTO webhook_replays (key, until) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET
 * until = excluded.until WHERE webhook_replays.until <= ?now` — remembered when a row changed —
 * and deletes rows whose `until` has passed in housekeeping. One statement, so two copies of
 * a request arriving at once cannot both be accepted.
 */
export interface ReplayStore {
	/** Remembers `key` until `until`; false when it is remembered already (a replay). */
	remember(key: string, until: Date, now: Date): Promise<boolean>;
	/** Forgets `key`: handling failed, and the provider's retry of the same message must be accepted. */
	forget(key: string): Promise<void>;
}

/**
 * A ReplayStore in this process's memory: right for one process (and for tests), not for
 * several Node processes or Worker isolates, which need the database-backed one.
 */
export function createMemoryReplayStore(maxKeys = 10_000): ReplayStore {
	const until = new Map<string, number>();
	return {
		async remember(key, keepUntil, now) {
			const known = until.get(key);
			if (known !== undefined && known > now.getTime()) return false;
			for (const [k, t] of until) if (t <= now.getTime()) until.delete(k);
			// Full of fresh keys: the oldest goes first (a Map keeps insertion order).
			while (until.size >= maxKeys) until.delete(until.keys().next().value as string);
			until.delete(key);
			until.set(key, keepUntil.getTime());
			return true;
		},
		async forget(key) {
			until.delete(key);
		},
	};
}
