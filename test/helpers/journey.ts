import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import type { ReaderStatus } from "../../src/core/subscriptions/reader.ts";
import { minutes } from "./clock.ts";
import { createTestRuntime, type TestRuntime, type TestRuntimeOptions } from "./runtime.ts";
import { type Received, type SmtpSink, startSmtpSink } from "./smtp-sink.ts";
import { get, inputValue, linkIn, oneClickUnsubscribe, postForm, signup } from "./web.ts";

export interface Journey {
	readonly sink: SmtpSink;
	readonly rt: TestRuntime;
	/** Replaces this test's runtime with one on more settings or another clock (a fresh database). */
	restart(more?: Record<string, string>, options?: TestRuntimeOptions): Promise<TestRuntime>;
}

/**
 * One real SMTP sink per test file and a fresh runtime (new SQLite file, real mailer to
 * the sink) per test. The runtime is disposed before the sink closes, so no send hangs.
 * Each test starts with an empty sink that accepts everything at once.
 */
export function useJourney(env: Record<string, string> = {}): Journey {
	let sink: SmtpSink | undefined;
	let rt: TestRuntime | undefined;
	const start = async (more: Record<string, string> = {}, options: TestRuntimeOptions = {}) => {
		if (!sink) throw new Error("SMTP sink not started");
		await rt?.dispose();
		rt = await createTestRuntime({ SMTP_URL: sink.url, ...env, ...more }, options);
		return rt;
	};
	beforeAll(async () => {
		sink = await startSmtpSink();
	});
	beforeEach(async () => {
		if (sink) {
			sink.clear();
			sink.respond = () => undefined;
			sink.delayMs = 0;
		}
		await start();
	});
	afterEach(async () => {
		await rt?.dispose();
		rt = undefined;
	});
	afterAll(async () => {
		await sink?.close();
	});
	return {
		get sink() {
			if (!sink) throw new Error("SMTP sink not started");
			return sink;
		},
		get rt() {
			if (!rt) throw new Error("runtime not created");
			return rt;
		},
		restart: start,
	};
}

export function subscriberRow(rt: TestRuntime, email: string) {
	return rt.deps.db.selectFrom("subscribers").selectAll().where("email", "=", email).executeTakeFirst();
}

export async function tokenCount(rt: TestRuntime): Promise<number> {
	const row = await rt.deps.db
		.selectFrom("tokens")
		.select((eb) => eb.fn.countAll<number>().as("n"))
		.executeTakeFirstOrThrow();
	return Number(row.n);
}

/** Every message the sink holds once mail deferred after responses has gone out. */
export async function settledMail(j: Journey): Promise<Received[]> {
	await j.rt.idle();
	return j.sink.messages;
}

/** The newest message to an address, after deferred mail has gone out. */
export async function lastMailTo(j: Journey, email: string): Promise<Received> {
	await j.rt.idle();
	const message = j.sink.to(email).at(-1);
	if (!message) throw new Error(`no mail to ${email}`);
	return message;
}

export interface Reader {
	email: string;
	/** The manage link's token: opens /manage/ only. */
	manageToken: string;
	managePath: string;
	/** The unsubscribe link's token (the manage page's "Unsubscribe"): opens /unsubscribe/ only. */
	unsubscribeToken: string;
	csrf: string;
}

/** Signs up and follows the confirmation link from the email: an active reader. */
export async function confirmedReader(j: Journey, email: string, keywords = "diffusion"): Promise<Reader> {
	await signup(j.rt, email, keywords);
	const confirmPath = linkIn(await lastMailTo(j, email), "/confirm/", j.rt.deps.config.baseUrl);
	const confirmed = await get(j.rt, confirmPath);
	return readerAt(j, email, new URL(confirmed.headers.get("location") ?? "", "http://x").pathname);
}

/** A reader as their manage page shows them: its token, the unsubscribe link on it, the CSRF field. */
export async function readerAt(j: Journey, email: string, managePath: string): Promise<Reader> {
	const page = await (await get(j.rt, managePath)).text();
	const unsubscribeToken = /href="\/unsubscribe\/([\w-]{43})"/.exec(page)?.[1] ?? "";
	const manageToken = managePath.split("/")[2] ?? "";
	return { email, manageToken, managePath, unsubscribeToken, csrf: inputValue(page, "csrf") };
}

/** Asks for the data link on the manage page and opens it from the email: the data page. */
export async function dataLink(j: Journey, reader: Reader): Promise<{ dataPath: string; csrf: string }> {
	const asked = await postForm(j.rt, `${reader.managePath}/data-link`, { csrf: reader.csrf });
	if (asked.status !== 303) throw new Error(`asking for the data link: ${asked.status}`);
	const dataPath = linkIn(await lastMailTo(j, reader.email), "/data/");
	return { dataPath, csrf: inputValue(await (await get(j.rt, dataPath)).text(), "csrf") };
}

/** Brings an address into a status through the real journey, then lets the mail cooldown pass. */
export async function readerWithStatus(j: Journey, email: string, status: ReaderStatus | "new"): Promise<void> {
	if (status === "pending") await signup(j.rt, email, "diffusion");
	if (status === "active" || status === "paused" || status === "unsubscribed") {
		const reader = await confirmedReader(j, email);
		if (status === "paused")
			await postForm(j.rt, reader.managePath, { keywords: "diffusion", paused: "on", csrf: reader.csrf });
		if (status === "unsubscribed") await oneClickUnsubscribe(j.rt, reader.unsubscribeToken);
	}
	const row = await subscriberRow(j.rt, email);
	if ((row?.status ?? "new") !== status) throw new Error(`${email} is ${row?.status}, wanted ${status}`);
	await j.rt.idle();
	j.rt.clock.advance(minutes(15));
}
