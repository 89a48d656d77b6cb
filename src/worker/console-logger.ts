import type { LogFields, Logger } from "../core/deps.ts";

const levels = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
type LogLevel = keyof typeof levels;

/**
 * One JSON object per event on the console: Workers Logs and `wrangler tail` index the
 * fields of JSON lines, so `level` and `message` become searchable.
 */
export function createConsoleLogger(level: LogLevel): Logger {
	const at =
		(name: Exclude<LogLevel, "silent">, write: (line: string) => void) => (message: string, fields?: LogFields) => {
			if (levels[name] < levels[level]) return;
			write(JSON.stringify({ level: name, message, ...fields }, errorReplacer));
		};
	return {
		debug: at("debug", (line) => console.debug(line)),
		info: at("info", (line) => console.log(line)),
		warn: at("warn", (line) => console.warn(line)),
		error: at("error", (line) => console.error(line)),
	};
}

function errorReplacer(_key: string, value: unknown) {
	return value instanceof Error ? { name: value.name, message: value.message } : value;
}
