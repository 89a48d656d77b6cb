/** One line of `paperboy doctor`: passed, failed (with the fix), or not applicable here. */
export interface Check {
	name: string;
	ok: boolean | undefined;
	detail: string;
	fix?: string;
}

const marks = { pass: "✓", fail: "✗", skip: "–" };

export function formatCheck(check: Check): string {
	const mark = check.ok === undefined ? marks.skip : check.ok ? marks.pass : marks.fail;
	return `${mark} ${check.name}: ${check.detail}${check.ok === false && check.fix ? `\n    fix: ${check.fix}` : ""}`;
}
