import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hmacBase64Url, sha256Hex } from "../../src/core/crypto.ts";
import { runDigest } from "../../src/core/jobs/run-job.ts";
import { applyMigrations, migrationsDir } from "../../src/node/migrate.ts";
import { openSqlite } from "../../src/node/sqlite.ts";
import { hours, minutes } from "../helpers/clock.ts";
import {
	confirmedReader,
	dataLink,
	lastMailTo,
	readerAt,
	settledMail,
	subscriberRow,
	tokenCount,
	useJourney,
} from "../helpers/journey.ts";
import { addPapers, addReaders, paper } from "../helpers/readers.ts";
import { testSecret } from "../helpers/runtime.ts";
import type { Received } from "../helpers/smtp-sink.ts";
import { get, inputValue, linkIn, oneClickUnsubscribe, postForm } from "../helpers/web.ts";

const j = useJourney();

/** The token in a link of the message's text part, e.g. `/manage/`. */
const tokenIn = (mail: Received, prefix: string) => linkIn(mail, prefix).slice(prefix.length);
const listUnsubscribeToken = (mail: Received) =>
	/^List-Unsubscribe:\s*<[^>]*\/unsubscribe\/([\w-]{43})>/im.exec(mail.raw)?.[1] ?? "";

/** A digest to an imported reader whose topics match the seed papers. */
async function digestMail(email = "ann@example.org"): Promise<Received> {
	await addReaders(j.rt, { [email]: "state space models" });
	j.rt.clock.advance(hours(1));
	await runDigest(j.rt.deps, ["weekly"]);
	return lastMailTo(j, email);
}

describe("each link opens one thing", () => {
	it("the digest's List-Unsubscribe and footer link only unsubscribe; the body's manage link only manages", async () => {
		const mail = await digestMail();
		const unsubscribeToken = listUnsubscribeToken(mail);
		const manageToken = tokenIn(mail, "/manage/");
		expect(unsubscribeToken).toMatch(/^[\w-]{43}$/);
		expect(tokenIn(mail, "/unsubscribe/")).toBe(unsubscribeToken);
		expect(manageToken).not.toBe(unsubscribeToken);

		// The link every mailbox provider and scanner holds opens neither the manage page nor the data.
		expect((await get(j.rt, `/manage/${unsubscribeToken}`)).status).toBe(404);
		expect((await get(j.rt, `/data/${unsubscribeToken}`)).status).toBe(404);
		expect((await get(j.rt, `/data/${unsubscribeToken}/data.json`)).status).toBe(404);
		const unsubscribePage = await (await get(j.rt, `/unsubscribe/${unsubscribeToken}`)).text();
		expect(unsubscribePage).not.toContain("/manage/");

		// The manage link manages, and cannot be used as an unsubscribe or data link.
		expect((await get(j.rt, `/manage/${manageToken}`)).status).toBe(200);
		expect((await get(j.rt, `/unsubscribe/${manageToken}`)).status).toBe(404);
		expect(await (await oneClickUnsubscribe(j.rt, manageToken)).text()).toContain("belongs to no subscription");
		expect((await get(j.rt, `/data/${manageToken}/data.json`)).status).toBe(404);
		expect((await subscriberRow(j.rt, "ann@example.org"))?.status).toBe("active");

		expect((await oneClickUnsubscribe(j.rt, unsubscribeToken)).status).toBe(200);
		expect((await subscriberRow(j.rt, "ann@example.org"))?.status).toBe("unsubscribed");
	});

	it("export and delete need a fresh link mailed to the address, which works for an hour", async () => {
		const reader = await confirmedReader(j, "reader@example.org");
		// The old routes behind the manage link are gone.
		expect((await get(j.rt, `${reader.managePath}/data.json`)).status).toBe(404);
		const oldDelete = await postForm(j.rt, `${reader.managePath}/delete`, { confirm: "yes", csrf: reader.csrf });
		expect(oldDelete.status).toBe(404);
		expect((await subscriberRow(j.rt, reader.email))?.status).toBe("active");

		const asked = await postForm(j.rt, `${reader.managePath}/data-link`, { csrf: reader.csrf });
		expect(asked.status).toBe(303);
		const notice = await (await get(j.rt, asked.headers.get("location") ?? "")).text();
		expect(notice).toContain("We emailed reader@example.org a link to download or delete your data.");
		const mail = await lastMailTo(j, reader.email);
		expect(mail.parsed.subject).toBe("Your data at paperboy");
		expect(mail.parsed.text).toContain("works for 60 minutes");
		const dataPath = linkIn(mail, "/data/");
		const dataToken = dataPath.split("/")[2] ?? "";
		expect((await get(j.rt, dataPath)).status).toBe(200);
		expect((await get(j.rt, `${dataPath}/data.json`)).status).toBe(200);
		// The data link is no manage or unsubscribe link.
		expect((await get(j.rt, `/manage/${dataToken}`)).status).toBe(404);
		expect((await get(j.rt, `/unsubscribe/${dataToken}`)).status).toBe(404);

		// A second request within the cooldown mails nothing new.
		const again = await postForm(j.rt, `${reader.managePath}/data-link`, { csrf: reader.csrf });
		expect(await (await get(j.rt, again.headers.get("location") ?? "")).text()).toContain("a few minutes ago");
		expect(j.sink.to(reader.email)).toHaveLength(2);

		j.rt.clock.advance(minutes(60));
		expect((await get(j.rt, dataPath)).status).toBe(404);
		expect((await get(j.rt, `${dataPath}/data.json`)).status).toBe(404);
		const csrf = inputValue(await (await get(j.rt, reader.managePath)).text(), "csrf");
		expect((await postForm(j.rt, `${dataPath}/delete`, { confirm: "yes", csrf })).status).toBe(404);
		expect((await subscriberRow(j.rt, reader.email))?.status).toBe("active");
	});

	it("the data link's delete form needs its own CSRF field and our origin", async () => {
		const reader = await confirmedReader(j, "reader@example.org");
		const { dataPath, csrf } = await dataLink(j, reader);
		expect((await postForm(j.rt, `${dataPath}/delete`, { confirm: "yes", csrf: reader.csrf })).status).toBe(403);
		const crossSite = await postForm(
			j.rt,
			`${dataPath}/delete`,
			{ confirm: "yes", csrf },
			{ origin: "https://evil.example" },
		);
		expect(crossSite.status).toBe(403);
		expect((await subscriberRow(j.rt, reader.email))?.status).toBe("active");
	});
});

describe("sign out other links", () => {
	it("changes every link at once, deletes the old ones, and the next digest carries the new ones", async () => {
		const first = await digestMail();
		const oldManage = tokenIn(first, "/manage/");
		const oldUnsubscribe = listUnsubscribeToken(first);
		const reader = await readerAt(j, "ann@example.org", `/manage/${oldManage}`);
		expect(reader.unsubscribeToken).toBe(oldUnsubscribe);
		const { dataPath } = await dataLink(j, reader);

		// A forged form changes nothing.
		expect((await postForm(j.rt, `${reader.managePath}/sign-out`, { csrf: "forged" })).status).toBe(403);
		expect((await get(j.rt, reader.managePath)).status).toBe(200);

		const res = await postForm(j.rt, `${reader.managePath}/sign-out`, { csrf: reader.csrf });
		expect(res.status).toBe(303);
		const renewed = new URL(res.headers.get("location") ?? "", "http://x");
		expect(renewed.pathname).toMatch(/^\/manage\/[\w-]{43}$/);
		expect(renewed.pathname).not.toBe(reader.managePath);
		const page = await (await get(j.rt, `${renewed.pathname}${renewed.search}`)).text();
		expect(page).toContain("Every other link is signed out");
		const newUnsubscribe = /href="\/unsubscribe\/([\w-]{43})"/.exec(page)?.[1];
		expect(newUnsubscribe).toBeDefined();
		expect(newUnsubscribe).not.toBe(oldUnsubscribe);

		for (const path of [reader.managePath, `/unsubscribe/${oldUnsubscribe}`, dataPath, `${dataPath}/data.json`]) {
			expect((await get(j.rt, path)).status, path).toBe(404);
		}
		expect(await (await oneClickUnsubscribe(j.rt, oldUnsubscribe)).text()).toContain("belongs to no subscription");
		// Only the new manage, unsubscribe and voting links are on file (imported readers have no
		// confirm token), and the feed link the renewed manage page put on file.
		expect(await tokenCount(j.rt)).toBe(4);

		j.rt.clock.advance(hours(24 * 7));
		await addPapers(j.rt, [paper("2612.00001", "State space models, a week later", "More state space models.")]);
		j.rt.clock.advance(hours(1));
		await runDigest(j.rt.deps, ["weekly"]);
		const next = await lastMailTo(j, "ann@example.org");
		expect(next).not.toBe(first);
		expect(`/manage/${tokenIn(next, "/manage/")}`).toBe(renewed.pathname);
		expect(listUnsubscribeToken(next)).toBe(newUnsubscribe);
		expect((await oneClickUnsubscribe(j.rt, listUnsubscribeToken(next))).status).toBe(200);
		expect((await subscriberRow(j.rt, "ann@example.org"))?.status).toBe("unsubscribed");
		expect(await settledMail(j)).toHaveLength(3);
	});
});

describe("mail sent before the links were split", () => {
	it("keeps its one-click unsubscribe working and its old manage link opens nothing more", async () => {
		// A database as it was before migration 0010, with a reader and an unused confirmation link.
		const dir = mkdtempSync(join(tmpdir(), "paperboy-0010-"));
		const path = join(dir, "paperboy.db");
		const oldMigrations = join(dir, "migrations");
		mkdirSync(oldMigrations);
		for (const file of readdirSync(migrationsDir).filter((f) => f < "0010")) {
			copyFileSync(join(migrationsDir, file), join(oldMigrations, file));
		}
		const old = openSqlite(path);
		applyMigrations(old, oldMigrations);
		const at = j.rt.clock.now().toISOString();
		const insertReader = old.prepare(
			`insert into subscribers (email, status, keywords, manage_salt, consent_at, consent_ip, consent_form_version, created_at, updated_at)
			 values (?, ?, ?, 'salt', ?, '198.51.100.9', 'signup-2026-11', ?, ?)`,
		);
		const active = Number(insertReader.run("old@example.org", "active", '["diffusion"]', at, at, at).lastInsertRowid);
		const pending = Number(
			insertReader.run("wait@example.org", "pending", '["retrieval"]', at, at, at).lastInsertRowid,
		);
		const oldManage = hmacBase64Url(testSecret, `manage:${active}:salt`);
		const confirm = "C".repeat(43);
		const insertToken = old.prepare(
			"insert into tokens (hash, subscriber_id, purpose, created_at, expires_at) values (?, ?, ?, ?, ?)",
		);
		insertToken.run(sha256Hex(oldManage), active, "manage", at, null);
		insertToken.run(sha256Hex(confirm), pending, "confirm", at, new Date(Date.parse(at) + hours(48)).toISOString());
		old.close();

		const rt = await j.restart({ DATABASE_PATH: path });
		expect((await get(rt, `/manage/${oldManage}`)).status).toBe(404);
		expect((await get(rt, `/unsubscribe/${oldManage}`)).status).toBe(200);
		expect((await oneClickUnsubscribe(rt, oldManage)).status).toBe(200);
		expect((await subscriberRow(rt, "old@example.org"))?.status).toBe("unsubscribed");
		// The pending reader's link confirms what their row said.
		expect((await get(rt, `/confirm/${confirm}`)).status).toBe(303);
		const confirmed = await subscriberRow(rt, "wait@example.org");
		expect(confirmed?.status).toBe("active");
		expect(JSON.parse(confirmed?.keywords ?? "[]")).toEqual(["retrieval"]);
		expect(confirmed?.consent_ip).toBe("198.51.100.9");
		rmSync(dir, { recursive: true, force: true });
	});
});
