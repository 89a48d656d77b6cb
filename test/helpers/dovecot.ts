import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { ImapFlow } from "imapflow";
import { freePort } from "./free-port.ts";

/**
 * A real IMAP server for tests: Dovecot (Debian's dovecot-imapd) started from a config in a
 * temp folder, on 127.0.0.1 and a free port, with one passwd-file user and a maildir under
 * the same folder. Nothing under /etc, /var or /run is used.
 *
 * Dovecot's login processes refuse to run as root, and the mail process refuses uid 0. Run as
 * root (CI, these machines), it starts as root and drops to the users its package created:
 * `dovenull` for logins, `dovecot` for internal processes and for the mail itself (the folder
 * is made readable and the maildir owned by it). Run as anyone else, every process is that user.
 */
export interface Dovecot {
	port: number;
	user: string;
	pass: string;
	/** BOUNCE_IMAP_URL for a mailbox of the test user. */
	url(mailbox?: string): string;
	/** A logged-in client for putting messages in and looking at flags. */
	client(): Promise<ImapFlow>;
	close(): Promise<void>;
}

const idOf = (flag: "-u" | "-g", name: string) => Number(execFileSync("id", [flag, name]).toString().trim());

/** Resolves once the server answers with its greeting; rejects after `timeoutMs`. */
async function greeting(port: number, timeoutMs: number, process: ChildProcess): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (process.exitCode !== null) throw new Error(`dovecot exited with ${process.exitCode}`);
		const ok = await new Promise<boolean>((resolve) => {
			const socket = connect(port, "127.0.0.1");
			socket.once("data", (chunk) => {
				socket.destroy();
				resolve(chunk.toString().startsWith("* OK"));
			});
			socket.once("error", () => resolve(false));
		});
		if (ok) return;
		if (Date.now() > deadline) throw new Error("dovecot did not start listening");
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

export async function startDovecot(): Promise<Dovecot> {
	const dir = mkdtempSync(join(tmpdir(), "paperboy-dovecot-"));
	const port = await freePort();
	const user = "bounces";
	const pass = "secret-imap-password";
	const asRoot = process.getuid?.() === 0;
	const me = userInfo().username;
	const home = join(dir, "home");
	mkdirSync(join(dir, "run"));
	mkdirSync(join(dir, "state"));
	mkdirSync(home);
	if (asRoot) {
		// The auth process (user dovecot) reads the passwd file; the mail process writes the maildir.
		chmodSync(dir, 0o755);
		chownSync(home, idOf("-u", "dovecot"), idOf("-g", "dovecot"));
	}
	const passwd = join(dir, "passwd");
	writeFileSync(passwd, `${user}:{PLAIN}${pass}::::\n`, { mode: 0o644 });
	const mailUser = asRoot ? "dovecot" : me;
	const mailGroup = asRoot ? "dovecot" : execFileSync("id", ["-gn"]).toString().trim();
	const config = `
protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = paperboy-test-${port}
log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
default_internal_user = ${mailUser}
default_internal_group = ${mailGroup}
default_login_user = ${asRoot ? "dovenull" : me}
mail_location = maildir:~/Maildir
# The dovecot system user has a low uid; let it own the test maildir.
first_valid_uid = 1
service anvil {
  chroot =
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${passwd}
}
userdb {
  driver = static
  args = uid=${mailUser} gid=${mailGroup} home=${home}/%u
}
`;
	const configPath = join(dir, "dovecot.conf");
	writeFileSync(configPath, config);
	const binary = existsSync("/usr/sbin/dovecot") ? "/usr/sbin/dovecot" : "dovecot";
	const child = spawn(binary, ["-F", "-c", configPath], { stdio: ["ignore", "ignore", "pipe"] });
	let stderr = "";
	child.stderr?.on("data", (chunk) => {
		stderr += chunk;
	});
	try {
		await greeting(port, 10_000, child);
	} catch (error) {
		child.kill("SIGKILL");
		const log = existsSync(join(dir, "dovecot.log")) ? readFileSync(join(dir, "dovecot.log"), "utf8") : "";
		rmSync(dir, { recursive: true, force: true });
		throw new Error(`${(error as Error).message}\n${stderr}\n${log}`);
	}
	const clients: ImapFlow[] = [];
	return {
		port,
		user,
		pass,
		url: (mailbox = "INBOX") => `imap://${user}:${pass}@127.0.0.1:${port}/${encodeURIComponent(mailbox)}`,
		async client() {
			const client = new ImapFlow({
				host: "127.0.0.1",
				port,
				secure: false,
				auth: { user, pass },
				logger: false,
				disableAutoIdle: true,
			});
			await client.connect();
			clients.push(client);
			return client;
		},
		async close() {
			await Promise.all(clients.map((c) => c.logout().catch(() => c.close())));
			if (child.exitCode === null && child.signalCode === null) {
				const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
				child.kill("SIGTERM");
				await exited;
			}
			rmSync(dir, { recursive: true, force: true });
		},
	};
}
