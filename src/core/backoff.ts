/**
 * Capped exponential backoff with "equal jitter": the nth attempt waits between half and
 * all of min(max, base * 2^(n-1)), so retries spread out instead of arriving together.
 * `unit` is uniform in [0, 1) (deps.random.unit()).
 */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, unit: number): number {
	const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
	return Math.round(ceiling / 2 + (ceiling / 2) * unit);
}
