/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { raw } from "hono/html";
import type { FC, PropsWithChildren } from "hono/jsx";
import { Head } from "../layout.tsx";

export const adminPages = [
	["/admin", "Overview"],
	["/admin/readers", "Readers"],
	["/admin/topics", "Topics"],
	["/admin/deliveries", "Deliveries"],
	["/admin/suppressions", "Suppressions"],
] as const;

/** The admin area's frame: its own navigation and a sign-out form (CSRF-checked like every admin form). */
export const AdminLayout: FC<PropsWithChildren<{ title: string; path?: string; csrf?: string; notice?: string }>> = ({
	title,
	path,
	csrf,
	notice,
	children,
}) => (
	<>
		{raw("<!doctype html>")}
		<html lang="en">
			<Head title={`${title} · paperboy admin`} robots="noindex" />
			<body class="admin">
				<header class="site">
					<a href="/admin" class="brand">
						paperboy admin
					</a>
					{csrf ? (
						<nav aria-label="Admin pages">
							{adminPages.map(([href, name]) => (
								<a href={href} aria-current={href === path ? "page" : undefined}>
									{name}
								</a>
							))}
							<form method="post" action="/admin/sign-out" class="inline">
								<input type="hidden" name="csrf" value={csrf} />
								<button type="submit" class="link">
									Sign out
								</button>
							</form>
						</nav>
					) : null}
				</header>
				<main id="main">
					<h1>{title}</h1>
					{notice ? (
						<p class="notice" role="status">
							{notice}
						</p>
					) : null}
					{children}
				</main>
			</body>
		</html>
	</>
);

/** A table's header row; `action` adds a last column for buttons, named for screen readers only. */
export const Columns: FC<{ names: readonly string[]; action?: boolean }> = ({ names, action }) => (
	<thead>
		<tr>
			{names.map((name) => (
				<th scope="col">{name}</th>
			))}
			{action ? (
				<th scope="col">
					<span class="hp">Action</span>
				</th>
			) : null}
		</tr>
	</thead>
);

/** A one-button form posting hidden fields and the session's CSRF field. */
export const PostButton: FC<{
	action: string;
	csrf: string;
	fields: Record<string, string>;
	label: string;
	/** The button's full name for screen readers; starts with `label`. */
	name?: string;
	danger?: boolean;
}> = ({ action, csrf, fields, label, name, danger }) => (
	<form method="post" action={action} class="inline">
		<input type="hidden" name="csrf" value={csrf} />
		{Object.entries(fields).map(([field, value]) => (
			<input type="hidden" name={field} value={value} />
		))}
		<button type="submit" class={danger ? "danger" : undefined} aria-label={name}>
			{label}
		</button>
	</form>
);

/** A UTC time as `2026-11-23 08:00`; empty for none. */
export const shortTime = (iso: string | null | undefined) => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : "");
