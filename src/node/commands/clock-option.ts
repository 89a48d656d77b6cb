import type { Clock } from "../../core/deps.ts";
import { systemClock } from "../../core/deps.ts";
import { AppError } from "../../core/errors.ts";

/**
 * `--now ISO` runs a command as if it were that moment: time starts there and keeps
 * flowing, so retries, leases and timestamps still behave.
 */
export function clockFrom(now: string | boolean | undefined): Clock {
	if (typeof now !== "string") return systemClock;
	const start = Date.parse(now);
	if (Number.isNaN(start))
		throw new AppError("invalid_input", `--now: "${now}" is not a date (use ISO 8601, e.g. 2026-11-30T08:00:00Z)`);
	const offset = start - Date.now();
	return { now: () => new Date(Date.now() + offset), sleep: systemClock.sleep };
}
