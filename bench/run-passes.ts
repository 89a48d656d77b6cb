import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { PassesReport, PassesRequest } from "./passes.ts";
import { serverNodeFlags } from "./server-node-flags.ts";

/** Runs bench/passes.ts in a child process with the server's node flags; `cwd` resolves its tsx. */
export function runPasses(request: PassesRequest, cwd: string): Promise<PassesReport> {
	return new Promise((done, fail) => {
		const child = fork(fileURLToPath(new URL("./passes.ts", import.meta.url)), [], {
			execArgv: [...serverNodeFlags(), "--import", "tsx"],
			cwd,
		});
		let report: PassesReport | undefined;
		child.on("message", (message) => {
			report = message as PassesReport;
		});
		child.on("error", fail);
		child.on("exit", (code) =>
			report
				? done(report)
				: fail(new Error(`bench/passes.ts for ${request.checkout}: exited (${code}) with no report`)),
		);
		child.send(request);
	});
}
