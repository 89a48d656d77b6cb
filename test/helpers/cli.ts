import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const binPath = fileURLToPath(new URL("../../bin/paperboy.js", import.meta.url));

export interface CliResult {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
}

/** Runs the real `paperboy` command in a child process with these settings. */
export function startCli(args: string[], env: Record<string, string>) {
	const child = spawn(process.execPath, [binPath, ...args], {
		env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "silent", INGEST_SOURCES: "none", ...env },
		stdio: ["ignore", "pipe", "pipe"],
	});
	let stdout = "";
	let stderr = "";
	child.stdout.on("data", (d: Buffer) => {
		stdout += d.toString();
	});
	child.stderr.on("data", (d: Buffer) => {
		stderr += d.toString();
	});
	const done = new Promise<CliResult>((resolve) =>
		child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })),
	);
	return { child, done };
}

export const runCli = (args: string[], env: Record<string, string>) => startCli(args, env).done;
