import type { ParseArgsConfig } from "node:util";
import type { NodeRuntime } from "../runtime.ts";

export type Options = NonNullable<ParseArgsConfig["options"]>;
export type Values = Record<string, string | boolean | undefined>;

export interface CommandContext {
	/** Opens the database (applying pending migrations) and the mailer, once. */
	runtime(): NodeRuntime;
	/** Results go to stdout; progress and logs to stderr. */
	out(line: string): void;
	progress(message: string): void;
}

export interface Command {
	summary: string;
	usage: string;
	options?: Options;
	run(ctx: CommandContext, values: Values, positionals: string[]): Promise<void>;
}

export const defineCommand = (command: Command): Command => command;
