/**
 * The reader's private Atom feed: linked from the manage page, holding the papers their
 * digests carried, parsed here with a real XML parser; the feed link reads the feed and
 * opens nothing else, and signing out other links gives it a new address.
 */
import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { runDigest } from "../../src/core/jobs/run-job.ts";
import { hashToken } from "../../src/core/subscriptions/link-tokens.ts";
import { days, hours } from "../helpers/clock.ts";
import { readerAt, useJourney } from "../helpers/journey.ts";
import { addPapers, addReaders, paper, readerStatus } from "../helpers/readers.ts";
import { get, linkIn, oneClickUnsubscribe, postForm } from "../helpers/web.ts";

const j = useJourney();

const parser = new XMLParser({
	ignoreAttributes: false,
	attributeNamePrefix: "@",
	isArray: (name) => name === "entry",
});

interface Entry {
	title: string;
	id: string;
	link: { "@href": string };
	updated: string;
	summary: string;
}

async function feedAt(path: string) {
	const res = await get(j.rt, path);
	expect(res.status).toBe(200);
	expect(res.headers.get("content-type")).toBe("application/atom+xml; charset=utf-8");
	expect(res.headers.get("cache-control")).toBe("private, max-age=600");
	const feed = parser.parse(await res.text()).feed;
	return { feed, entries: (feed.entry ?? []) as Entry[] };
}

describe("a private feed for each reader", () => {
	it("lists the papers each digest sent, behind a read-only link from the manage page", async () => {
		const email = "feed.reader@example.org";
		await addReaders(j.rt, { [email]: "state space models" });
		j.rt.clock.advance(hours(1));
		await runDigest(j.rt.deps, ["weekly"]);
		const digest = j.sink.to(email)[0];
		if (!digest) throw new Error("no digest");
		const reader = await readerAt(j, email, linkIn(digest, "/manage/"));
		const page = await (await get(j.rt, reader.managePath)).text();
		const feedPath = /href="(\/feed\/[\w-]{43}\.xml)"/.exec(page)?.[1];
		if (!feedPath) throw new Error("no feed link on the manage page");
		const feedToken = feedPath.slice(6, -4);
		// On file as a hash only, with its own purpose.
		const rows = await j.rt.deps.db
			.selectFrom("tokens")
			.select(["hash", "purpose"])
			.where("purpose", "=", "feed")
			.execute();
		expect(rows).toEqual([{ hash: hashToken(feedToken), purpose: "feed" }]);

		const week1 = await feedAt(feedPath);
		expect(week1.feed.title).toBe("paperboy: your papers");
		expect(week1.feed.link).toContainEqual(
			expect.objectContaining({ "@rel": "self", "@href": `http://paperboy.test${feedPath}` }),
		);
		const sentTitles = (digest.parsed.text ?? "").match(/^\d+\. (.+)$/gm)?.map((l) => l.replace(/^\d+\. /, "")) ?? [];
		expect(sentTitles).toHaveLength(5);
		expect(week1.entries.map((e) => e.title).sort()).toEqual([...sentTitles].sort());
		for (const entry of week1.entries) expect(entry.link["@href"]).toMatch(/^https:\/\/arxiv\.org\//);

		// Week 2: a paper with markup in its title; it arrives escaped and reads back as typed.
		const hostile = `State space models <script>alert("x")</script> & "friends"`;
		j.rt.clock.advance(days(7));
		await addPapers(j.rt, [paper("2612.00004", hostile, "State space models, with markup in the title.")]);
		j.rt.clock.advance(hours(1));
		await runDigest(j.rt.deps, ["weekly"]);
		const week2 = await feedAt(feedPath);
		expect(week2.entries).toHaveLength(6);
		expect(week2.entries[0]?.title).toBe(hostile);
		expect((week2.entries[0]?.updated ?? "") > (week2.entries[5]?.updated ?? "")).toBe(true);

		// The feed link opens nothing else, and no other link opens the feed.
		expect((await get(j.rt, `/manage/${feedToken}`)).status).toBe(404);
		expect(await (await oneClickUnsubscribe(j.rt, feedToken)).text()).toContain("belongs to no subscription");
		expect(await readerStatus(j.rt, email)).toBe("active");
		for (const other of [reader.manageToken, reader.unsubscribeToken]) {
			expect((await get(j.rt, `/feed/${other}.xml`)).status).toBe(404);
		}

		// Signing out other links moves the feed too.
		const signedOut = await postForm(j.rt, `${reader.managePath}/sign-out`, { csrf: reader.csrf });
		const renewed = new URL(signedOut.headers.get("location") ?? "", "http://x").pathname;
		expect((await get(j.rt, feedPath)).status).toBe(404);
		const newFeed = /href="(\/feed\/[\w-]{43}\.xml)"/.exec(await (await get(j.rt, renewed)).text())?.[1];
		expect(newFeed).toBeDefined();
		expect(newFeed).not.toBe(feedPath);
		expect((await feedAt(newFeed as string)).entries).toHaveLength(6);
	});
});
