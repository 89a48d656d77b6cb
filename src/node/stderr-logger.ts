import { errorReplacer, type LogLevel, levelledLogger } from "../core/logging.ts";

/** One line per event on stderr: time, level, message, then fields as JSON. */
export const createLogger = (level: LogLevel, write: (line: string) => void = (l) => process.stderr.write(l)) =>
	levelledLogger(level, (event, message, fields) => {
		const extra = fields && Object.keys(fields).length ? ` ${JSON.stringify(fields, errorReplacer)}` : "";
		write(`${new Date().toISOString()} ${event.padEnd(5)} ${message}${extra}\n`);
	});
