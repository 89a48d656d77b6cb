import { join } from "node:path";
import { expect, it } from "vitest";
import { parseConfig } from "../../src/core/config.ts";
import { sendQueuedMail } from "../../src/core/mail/mail-outbox.ts";
import { createApp } from "../../src/core/web/app.tsx";
import { createNodeRuntime } from "../../src/node/runtime.ts";
import { startScheduler } from "../../src/node/scheduler.ts";
import { minutes } from "../helpers/clock.ts";
import { freePort } from "../helpers/free-port.ts";
import { confirmedReader, dataLink, useJourney } from "../helpers/journey.ts";
import { testSecret } from "../helpers/runtime.ts";
import { linkIn, postForm, signup } from "../helpers/web.ts";

const j = useJourney();

it("a confirmation the relay could not take waits in the outbox, survives a restart and goes out when the relay is back", async () => {
	// Nothing listens there: every connection is refused.
	const rt = await j.restart({ SMTP_URL: `smtp://127.0.0.1:${await freePort()}?tls=off`, INGEST_SOURCES: "none" });
	expect((await signup(rt, "ann@example.org", "diffusion")).status).toBe(200);
	await rt.idle();
	// The person tries again a minute later: the mail on its way is enough, none is added.
	rt.clock.advance(minutes(1));
	expect((await signup(rt, "ann@example.org", "diffusion")).status).toBe(200);
	await rt.idle();
	const queued = await rt.deps.db.selectFrom("mail_outbox").select(["status", "kind", "body"]).execute();
	expect(queued).toEqual([{ status: "pending", kind: "confirm", body: expect.any(String) }]);
	// Sealed: the queued message does not show its link.
	expect(queued[0]?.body).not.toContain("/confirm/");

	// A new process on the same database, the relay back: its once-a-minute drain sends it.
	const config = parseConfig({
		DATABASE_PATH: join(rt.dir, "paperboy.db"),
		SECRET: testSecret,
		BASE_URL: "http://paperboy.test",
		MAIL_FROM: "paperboy <digest@paperboy.test>",
		SMTP_URL: j.sink.url,
		INGEST_SOURCES: "none",
		LOG_LEVEL: "silent",
	});
	rt.clock.advance(minutes(5));
	const restarted = createNodeRuntime(config, { clock: rt.clock });
	try {
		const scheduler = startScheduler(restarted);
		await scheduler.ready;
		await scheduler.run("mail");
		// A second drain sends nothing again.
		await scheduler.run("mail");
		await scheduler.stop();
		const [mail] = await j.sink.waitFor(1);
		expect(j.sink.messages).toHaveLength(1);
		expect(mail?.envelopeTo).toEqual(["ann@example.org"]);
		const app = createApp(config, { deps: () => restarted.deps });
		const confirmed = await app.request(`http://paperboy.test${linkIn(mail as never, "/confirm/")}`);
		expect(confirmed.status).toBe(303);
		expect(confirmed.headers.get("location")).toMatch(/^\/manage\//);
		const sent = await restarted.deps.db.selectFrom("mail_outbox").select(["status", "body"]).execute();
		expect(sent).toEqual([{ status: "sent", body: "" }]);
	} finally {
		await restarted.close();
	}
});

it("mail still queued for a reader who deletes themselves is never sent, and no row of theirs stays", async () => {
	const ann = await confirmedReader(j, "ann@example.org");
	await confirmedReader(j, "bob@example.org");
	const { dataPath, csrf } = await dataLink(j, ann);
	const outbox = () => j.rt.deps.db.selectFrom("mail_outbox").select(["kind", "status"]).orderBy("id").execute();
	expect(await outbox()).toHaveLength(3);

	// The relay turns every recipient away for now; both sign up again, and their manage links wait.
	j.rt.clock.advance(minutes(15));
	j.sink.respond = () => ({ code: 451, message: "4.3.0 try again later" });
	for (const email of ["bob@example.org", "ann@example.org"]) {
		expect((await signup(j.rt, email, "diffusion")).status).toBe(200);
		await j.rt.idle();
	}
	expect((await outbox()).filter((m) => m.status === "pending")).toHaveLength(2);

	// The relay is back and the drain claims both; while Bob's is on its way, Ann deletes herself.
	j.sink.clear();
	let bobOnTheWay = () => {};
	const onTheWay = new Promise<void>((resolve) => {
		bobOnTheWay = resolve;
	});
	j.sink.respond = (to) => {
		if (to === "bob@example.org") bobOnTheWay();
		return undefined;
	};
	// Bob's message takes a second to be accepted: Ann's delete has long finished by then.
	j.sink.delayMs = 1000;
	j.rt.clock.advance(minutes(10));
	const drained = sendQueuedMail(j.rt.deps);
	await onTheWay;
	expect((await postForm(j.rt, `${dataPath}/delete`, { confirm: "yes", csrf })).status).toBe(200);
	expect(await drained).toMatchObject({ sent: 1, failed: 0, retrying: 0 });
	expect(j.sink.messages.map((m) => m.envelopeTo)).toEqual([["bob@example.org"]]);
	// Bob's two messages are all that is left: nothing of Ann's, sent or waiting.
	expect(await outbox()).toEqual([
		{ kind: "confirm", status: "sent" },
		{ kind: "manage-link", status: "sent" },
	]);
});
