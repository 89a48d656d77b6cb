import fc from "fast-check";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { createMemoryReplayStore } from "../../../src/core/webhooks/replay-store.ts";
import { resendEventReport } from "../../../src/core/webhooks/resend-events.ts";
import { verifyResendWebhook } from "../../../src/core/webhooks/resend-signature.ts";
import { FakeClock, minutes, seconds } from "../../helpers/clock.ts";
import { readWebhookFixture } from "../../helpers/webhook-fixtures.ts";

// A secret in the shape Resend shows for an endpoint: whsec_ and 24 random bytes, base64.
const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const otherSecret = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
const body = readWebhookFixture("resend-email-bounced.json");

/** Headers as Resend sends them, signed by standardwebhooks (what Resend's own SDK verifies with). */
function signed(payload: string | Buffer, at: Date, id = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", key = secret) {
	return {
		"svix-id": id,
		"svix-timestamp": String(Math.floor(at.getTime() / 1000)),
		"svix-signature": new Webhook(key).sign(id, at, payload),
	};
}

function setup() {
	const clock = new FakeClock();
	const replays = createMemoryReplayStore();
	const verify = (headers: Record<string, string>, payload: string | Uint8Array = body) =>
		verifyResendWebhook(headers, payload, { secret, now: clock.now(), replays });
	return { clock, replays, verify };
}

describe("Resend webhook signatures (Svix)", () => {
	it("accepts a request Resend signed, and gives the event to read", async () => {
		const { clock, verify } = setup();
		const verdict = await verify(signed(body, clock.now()));
		expect(verdict).toMatchObject({ ok: true, replayKey: "resend:msg_2KWPBgLlAfxdpx2AI54pPJ85f4W" });
		if (!verdict.ok) return;
		expect(resendEventReport(verdict.value)).toMatchObject({ kind: "hard", verpToken: "Qm3xT9vLr2aZc8NfY4pKw1" });
	});

	it("takes the body as bytes, the secret without its prefix, and the webhook-* header names", async () => {
		const { clock, replays } = setup();
		const bytes = new TextEncoder().encode(body);
		const headers = Object.fromEntries(
			Object.entries(signed(body, clock.now())).map(([name, value]) => [name.replace("svix-", "Webhook-"), value]),
		);
		const verdict = await verifyResendWebhook(new Headers(headers), bytes, {
			secret: secret.slice("whsec_".length),
			now: clock.now(),
			replays,
		});
		expect(verdict.ok).toBe(true);
	});

	it("accepts any one matching signature of several (a secret being rotated)", async () => {
		const { clock, verify } = setup();
		const ours = signed(body, clock.now());
		const theirs = signed(body, clock.now(), ours["svix-id"], otherSecret);
		const both = `${theirs["svix-signature"]} v1a,c2lnbmVkIHdpdGggZWQyNTUxOQ== ${ours["svix-signature"]}`;
		expect((await verify({ ...ours, "svix-signature": both })).ok).toBe(true);
	});

	it("refuses a signature by another secret, a wrong id or timestamp, and a missing header", async () => {
		const { clock, verify } = setup();
		const good = signed(body, clock.now());
		const now = Math.floor(clock.now().getTime() / 1000);
		expect(await verify(signed(body, clock.now(), good["svix-id"], otherSecret))).toEqual({
			ok: false,
			reason: "bad_signature",
		});
		expect(await verify({ ...good, "svix-id": "msg_other" })).toEqual({ ok: false, reason: "bad_signature" });
		expect(await verify({ ...good, "svix-timestamp": String(now - 1) })).toEqual({
			ok: false,
			reason: "bad_signature",
		});
		expect(await verify({ ...good, "svix-signature": good["svix-signature"].replace("v1,", "v2,") })).toEqual({
			ok: false,
			reason: "bad_signature",
		});
		for (const name of ["svix-id", "svix-timestamp", "svix-signature"] as const) {
			const { [name]: _, ...rest } = good;
			expect(await verify(rest)).toEqual({ ok: false, reason: "unsigned" });
		}
		expect(await verify({ ...good, "svix-timestamp": "soon" })).toEqual({ ok: false, reason: "malformed" });
	});

	it("refuses a signed request more than 5 minutes old or ahead, and takes one just inside", async () => {
		const { clock, verify } = setup();
		const at = clock.now();
		clock.advance(minutes(5) + seconds(1));
		expect(await verify(signed(body, at, "msg_late"))).toEqual({ ok: false, reason: "expired" });
		expect(await verify(signed(body, new Date(clock.now().getTime() + minutes(5) + seconds(1)), "msg_early"))).toEqual({
			ok: false,
			reason: "expired",
		});
		expect((await verify(signed(body, new Date(clock.now().getTime() - minutes(5)), "msg_in_time"))).ok).toBe(true);
	});

	it("refuses the same signed request again while its signature counts, unless handling it failed", async () => {
		const { clock, replays, verify } = setup();
		const headers = signed(body, clock.now());
		const first = await verify(headers);
		expect(first.ok).toBe(true);
		clock.advance(seconds(30));
		expect(await verify(headers)).toEqual({ ok: false, reason: "replayed" });
		// A retry of the same message (same id, new timestamp) is the same message.
		expect(await verify(signed(body, clock.now()))).toEqual({ ok: false, reason: "replayed" });
		if (first.ok) await replays.forget(first.replayKey);
		expect((await verify(signed(body, clock.now()))).ok).toBe(true);
	});

	it("refuses a body that was signed but is not JSON", async () => {
		const { clock, verify } = setup();
		expect(await verify(signed("not json", clock.now()), "not json")).toEqual({ ok: false, reason: "malformed" });
	});

	it("says a secret that is not whsec_ and base64 is a settings error", async () => {
		const { clock, replays } = setup();
		for (const bad of ["", "whsec_", "whsec_!!!", "whsec_c2hvcnQ="]) {
			await expect(
				verifyResendWebhook(signed(body, clock.now()), body, { secret: bad, now: clock.now(), replays }),
			).rejects.toMatchObject({ code: "config" });
		}
	});

	it("fails for every change of any byte of the signed body", async () => {
		const { clock, verify } = setup();
		const bytes = new TextEncoder().encode(body);
		const headers = signed(Buffer.from(bytes), clock.now());
		await fc.assert(
			fc.asyncProperty(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), async (index, flip) => {
				const tampered = bytes.slice();
				tampered[index] = (tampered[index] ?? 0) ^ flip;
				expect(await verify(headers, tampered)).toEqual({ ok: false, reason: "bad_signature" });
			}),
			{ numRuns: 300 },
		);
		expect((await verify(headers, bytes)).ok).toBe(true);
	});
});
