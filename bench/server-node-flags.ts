import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The node flags `paperboy serve` runs with: those on bin/paperboy.js's first line, so a benchmark's child runs as the server does. */
export function serverNodeFlags(): string[] {
	const shebang =
		readFileSync(fileURLToPath(new URL("../bin/paperboy.js", import.meta.url)), "utf8").split("\n", 1)[0] ?? "";
	return shebang.split(" ").filter((word) => word.startsWith("--"));
}
