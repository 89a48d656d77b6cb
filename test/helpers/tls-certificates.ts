import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface TestCertificates {
	/** The CA's certificate: give it to Node as NODE_EXTRA_CA_CERTS to trust the server. */
	caFile: string;
	key: string;
	cert: string;
}

/**
 * A private CA and a server certificate for 127.0.0.1 and localhost, made with openssl in
 * `dir`: TLS is verified for real, against a CA the test hands to the client.
 */
export function makeTestCertificates(dir: string): TestCertificates {
	const file = (name: string) => join(dir, name);
	const openssl = (...args: string[]) => execFileSync("openssl", args, { stdio: "ignore" });
	openssl(
		"req",
		"-x509",
		"-newkey",
		"rsa:2048",
		"-nodes",
		"-days",
		"2",
		"-subj",
		"/CN=paperboy test CA",
		"-keyout",
		file("ca.key"),
		"-out",
		file("ca.pem"),
	);
	writeFileSync(file("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
	openssl(
		"req",
		"-newkey",
		"rsa:2048",
		"-nodes",
		"-subj",
		"/CN=127.0.0.1",
		"-keyout",
		file("server.key"),
		"-out",
		file("server.csr"),
	);
	openssl(
		"x509",
		"-req",
		"-in",
		file("server.csr"),
		"-CA",
		file("ca.pem"),
		"-CAkey",
		file("ca.key"),
		"-CAcreateserial",
		"-days",
		"2",
		"-extfile",
		file("server.ext"),
		"-out",
		file("server.pem"),
	);
	return {
		caFile: file("ca.pem"),
		key: readFileSync(file("server.key"), "utf8"),
		cert: readFileSync(file("server.pem"), "utf8"),
	};
}
