import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compiledTemplatesFile, compileTemplates } from "../../scripts/build-templates.ts";
import { compiledTemplates } from "../../src/core/mail/compiled-templates.ts";

describe("compiled mail templates", () => {
	it("are up to date with templates/*.mjml (run `npm run build:templates`)", async () => {
		expect(readFileSync(compiledTemplatesFile, "utf8")).toBe(await compileTemplates());
	});

	it("load nothing from third parties when opened, and carry the shared masthead", () => {
		for (const [name, html] of Object.entries(compiledTemplates)) {
			expect(html, name).not.toMatch(/@import|<link|<script|googleapis/i);
			expect(html, name).not.toMatch(/(src|href)="https?:/);
			expect(html, name).toContain('href="{{baseUrl}}"');
		}
	});
});
