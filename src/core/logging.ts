/**
 * Log levels and the filtering both runtimes share; each runtime only says how a line
 * is written (src/node/stderr-logger.ts, src/worker/console-logger.ts).
 */
import type { LogFields, Logger } from "./deps.ts";

const levels = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
export const logLevels = Object.keys(levels) as [LogLevel, ...LogLevel[]];
export type LogLevel = keyof typeof levels;
export type LogEvent = Exclude<LogLevel, "silent">;

/** A Logger that drops events below `level` and hands the others to `write`. */
export function levelledLogger(
	level: LogLevel,
	write: (event: LogEvent, message: string, fields: LogFields | undefined) => void,
): Logger {
	const at = (event: LogEvent) => (message: string, fields?: LogFields) => {
		if (levels[event] >= levels[level]) write(event, message, fields);
	};
	return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

/** For JSON.stringify of log fields: an error as its name and message (its own fields are not enumerable). */
export function errorReplacer(_key: string, value: unknown) {
	return value instanceof Error ? { name: value.name, message: value.message } : value;
}
