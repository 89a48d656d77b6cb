import { env } from "cloudflare:workers";
import { beforeAll, expect, it } from "vitest";
import { activeReader, addPapers, db, migrate, postForm, request, runCron } from "./helpers.ts";

const adminToken = "worker-admin-token-0123456789";
const withAdmin = { ...env, ADMIN_TOKEN: adminToken, METRICS_TOKEN: adminToken };

beforeAll(async () => {
	await migrate();
	await addPapers([
		{ id: "2312.00752", title: "Mamba: selective state space models", abstract: "State space models for language." },
	]);
});

it("the admin area works on D1: sign in, the overview's numbers, the topics page; no /metrics on Workers", async () => {
	await activeReader("worker-admin@example.org", "state space models");
	await runCron("0 8 * * 1", withAdmin);
	expect((await postForm("/admin/sign-in", { token: "wrong" }, {}, withAdmin)).status).toBe(401);
	const signedIn = await postForm("/admin/sign-in", { token: adminToken }, {}, withAdmin);
	expect(signedIn.status).toBe(303);
	const cookie = (signedIn.headers.get("set-cookie") ?? "").split(";")[0] ?? "";

	const overview = await (await request("/admin", { headers: { cookie } }, withAdmin)).text();
	const { n } = await db
		.selectFrom("subscribers")
		.select((eb) => eb.fn.countAll<number>().as("n"))
		.where("status", "=", "active")
		.executeTakeFirstOrThrow();
	expect(overview).toContain(`<dd data-status="active">${n}</dd>`);
	expect(overview).toMatch(/<th scope="row">weekly:\d{4}-W\d\d<\/th>/);
	const topics = await request("/admin/topics", { headers: { cookie } }, withAdmin);
	expect(topics.status).toBe(200);
	expect(await topics.text()).toContain("state space models");
	// Once the queue's enqueue step has matched the period, the page reads what it matched.
	await expect
		.poll(async () => (await request("/admin/topics", { headers: { cookie } }, withAdmin)).text(), { timeout: 15_000 })
		.toMatch(/Numbers as digest planning matched them in weekly:\d{4}-W\d\d\./);
	const metrics = await request("/metrics", { headers: { authorization: `Bearer ${adminToken}` } }, withAdmin);
	expect(metrics.status).toBe(404);
});
