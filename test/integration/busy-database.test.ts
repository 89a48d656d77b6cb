import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { confirmedReader, subscriberRow, useJourney } from "../helpers/journey.ts";
import { recordingLogger } from "../helpers/runtime.ts";
import { get, oneClickUnsubscribe } from "../helpers/web.ts";

const j = useJourney();
const betterSqlite3 = createRequire(import.meta.url).resolve("better-sqlite3");

/**
 * Another process takes the database's write lock (as a backup, a migration or a second
 * sender can) and holds it for `ms`. Resolves once it holds it; `released` once it let go.
 */
async function holdWriteLock(path: string, ms: number): Promise<{ released: Promise<unknown> }> {
	const script = `const Database = require(${JSON.stringify(betterSqlite3)});
		const db = new Database(process.argv[1]);
		db.exec("BEGIN IMMEDIATE");
		process.send("locked");
		setTimeout(() => { db.exec("COMMIT"); db.close(); process.exit(0); }, Number(process.argv[2]));`;
	const child = spawn(process.execPath, ["-e", script, path, String(ms)], {
		stdio: ["ignore", "inherit", "inherit", "ipc"],
	});
	const released = new Promise((resolve) => child.on("exit", resolve));
	await new Promise((resolve, reject) => {
		child.once("message", resolve);
		child.once("exit", (code) => reject(new Error(`the lock holder exited (${code})`)));
	});
	return { released };
}

describe("while another process holds the database's write lock", () => {
	it("one-click unsubscribe still answers (202) and lands once the lock is gone, with the time of the click", async () => {
		const reader = await confirmedReader(j, "reader@example.org");
		const clickedAt = j.rt.clock.now().toISOString();
		const lock = await holdWriteLock(j.rt.deps.config.databasePath, 6_000);
		const res = await oneClickUnsubscribe(j.rt, reader.unsubscribeToken);
		expect(res.status).toBe(202);
		expect(res.headers.get("location")).toBeNull();
		expect(await res.text()).toContain("You will get no more email from paperboy.");
		await j.rt.idle();
		await lock.released;
		const row = await subscriberRow(j.rt, reader.email);
		expect(row?.status).toBe("unsubscribed");
		expect(row?.unsubscribed_at).toBe(clickedAt);
	}, 30_000);
});

describe("a request on a link that fails", () => {
	it("is logged with the route, never with the link's token", async () => {
		const { log, lines } = recordingLogger();
		const rt = await j.restart({}, { log });
		const reader = await confirmedReader(j, "reader@example.org");
		// From here on every statement fails: the database is gone from under the app.
		rt.sqlite.close();
		for (const path of [reader.managePath, `${reader.managePath}?saved=1`, `/unsubscribe/${reader.unsubscribeToken}`]) {
			expect((await get(rt, path)).status, path).toBe(500);
		}
		expect((await oneClickUnsubscribe(rt, reader.unsubscribeToken)).status).toBe(500);
		const errors = lines.filter((l) => l.startsWith("error "));
		expect(errors).toHaveLength(4);
		expect(errors.join("\n")).toContain('"path":"/manage/:token"');
		expect(errors.join("\n")).toContain('"path":"/unsubscribe/:token"');
		for (const token of [reader.manageToken, reader.unsubscribeToken]) expect(lines.join("\n")).not.toContain(token);
	});
});
