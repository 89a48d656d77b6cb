import { errorReplacer, type LogLevel, levelledLogger } from "../core/logging.ts";

const consoleMethod = { debug: "debug", info: "log", warn: "warn", error: "error" } as const;

/**
 * One JSON object per event on the console: Workers Logs and `wrangler tail` index the
 * fields of JSON lines, so `level` and `message` become searchable.
 */
export const createConsoleLogger = (level: LogLevel) =>
	levelledLogger(level, (event, message, fields) =>
		console[consoleMethod[event]](JSON.stringify({ level: event, message, ...fields }, errorReplacer)),
	);
