import { type Browser, chromium, type Page } from "playwright-core";

/** Debian's Chromium (`.ci/run` installs it); playwright's own download is unreachable here. */
export const chromiumPath = "/usr/bin/chromium";

export function launchChromium(): Promise<Browser> {
	return chromium.launch({
		executablePath: chromiumPath,
		args: [
			"--no-sandbox",
			"--disable-gpu",
			"--disable-background-networking",
			"--disable-component-update",
			"--no-first-run",
			"--disable-sync",
			"--disable-quic",
		],
	});
}

export interface WatchedPage {
	page: Page;
	/** Console errors, uncaught exceptions and failed requests, as they happen. */
	problems: string[];
}

/** A fresh page (own context: no cookies shared) that records everything that goes wrong. */
export async function watchedPage(browser: Browser): Promise<WatchedPage> {
	const page = await (await browser.newContext()).newPage();
	const problems: string[] = [];
	page.on("console", (message) => {
		if (message.type() === "error" || message.type() === "warning") {
			problems.push(`console ${message.type()}: ${message.text()} (${page.url()})`);
		}
	});
	page.on("pageerror", (error) => problems.push(`uncaught: ${error.message} (${page.url()})`));
	page.on("requestfailed", (request) =>
		problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`),
	);
	page.on("response", (response) => {
		if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
	});
	return { page, problems };
}
