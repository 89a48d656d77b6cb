/**
 * `npx paperboy <command>`. Every command reads the same settings as the server and
 * applies pending migrations first. Results go to stdout, progress and logs to stderr;
 * errors exit non-zero (2 for bad usage or settings).
 */
import { parseArgs } from "node:util";
import { AppError } from "../core/errors.ts";
import type { Command, CommandContext } from "./commands/command.ts";
import { migrate, seed, stats } from "./commands/database-commands.ts";
import { digest, preview } from "./commands/digest-commands.ts";
import { ingestCommand } from "./commands/ingest-command.ts";
import { matchCommand } from "./commands/match-command.ts";
import { bounces, sources } from "./commands/operator-commands.ts";
import { exportCommand, forget, importCommand, suppress } from "./commands/reader-commands.ts";
import { exitWithError } from "./exit.ts";
import { createNodeRuntime, type NodeRuntime } from "./runtime.ts";
import { loadSettings } from "./settings.ts";

const commands: Record<string, Command> = {
	migrate,
	seed,
	ingest: ingestCommand,
	digest,
	preview,
	match: matchCommand,
	import: importCommand,
	export: exportCommand,
	forget,
	suppress,
	stats,
	bounces,
	sources,
};

function help(): string {
	const width = Math.max(...Object.keys(commands).map((n) => n.length));
	const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
	return `usage: paperboy <command> [options]\n\ncommands:\n${lines.join("\n")}\n\nRun \`paperboy <command> --help\` for its options.`;
}

export async function runCli(argv: string[]): Promise<void> {
	const [name, ...rest] = argv;
	if (!name || name === "--help" || name === "-h" || name === "help") {
		process.stdout.write(`${help()}\n`);
		return;
	}
	const command = commands[name];
	if (!command) throw new AppError("invalid_input", `unknown command "${name}"\n\n${help()}`);
	let parsed: ReturnType<typeof parseArgs>;
	try {
		parsed = parseArgs({
			args: rest,
			options: { ...command.options, help: { type: "boolean", short: "h" } },
			allowPositionals: command.positionals === true,
			strict: true,
		});
	} catch (error) {
		throw new AppError("invalid_input", `${(error as Error).message}\nusage: ${command.usage}`);
	}
	if (parsed.values.help) {
		process.stdout.write(`usage: ${command.usage}\n${command.summary}\n`);
		return;
	}
	let runtime: NodeRuntime | undefined;
	const tty = process.stderr.isTTY;
	const ctx: CommandContext = {
		runtime: (overrides) => {
			runtime ??= createNodeRuntime(loadSettings(), overrides);
			return runtime;
		},
		out: (line) => process.stdout.write(`${line}\n`),
		progress: (message) => {
			if (tty) process.stderr.write(`\r\x1b[2K${message}`);
		},
		exitCode: (code) => {
			process.exitCode = code;
		},
	};
	try {
		await command.run(ctx, parsed.values as Record<string, string | boolean | undefined>, parsed.positionals);
	} finally {
		if (tty) process.stderr.write("\r\x1b[2K");
		await runtime?.close();
	}
}

// `paperboy export | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
	if (error.code === "EPIPE") process.exit(0);
	throw error;
});

runCli(process.argv.slice(2)).catch(exitWithError);
