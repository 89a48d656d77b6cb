import type { LogFields, Logger } from "../core/deps.ts";

const levels = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
export type LogLevel = keyof typeof levels;

/** One line per event on stderr: time, level, message, then fields as JSON. */
export function createLogger(level: LogLevel, write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
	const at = (name: Exclude<LogLevel, "silent">) => (message: string, fields?: LogFields) => {
		if (levels[name] < levels[level]) return;
		const extra = fields && Object.keys(fields).length ? ` ${JSON.stringify(fields, errorReplacer)}` : "";
		write(`${new Date().toISOString()} ${name.padEnd(5)} ${message}${extra}\n`);
	};
	return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

function errorReplacer(_key: string, value: unknown) {
	return value instanceof Error ? { name: value.name, message: value.message } : value;
}
