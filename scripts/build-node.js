/**
 * Builds the Node entry (src/node/cli.ts) into dist/node/ with esbuild: our code and
 * every JavaScript dependency in one bundle, split so each command loads only its own
 * part; better-sqlite3 stays outside (a native module). The installed package then runs
 * on plain node, starts in a fraction of the time (hundreds of small ES modules cost
 * more to load than their code), and needs no dependency but better-sqlite3
 * (docs/decisions/020-node-build-one-bundle.md).
 *
 * Plain JavaScript, so a fresh clone can run it before anything is compiled:
 * bin/paperboy.js calls ensureBuilt() in a checkout, the test setup once before the
 * tests, `npm run build` (and so `npm pack`) always.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const dist = join(root, "dist");
const out = join(dist, "node");
const stamp = join(dist, ".node-build");
const lock = join(dist, ".node-build.lock");
const inputs = ["src/core", "src/node", "scripts/build-node.js", "package.json", "package-lock.json"];

/** Packages the bundle cannot carry: native code. */
export const external = ["better-sqlite3"];

function newestMtime(path) {
	const info = statSync(path, { throwIfNoEntry: false });
	if (!info) return 0;
	if (!info.isDirectory()) return info.mtimeMs;
	let newest = info.mtimeMs;
	for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
	return newest;
}

/** True when dist/ holds a build at least as new as every source file. */
export function isBuilt() {
	const built = statSync(stamp, { throwIfNoEntry: false });
	if (!built) return false;
	return inputs.every((input) => newestMtime(join(root, input)) <= built.mtimeMs);
}

async function loadEsbuild() {
	try {
		return await import("esbuild");
	} catch {
		throw new Error(
			"dist/ is missing or older than src/, and esbuild is not installed to build it: run `npm install` (dev dependencies included), then `npm run build`",
		);
	}
}

/** The package a bundled file comes from, e.g. node_modules/@hono/node-server/dist/x.js → @hono/node-server. */
function packageOf(file) {
	const parts = file.split("node_modules/").at(-1)?.split("/") ?? [];
	return parts[0]?.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0];
}

/** The licence texts of every package inside the bundle, as their licences ask. */
function thirdPartyNotices(metafile) {
	const names = new Set();
	for (const file of Object.keys(metafile.inputs)) if (file.includes("node_modules/")) names.add(packageOf(file));
	const sections = [];
	for (const name of [...names].sort()) {
		const dir = join(root, "node_modules", name);
		const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
		const licence = readdirSync(dir).find((f) => /^(licen[cs]e|copying)/i.test(f));
		const text = licence ? readFileSync(join(dir, licence), "utf8").trim() : `License: ${manifest.license}`;
		sections.push(`${name}@${manifest.version}\n\n${text}`);
	}
	return `Third-party code bundled into dist/node/ (scripts/build-node.js):\n\n${sections.join(`\n\n${"-".repeat(72)}\n\n`)}\n`;
}

export async function build() {
	const esbuild = await loadEsbuild();
	// Built aside, then swapped in: a process starting meanwhile finds the old build or the new one whole.
	const next = `${out}.next-${process.pid}`;
	const old = `${out}.old-${process.pid}`;
	rmSync(next, { recursive: true, force: true });
	const result = await esbuild.build({
		entryPoints: [join(root, "src/node/cli.ts")],
		outdir: next,
		bundle: true,
		splitting: true,
		format: "esm",
		platform: "node",
		target: "node22",
		external,
		// Bundled CommonJS packages call require() for node: modules; ESM has none of its own.
		banner: {
			js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);',
		},
		chunkNames: "[name]-[hash]",
		legalComments: "none",
		metafile: true,
		logLevel: "warning",
	});
	writeFileSync(join(next, "THIRD-PARTY-NOTICES.txt"), thirdPartyNotices(result.metafile));
	if (existsSync(out)) renameSync(out, old);
	renameSync(next, out);
	rmSync(old, { recursive: true, force: true });
	writeFileSync(stamp, `${new Date().toISOString()}\n`);
	return result;
}

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Builds when dist/ is missing or stale. Processes starting at once (parallel tests,
 * a CLI command next to the server) build once: one holds the lock, the others wait.
 */
export async function ensureBuilt() {
	if (isBuilt()) return;
	mkdirSync(dist, { recursive: true });
	for (let waited = 0; ; waited += 100) {
		try {
			mkdirSync(lock);
			break;
		} catch {
			if (isBuilt()) return;
			// A builder that died leaves its lock: take it over after two minutes.
			if (waited > 120_000) rmSync(lock, { recursive: true, force: true });
			sleep(100);
		}
	}
	try {
		if (!isBuilt()) {
			process.stderr.write("paperboy: building dist/node (once after each change to src/)\n");
			await build();
		}
	} finally {
		rmSync(lock, { recursive: true, force: true });
	}
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
	const { metafile } = await build();
	const bytes = Object.values(metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
	const files = Object.keys(metafile.outputs).length;
	console.log(`built ${relative(process.cwd(), out) || "."}: ${files} files, ${Math.round(bytes / 1024)} KiB`);
}
