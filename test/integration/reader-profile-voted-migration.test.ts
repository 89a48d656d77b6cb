import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { listRunProfiles } from "../../src/core/db/reader-profiles.ts";
import { Recommender } from "../../src/core/recommend/recommender.ts";
import { applyMigrations, migrationsDir } from "../../src/node/migrate.ts";
import { createKysely, openSqlite } from "../../src/node/sqlite.ts";

const dir = mkdtempSync(join(tmpdir(), "paperboy-0081-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const terms = (t: string[]) => JSON.stringify({ n: 10, t, w: t.map((_, i) => 900 - i * 100) });

describe("migration 0081: a reader's votes kept beside their query", () => {
	it("carries the votes of readers who voted before the upgrade, so their next digest still leaves those papers out", async () => {
		// A database as it was before 0081: the profile column, and votes only in paper_votes.
		const before = join(dir, "before");
		cpSync(migrationsDir, before, { recursive: true, filter: (f) => !/0081_/.test(f) });
		const sqlite = openSqlite(join(dir, "paperboy.db"));
		applyMigrations(sqlite, before);
		const at = "2026-11-30T08:00:00.000Z";
		sqlite
			.prepare(
				`insert into subscribers (id, email, status, manage_salt, consent_at, consent_form_version, created_at, updated_at)
				values (7, 'r@example.org', 'active', 'salt', ?, 1, ?, ?)`,
			)
			.run(at, at, at);
		const paper = sqlite.prepare(
			`insert into papers (num, id, title, abstract, added_at, updated_at, source, top_terms) values (?, ?, ?, '', ?, ?, 'arxiv', ?)`,
		);
		paper.run(1, "2611.00001", "Selective state spaces", "2026-11-01T00:00:00.000Z", at, terms(["ssm", "scan"]));
		paper.run(2, "2611.00002", "Video diffusion", "2026-11-01T00:00:00.000Z", at, terms(["video", "diffus"]));
		paper.run(
			3,
			"2612.00003",
			"Hardware-aware selective scans",
			"2026-12-01T00:00:00.000Z",
			at,
			terms(["ssm", "scan"]),
		);
		paper.run(4, "2612.00004", "Selective scans, again", "2026-12-01T00:00:00.000Z", at, terms(["ssm", "scan"]));
		const vote = sqlite.prepare(
			`insert into paper_votes (subscriber_id, paper_num, vote, source, created_at, updated_at) values (7, ?, ?, 'vote', ?, ?)`,
		);
		vote.run(1, "like", at, "2026-11-30T08:00:00.000Z");
		vote.run(2, "dislike", at, "2026-11-30T09:00:00.000Z");
		vote.run(3, "like", at, "2026-11-30T10:00:00.000Z");
		sqlite
			.prepare(
				`insert into reader_profiles (subscriber_id, profile, query, version, updated_at) values (7, '{}', ?, 3, ?)`,
			)
			.run(JSON.stringify({ t: ["ssm", "scan", "video"], w: [800, 500, -300] }), at);

		expect(applyMigrations(sqlite)).toEqual(readdirSync(migrationsDir).filter((f) => /^0081_/.test(f)));
		const columns = sqlite.prepare("select name from pragma_table_info('reader_profiles')").pluck().all();
		expect(columns).not.toContain("profile");
		const db = createKysely(sqlite);
		try {
			// Newest vote first; a 👎 as a negative number.
			expect((await listRunProfiles(db, [7])).get(7)).toMatchObject({ liked: [3, 1], disliked: [2] });
			// Paper 3 was liked: the week's recommendation is paper 4, close to the newest like.
			const found = await new Recommender(db, 5).recommend(
				7,
				{ from: "2026-12-01T00:00:00.000Z", to: "2026-12-02T00:00:00.000Z" },
				[],
			);
			expect(found.map((f) => [f.paperId, f.closeTo])).toEqual([["2612.00004", "Hardware-aware selective scans"]]);
		} finally {
			await db.destroy();
		}
	});
});
