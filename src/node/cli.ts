/**
 * `npx paperboy <command>`. Every command reads the same settings as the server and
 * applies pending migrations first. Results go to stdout, progress and logs to stderr;
 * errors exit non-zero (2 for bad usage or settings).
 *
 * Each command's module is loaded when that command runs: `paperboy --version` loads
 * nothing, `paperboy stats` not the server or the mail code.
 */
import { parseArgs } from "node:util";
import { AppError } from "../core/errors.ts";
import { version } from "../core/version.ts";
import type { Command, CommandContext } from "./commands/command.ts";
import { exitWithError } from "./exit.ts";
import type { NodeRuntime } from "./runtime.ts";

const commands: Record<string, () => Promise<Command>> = {
	serve: async () => (await import("./commands/serve-command.ts")).serveCommand,
	migrate: async () => (await import("./commands/database-commands.ts")).migrate,
	seed: async () => (await import("./commands/database-commands.ts")).seed,
	ingest: async () => (await import("./commands/ingest-command.ts")).ingestCommand,
	digest: async () => (await import("./commands/digest-commands.ts")).digest,
	preview: async () => (await import("./commands/digest-commands.ts")).preview,
	match: async () => (await import("./commands/match-command.ts")).matchCommand,
	similar: async () => (await import("./commands/similar-command.ts")).similarCommand,
	import: async () => (await import("./commands/reader-commands.ts")).importCommand,
	export: async () => (await import("./commands/reader-commands.ts")).exportCommand,
	forget: async () => (await import("./commands/reader-commands.ts")).forget,
	suppress: async () => (await import("./commands/reader-commands.ts")).suppress,
	stats: async () => (await import("./commands/database-commands.ts")).stats,
	bounces: async () => (await import("./commands/operator-commands.ts")).bounces,
	sources: async () => (await import("./commands/operator-commands.ts")).sources,
	backup: async () => (await import("./commands/database-commands.ts")).backup,
	dkim: async () => (await import("./commands/mail-setup-commands.ts")).dkimCommand,
	doctor: async () => (await import("./commands/mail-setup-commands.ts")).doctorCommand,
};

async function help(): Promise<string> {
	const names = Object.keys(commands);
	const width = Math.max(...names.map((n) => n.length));
	const lines = [];
	for (const name of names) lines.push(`  ${name.padEnd(width)}  ${(await commands[name]?.())?.summary}`);
	return `usage: paperboy <command> [options]\n       paperboy --version\n\ncommands:\n${lines.join("\n")}\n\nRun \`paperboy <command> --help\` for its options.`;
}

export async function runCli(argv: string[]): Promise<void> {
	const [name, ...rest] = argv;
	if (!name || name === "--help" || name === "-h" || name === "help") {
		process.stdout.write(`${await help()}\n`);
		return;
	}
	if (name === "--version" || name === "-v" || name === "version") {
		process.stdout.write(`paperboy ${version}\n`);
		return;
	}
	const load = Object.hasOwn(commands, name) ? commands[name] : undefined;
	if (!load) throw new AppError("invalid_input", `unknown command "${name}"\n\n${await help()}`);
	const command = await load();
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
	// Loaded only by commands that open the database.
	const { createNodeRuntime } = await import("./runtime.ts");
	const { loadSettings } = await import("./settings.ts");
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
