import { describe, expect, it } from "vitest";
import { assetPath } from "../../src/core/web/assets.ts";
import { confirmedReader, dataLink, lastMailTo, useJourney } from "../helpers/journey.ts";
import { get, linkIn, oneClickUnsubscribe, postForm, postRaw, signup } from "../helpers/web.ts";

const j = useJourney();

function expectSecurityHeaders(res: Response, what: string) {
	const csp = res.headers.get("content-security-policy") ?? "";
	expect(csp, what).toContain("default-src 'none'");
	expect(csp, what).toContain("script-src 'self'");
	expect(csp, what).toContain("frame-ancestors 'none'");
	expect(csp, what).toContain("form-action 'self'");
	expect(csp, what).not.toContain("unsafe-inline");
	expect(csp, what).not.toContain("unsafe-eval");
	expect(res.headers.get("x-content-type-options"), what).toBe("nosniff");
	expect(res.headers.get("referrer-policy"), what).toBe("no-referrer");
	expect(res.headers.get("x-frame-options"), what).toBe("SAMEORIGIN");
}

describe("security headers", () => {
	it("come with every page and answer, whatever its status", async () => {
		const { rt } = j;
		const responses: [string, Response][] = [
			["signup form", await get(rt, "/")],
			["stylesheet", await get(rt, assetPath("app.css"))],
			["script", await get(rt, assetPath("preview.js"))],
			["health", await get(rt, "/healthz")],
			["unknown page", await get(rt, "/nothing-here")],
			["invalid signup", await postForm(rt, "/subscribe", { email: "x" })],
			["check your inbox", await signup(rt, "reader@example.org", "diffusion")],
			["too large", await postRaw(rt, "/subscribe", "x".repeat(70_000), { "content-length": "70000" })],
			["bad confirm link", await get(rt, "/confirm/nope")],
		];
		const confirmPath = linkIn(await lastMailTo(j, "reader@example.org"), "/confirm/");
		responses.push(["confirm redirect", await get(rt, confirmPath)]);
		responses.push(["used confirm link", await get(rt, confirmPath)]);
		const reader = await confirmedReader(j, "second@example.org");
		const { dataPath } = await dataLink(j, reader);
		responses.push(
			["manage page", await get(rt, reader.managePath)],
			[
				"manage CSRF refusal",
				await postForm(rt, reader.managePath, { keywords: "x" }, { origin: "https://evil.example" }),
			],
			["manage 422", await postForm(rt, reader.managePath, { keywords: "", csrf: reader.csrf })],
			["data page", await get(rt, dataPath)],
			["data export", await get(rt, `${dataPath}/data.json`)],
			["unsubscribe page", await get(rt, `/unsubscribe/${reader.unsubscribeToken}`)],
			["one-click", await oneClickUnsubscribe(rt, reader.unsubscribeToken)],
			["unknown manage link", await get(rt, "/manage/nope")],
		);
		for (const [what, res] of responses) {
			expect(res.status, what).toBeLessThan(500);
			expectSecurityHeaders(res, what);
		}
	});

	it("keep pages behind a token out of caches", async () => {
		const reader = await confirmedReader(j, "reader@example.org");
		const { dataPath } = await dataLink(j, reader);
		const paths = [reader.managePath, dataPath, `${dataPath}/data.json`, `/unsubscribe/${reader.unsubscribeToken}`];
		for (const path of paths) {
			expect((await get(j.rt, path)).headers.get("cache-control"), path).toBe("no-store");
		}
		expect((await oneClickUnsubscribe(j.rt, reader.unsubscribeToken)).headers.get("cache-control")).toBe("no-store");
	});
});
