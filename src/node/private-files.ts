/**
 * The data folder holds addresses, consent IPs, salts, the secret and, without SMTP, mail
 * with live links: only the user paperboy runs as may read it. Folders are 0700 and files
 * 0600 from the start, whatever the umask; an existing folder or file this user owns is
 * narrowed when opened. A shared folder (sticky, like /tmp) or someone else's is left alone.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from "node:fs";

export const privateDirMode = 0o700;
export const privateFileMode = 0o600;

const ownedByUs = (uid: number) => process.getuid === undefined || process.getuid() === uid;

/** chmod, except on a read-only file system (a read-only mount still serves reads). */
function narrow(path: string, mode: number): void {
	try {
		chmodSync(path, mode);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== "EROFS") throw error;
	}
}

/** Creates the folder (and its parents) 0700, or narrows it to 0700 if it is ours. */
export function ensurePrivateDir(dir: string): void {
	mkdirSync(dir, { recursive: true, mode: privateDirMode });
	const { mode, uid } = statSync(dir);
	const shared = (mode & 0o1000) !== 0;
	if (!shared && ownedByUs(uid) && (mode & 0o777) !== privateDirMode) narrow(dir, privateDirMode);
}

/** Creates the file empty at 0600 when missing, or narrows it to 0600 if it is ours. */
export function ensurePrivateFile(path: string): void {
	if (!existsSync(path)) closeSync(openSync(path, "a", privateFileMode));
	narrowFile(path);
}

/** Narrows an existing file of ours to 0600; a missing one is fine. */
export function narrowFile(path: string): void {
	if (!existsSync(path)) return;
	const { mode, uid } = statSync(path);
	if (ownedByUs(uid) && (mode & 0o777) !== privateFileMode) narrow(path, privateFileMode);
}
