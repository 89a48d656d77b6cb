import type { ParseArgsConfig } from "node:util";
import type { Deps } from "../../core/deps.ts";
import type { NodeRuntime } from "../runtime.ts";

export type Options = NonNullable<ParseArgsConfig["options"]>;
export type Values = Record<string, string | boolean | undefined>;

export interface CommandContext {
	/** Opens the database (applying pending migrations) and the mailer, once. */
	runtime(overrides?: Partial<Pick<Deps, "clock">>): NodeRuntime;
	/** Results go to stdout; progress and logs to stderr. */
	out(line: string): void;
	progress(message: string): void;
	/** Ends the command with this exit code once it returns (a result that is not an error). */
	exitCode(code: number): void;
}

export interface Command {
	summary: string;
	usage: string;
	options?: Options;
	/** Takes positional arguments (`ingest hf`); the usage line says which. */
	positionals?: boolean;
	run(ctx: CommandContext, values: Values, positionals: string[]): Promise<void>;
}

export const defineCommand = (command: Command): Command => command;
