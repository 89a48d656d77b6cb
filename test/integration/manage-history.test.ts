import { expect, it } from "vitest";
import { runDigest } from "../../src/core/jobs/run-job.ts";
import { days, hours } from "../helpers/clock.ts";
import { confirmedReader, lastMailTo, readerAt, useJourney } from "../helpers/journey.ts";
import { addPapers, addReaders, paper } from "../helpers/readers.ts";
import { get, linkIn, postForm } from "../helpers/web.ts";

const j = useJourney();

/** The manage page's history, one line per period, newest first. */
const historyOf = (html: string) =>
	[...html.matchAll(/<li data-outcome="(\w+)"><strong>([^<]+)<\/strong>: ([^<]+)/g)].map(
		(m) => `${m[1]} | ${m[2]} | ${m[3]?.trim()}`,
	);

it("the manage page says what happened each week (sent, nothing matched out of how many, paused) and keeps the sent papers", async () => {
	const { rt } = j;
	await addReaders(rt, { "ann@example.org": "state space models" });
	rt.clock.advance(hours(1));
	await runDigest(rt.deps, ["weekly"]); // 2026-W48: the seed papers about state space models.
	const reader = await readerAt(j, "ann@example.org", linkIn(await lastMailTo(j, "ann@example.org"), "/manage/"));

	rt.clock.advance(days(7));
	await addPapers(rt, [
		paper("2612.00001", "Quantum gravity at low energy", "Gravitons."),
		paper("2612.00002", "Knot theory", "Knots."),
	]);
	rt.clock.advance(hours(1));
	await runDigest(rt.deps, ["weekly"]); // 2026-W49: two new papers, neither matches.

	rt.clock.advance(days(1));
	await postForm(rt, reader.managePath, {
		keywords: "state space models",
		frequency: "weekly",
		paused: "on",
		csrf: reader.csrf,
	});
	rt.clock.advance(days(6));
	await runDigest(rt.deps, ["weekly"]); // 2026-W50: paused, nothing planned.
	rt.clock.advance(days(7) - hours(2)); // Monday of 2026-W51, before the run.

	const page = await (await get(rt, reader.managePath)).text();
	expect(historyOf(page)).toEqual([
		"upcoming | Week 51 of 2026 | Not sent yet: it comes with the next run.",
		"paused | Week 50 of 2026 | Paused: no email.",
		"nothing_matched | Week 49 of 2026 | Nothing matched: 0 of 2 new papers, so no email.",
		"sent | Week 48 of 2026 | Sent on 2026-11-23: 5 papers.",
	]);

	const archivePath = `${reader.managePath}/digests/${encodeURIComponent("weekly:2026-W48")}`;
	expect(page).toContain(`href="${archivePath}"`);
	const archive = await get(rt, archivePath);
	expect(archive.status).toBe(200);
	expect(archive.headers.get("cache-control")).toBe("no-store");
	const sent = await rt.deps.db
		.selectFrom("deliveries")
		.select("paper_ids")
		.where("period", "=", "weekly:2026-W48")
		.executeTakeFirstOrThrow();
	const archived = await archive.text();
	const titles = await rt.deps.db
		.selectFrom("papers")
		.select("title")
		.where("id", "in", JSON.parse(sent.paper_ids ?? "[]"))
		.execute();
	expect(titles).toHaveLength(5);
	for (const { title } of titles) expect(archived).toContain(title);
	// Only sent periods have an archive, and only behind the reader's own manage link.
	expect((await get(rt, `${reader.managePath}/digests/${encodeURIComponent("weekly:2026-W49")}`)).status).toBe(404);
	expect((await get(rt, `/manage/${"x".repeat(43)}/digests/${encodeURIComponent("weekly:2026-W48")}`)).status).toBe(
		404,
	);
});

it("after four silent weeks a reader gets one note with their topics' counts and the link to broaden them, then none for twelve weeks", async () => {
	const { rt, sink } = j;
	await addReaders(rt, { "quiet@example.org": "quantum gravity, knot theory" });
	const weeklyRun = async () => {
		rt.clock.advance(days(7));
		await runDigest(rt.deps, ["weekly"]);
	};
	for (let week = 1; week <= 3; week++) await weeklyRun();
	expect(sink.to("quiet@example.org")).toEqual([]);
	await weeklyRun();
	const [note] = sink.to("quiet@example.org");
	expect(note?.parsed.subject).toBe("No new papers on your topics for 4 weeks");
	expect(note?.parsed.text).toContain("your topics matched: quantum gravity: 0, knot theory: 0.");
	const manage = linkIn(note as NonNullable<typeof note>, "/manage/");
	expect((await get(rt, manage)).status).toBe(200);
	const listUnsubscribe = note?.parsed.headerLines.find((h) => h.key === "list-unsubscribe")?.line;
	expect(listUnsubscribe).toMatch(/^List-Unsubscribe:\s+<http:\/\/paperboy\.test\/unsubscribe\/[\w-]{43}>/);
	for (let week = 5; week <= 15; week++) await weeklyRun();
	expect(sink.to("quiet@example.org")).toHaveLength(1);
	await weeklyRun(); // Twelve weeks after the note, and still silent: the second note.
	expect(sink.to("quiet@example.org")).toHaveLength(2);

	const off = await j.restart({ SILENT_WEEKS_NOTE: "false" });
	await addReaders(off, { "quiet@example.org": "quantum gravity" });
	for (let week = 1; week <= 5; week++) {
		off.clock.advance(days(7));
		await runDigest(off.deps, ["weekly"]);
	}
	expect(sink.to("quiet@example.org")).toHaveLength(2);
});

it("on a fresh install the example papers are not counted as the week's new papers (issue 10 item 5)", async () => {
	const rt = await j.restart({}, { papers: "demo" });
	const reader = await confirmedReader(j, "ann@example.org", "state space models");
	await addPapers(rt, [paper("2612.00001", "Quantum gravity at low energy", "Gravitons.")]);
	rt.clock.advance(hours(1));
	await runDigest(rt.deps, ["weekly"]);
	expect(j.sink.to("ann@example.org")).toHaveLength(1); // The confirmation only: no digest of examples.
	const page = await (await get(rt, reader.managePath)).text();
	expect(historyOf(page)).toContainEqual(
		expect.stringMatching(/^nothing_matched \| Week \d+ of 2026 \| Nothing matched: 0 of 1 new paper, so no email\.$/),
	);
});
