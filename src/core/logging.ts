/**
 * Log levels and the filtering both runtimes share; each runtime only says how a line
 * is written (src/node/stderr-logger.ts, src/worker/console-logger.ts).
 */
import type { LogFields, Logger } from "./deps.ts";

const levels = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
export const logLevels = Object.keys(levels) as [LogLevel, ...LogLevel[]];
export type LogLevel = keyof typeof levels;
export type LogEvent = Exclude<LogLevel, "silent">;

type Write = (event: LogEvent, message: string, fields: LogFields | undefined) => void;

/** How long repeats of one warning or error are counted before their summary line. */
export const repeatWindowMs = 10_000;

/**
 * A Logger that drops events below `level` and hands the others to `write`. A warning or
 * error repeated within `repeatWindowMs` (same level and message, whatever the fields) is
 * written once; the repeats become one summary line when the window closes, so a burst of
 * failing requests is two lines, not thousands.
 */
export function levelledLogger(level: LogLevel, write: Write, options: { collapseRepeats?: boolean } = {}): Logger {
	const collapse = options.collapseRepeats ?? true;
	const bursts = new Map<string, { repeats: number; fields: LogFields | undefined }>();
	const collapsed = (event: LogEvent, message: string, fields: LogFields | undefined) => {
		const key = `${event} ${message}`;
		const burst = bursts.get(key);
		if (burst) {
			burst.repeats++;
			burst.fields = fields;
			return;
		}
		write(event, message, fields);
		bursts.set(key, { repeats: 0, fields });
		const timer = setTimeout(() => {
			const ended = bursts.get(key);
			bursts.delete(key);
			if (ended?.repeats) {
				const times = ended.repeats === 1 ? "once more" : `${ended.repeats} more times`;
				write(
					event,
					`${message} (repeated ${times} in ${repeatWindowMs / 1000} s; the last one's fields follow)`,
					ended.fields,
				);
			}
		}, repeatWindowMs);
		// Node: a pending summary does not keep the process alive.
		(timer as { unref?: () => void }).unref?.();
	};
	const at = (event: LogEvent) => (message: string, fields?: LogFields) => {
		if (levels[event] < levels[level]) return;
		if (collapse && (event === "warn" || event === "error")) collapsed(event, message, fields);
		else write(event, message, fields);
	};
	return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

/** For JSON.stringify of log fields: an error as its name and message (its own fields are not enumerable). */
export function errorReplacer(_key: string, value: unknown) {
	return value instanceof Error ? { name: value.name, message: value.message } : value;
}
