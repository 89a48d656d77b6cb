import { spawn } from "node:child_process";
import { binPath } from "./cli.ts";

export interface ServerProcess {
	child: ReturnType<typeof spawn>;
	/** The exit code (null when a signal ended it). */
	exited: Promise<number | null>;
	/** Resolves once the server logs that it listens; rejects if it exits first. */
	listening: Promise<void>;
	/** Everything written to stderr (logs) and stdout so far. */
	log(): string;
}

/**
 * A server in a child process, started as an operator would: `paperboy serve` by default,
 * or any command (`npm start`, an installed `paperboy`). Only PATH and `env` reach it.
 */
export function startServerProcess(
	env: Record<string, string>,
	command: { file: string; args: string[]; cwd?: string } = { file: process.execPath, args: [binPath, "serve"] },
): ServerProcess {
	const child = spawn(command.file, command.args, {
		cwd: command.cwd,
		env: { PATH: process.env.PATH ?? "", ...env },
		stdio: ["ignore", "pipe", "pipe"],
	});
	let log = "";
	const collect = (d: Buffer) => {
		log += d.toString();
	};
	child.stderr.on("data", collect);
	child.stdout.on("data", collect);
	const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
	const listening = new Promise<void>((resolve, reject) => {
		const timer = setInterval(() => {
			if (log.includes("paperboy is listening")) {
				clearInterval(timer);
				resolve();
			}
		}, 50);
		void exited.then(() => {
			clearInterval(timer);
			reject(new Error(`server exited early:\n${log}`));
		});
	});
	// A test that expects the server to fail never awaits this.
	listening.catch(() => {});
	return { child, exited, listening, log: () => log };
}
