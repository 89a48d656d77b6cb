import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestRuntime, type TestRuntime } from "../helpers/runtime.ts";
import { type SmtpSink, startSmtpSink } from "../helpers/smtp-sink.ts";
import { get, inputValue, linkIn, postForm, signup } from "../helpers/web.ts";

let sink: SmtpSink;
let rt: TestRuntime;

beforeAll(async () => {
	sink = await startSmtpSink();
});
afterAll(async () => {
	await rt?.dispose();
	await sink.close();
});
beforeEach(async () => {
	await rt?.dispose();
	sink.clear();
	rt = await createTestRuntime({ SMTP_URL: sink.url });
});

async function subscriberRow(email: string) {
	return rt.deps.db.selectFrom("subscribers").selectAll().where("email", "=", email).executeTakeFirst();
}

describe("the subscriber journey", () => {
	it("signs up, confirms by email, edits topics, and unsubscribes", async () => {
		const form = await get(rt, "/");
		expect(form.status).toBe(200);
		const page = await form.text();
		expect(page).toContain('name="email"');
		expect(page).toContain('name="keywords"');
		expect(page).toContain("Large Language Models as Foundations for Next-Gen Dense Retrieval");

		const res = await signup(rt, "Reader@Example.ORG", "state space models, diffusion");
		expect(res.status).toBe(200);
		expect(await res.text()).toContain("Check your inbox");
		await rt.idle();
		const [confirmation] = await sink.waitFor(1);
		expect(confirmation?.envelopeTo).toEqual(["Reader@example.org"]);
		expect(confirmation?.parsed.subject).toBe("Confirm your paperboy subscription");
		expect(confirmation?.parsed.html).toContain("state space models");
		expect((await subscriberRow("Reader@example.org"))?.status).toBe("pending");

		const confirmPath = linkIn(confirmation as never, "/confirm/");
		const confirmed = await get(rt, confirmPath);
		expect(confirmed.status).toBe(303);
		const managePath = new URL(confirmed.headers.get("location") ?? "", "http://x").pathname;
		expect(managePath).toMatch(/^\/manage\/[\w-]{43}$/);
		expect((await subscriberRow("Reader@example.org"))?.status).toBe("active");

		const manage = await (await get(rt, managePath)).text();
		expect(manage).toContain("Reader@example.org");
		const csrf = inputValue(manage, "csrf");
		const saved = await postForm(rt, managePath, { keywords: "mixture of experts", frequency: "daily", csrf });
		expect(saved.status).toBe(303);
		const after = await subscriberRow("Reader@example.org");
		expect(JSON.parse(after?.keywords ?? "[]")).toEqual(["mixture of experts"]);
		expect(after?.frequency).toBe("daily");

		const token = managePath.split("/")[2];
		const unsubscribePage = await get(rt, `/unsubscribe/${token}`);
		expect(unsubscribePage.status).toBe(200);
		expect((await subscriberRow("Reader@example.org"))?.status).toBe("active");
		const oneClick = await rt.app.request(`http://paperboy.test/unsubscribe/${token}`, {
			method: "POST",
			headers: { "content-type": "application/x-www-form-urlencoded" },
			body: "List-Unsubscribe=One-Click",
		});
		expect(oneClick.status).toBe(200);
		expect((await subscriberRow("Reader@example.org"))?.status).toBe("unsubscribed");
	});
});
