import { beforeEach, describe, expect, it } from "vitest";
import { confirmedReader, type Reader, settledMail, subscriberRow, useJourney } from "../helpers/journey.ts";
import { get, inputValue, postRaw } from "../helpers/web.ts";

const j = useJourney();
let reader: Reader;

beforeEach(async () => {
	reader = await confirmedReader(j, "reader@example.org", "diffusion");
});

const urlencoded = { "content-type": "application/x-www-form-urlencoded", origin: "http://paperboy.test" };

function multipart(fields: Record<string, string | Blob>): FormData {
	const form = new FormData();
	for (const [name, value] of Object.entries(fields)) form.append(name, value);
	return form;
}

/** Bodies no browser sends: each must get a 4xx (or a harmless 200), never a 500. */
function garbageBodies(csrf: string): [string, BodyInit | null, Record<string, string>][] {
	return [
		["empty", null, urlencoded],
		[
			"JSON",
			JSON.stringify({ email: "x@example.org", keywords: "diffusion", csrf }),
			{ "content-type": "application/json" },
		],
		["text/plain", "email=x@example.org", { "content-type": "text/plain", origin: "http://paperboy.test" }],
		["no content type", "keywords=hacked", { origin: "http://paperboy.test" }],
		["broken %-escapes", "email=%E0%A4%A&keywords=%ZZ%&csrf=%", urlencoded],
		["arrays and objects", "email[]=a&keywords[x]=b&csrf[]=c", urlencoded],
		[
			"broken multipart",
			"--x\r\nContent-Disposition: form-data\r\n\r\n",
			{ "content-type": "multipart/form-data; boundary=x" },
		],
		["multipart without boundary", "garbage", { "content-type": "multipart/form-data" }],
		["binary", new Uint8Array([0, 255, 254, 13, 10, 0]), urlencoded],
	];
}

describe("garbage request bodies", () => {
	it("never make a form endpoint fail, and change nothing", async () => {
		const paths = [
			"/subscribe",
			reader.managePath,
			`${reader.managePath}/data-link`,
			`${reader.managePath}/sign-out`,
			`${reader.managePath}/resubscribe`,
		];
		for (const path of paths) {
			for (const [name, body, headers] of garbageBodies("not-the-token")) {
				const res = await postRaw(j.rt, path, body ?? "", { ...headers });
				expect(res.status, `${name} to ${path}`).toBeGreaterThanOrEqual(400);
				expect(res.status, `${name} to ${path}`).toBeLessThan(500);
			}
		}
		const row = await subscriberRow(j.rt, reader.email);
		expect(row?.status).toBe("active");
		expect(JSON.parse(row?.keywords ?? "[]")).toEqual(["diffusion"]);
	});

	it("read a multipart form like a urlencoded one and ignore uploaded files", async () => {
		const page = await (await get(j.rt, "/")).text();
		j.rt.clock.advance(5_000);
		const fields = { email: "multi@example.org", keywords: "retrieval", stamp: inputValue(page, "stamp") };
		const signedUp = await postRaw(j.rt, "/subscribe", multipart(fields), { origin: "http://paperboy.test" });
		expect(signedUp.status).toBe(200);
		expect((await subscriberRow(j.rt, "multi@example.org"))?.status).toBe("pending");

		const file = new Blob(["<script>alert(1)</script>"], { type: "text/html" });
		const upload = await postRaw(
			j.rt,
			reader.managePath,
			multipart({ keywords: file, csrf: reader.csrf, frequency: "daily" }),
			{ origin: "http://paperboy.test" },
		);
		expect(upload.status).toBe(422);
		expect(await upload.text()).not.toContain("<script>alert");
		expect((await subscriberRow(j.rt, reader.email))?.frequency).toBe("weekly");
	});

	it("take the first of duplicated fields", async () => {
		const res = await postRaw(
			j.rt,
			reader.managePath,
			`keywords=first+topic&keywords=second&frequency=daily&frequency=hourly&csrf=${reader.csrf}&csrf=wrong`,
			urlencoded,
		);
		expect(res.status).toBe(303);
		const row = await subscriberRow(j.rt, reader.email);
		expect(JSON.parse(row?.keywords ?? "[]")).toEqual(["first topic"]);
		expect(row?.frequency).toBe("daily");
	});

	it("refuse bodies over 64 KiB with 413, with or without a Content-Length", async () => {
		const huge = `keywords=${"a".repeat(70_000)}&csrf=${reader.csrf}`;
		const withLength = await postRaw(j.rt, reader.managePath, huge, {
			...urlencoded,
			"content-length": String(huge.length),
		});
		expect(withLength.status).toBe(413);
		const stream = new Blob([huge]).stream();
		const chunked = await j.rt.app.request(`http://paperboy.test${reader.managePath}`, {
			method: "POST",
			headers: urlencoded,
			body: stream,
			duplex: "half",
		} as RequestInit);
		expect(chunked.status).toBe(413);
		const file = new Blob([new Uint8Array(200_000)]);
		const upload = await postRaw(j.rt, "/subscribe", multipart({ email: "big@example.org", keywords: "x", file }));
		expect(upload.status).toBe(413);
		expect(JSON.parse((await subscriberRow(j.rt, reader.email))?.keywords ?? "[]")).toEqual(["diffusion"]);
		expect(await settledMail(j)).toHaveLength(1);
	});
});
