import { expect, it } from "vitest";
import { chunksFor, declareParameterLimit, rowsPerStatement } from "../../src/core/db/limits.ts";
import { findExistingPaperIds } from "../../src/core/db/papers.ts";
import { storePapers } from "../../src/core/papers/store.ts";
import { paper } from "../helpers/readers.ts";
import { createTestRuntime } from "../helpers/runtime.ts";

it("sizes multi-row statements to the database's bound-value limit (D1: 100)", async () => {
	const rt = await createTestRuntime({}, { papers: "none" });
	expect(rowsPerStatement(rt.deps.db, 20)).toBe(1000);
	declareParameterLimit(rt.deps.db, 100);
	expect(rowsPerStatement(rt.deps.db, 20)).toBe(5);
	expect(
		chunksFor(
			rt.deps.db,
			Array.from({ length: 12 }, (_, i) => i),
			20,
		).map((c) => c.length),
	).toEqual([5, 5, 2]);
	// Count the values each statement binds while storing 23 papers (per execution: a
	// prepared statement is reused for every chunk of the same size).
	const bound: number[] = [];
	const original = rt.sqlite.prepare.bind(rt.sqlite);
	rt.sqlite.prepare = ((source: string) => {
		const statement = original(source);
		const values = (source.match(/\?/g) ?? []).length;
		for (const method of ["run", "all"] as const) {
			const execute = statement[method].bind(statement) as (...args: unknown[]) => unknown;
			Object.assign(statement, {
				[method]: (...args: unknown[]) => {
					bound.push(values);
					return execute(...args);
				},
			});
		}
		return statement;
	}) as typeof rt.sqlite.prepare;
	const papers = Array.from({ length: 23 }, (_, i) =>
		paper(`2611.${String(i).padStart(5, "0")}`, `Paper ${i}`, "Text."),
	);
	expect(await storePapers(rt.deps, papers, "test")).toEqual({ new: 23, updated: 0 });
	expect(bound.filter((n) => n > 50).length).toBeGreaterThanOrEqual(4);
	expect(Math.max(...bound)).toBeLessThanOrEqual(100);
	expect(
		(
			await findExistingPaperIds(
				rt.deps.db,
				papers.map((p) => p.id),
			)
		).size,
	).toBe(23);
	await rt.dispose();
});
